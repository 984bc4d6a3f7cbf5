/**
 * Scratch cells for moving floats to and from bytes, and the host's byte order. The wire format
 * is little-endian; every supported Deno host is too, and the big-endian paths only reorder.
 *
 * @module
 */

/** Whether this host stores numbers little-endian (the wire order). */
export const LITTLE_ENDIAN_HOST: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One float64 cell, seen as bytes through {@linkcode F64_BYTES}. */
export const F64: Float64Array = new Float64Array(1);
/** The bytes of {@linkcode F64}. */
export const F64_BYTES: Uint8Array = new Uint8Array(F64.buffer);
/** One float32 cell, seen as bytes through {@linkcode F32_BYTES}. */
export const F32: Float32Array = new Float32Array(1);
/** The bytes of {@linkcode F32}. */
export const F32_BYTES: Uint8Array = new Uint8Array(F32.buffer);

/** Reverses each `size`-byte element of `bytes` in place (only on big-endian hosts). */
export function swapElements(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
