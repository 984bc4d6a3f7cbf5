/**
 * `encode()`: one value to a fresh `Uint8Array`, through a per-thread scratch writer.
 *
 * @module
 */

import { Writer } from "./writer.ts";

let scratch: Writer | undefined;
let busy = false;

/**
 * Encodes one value (the body of the wire format, with no version byte) into a fresh
 * `Uint8Array`. Uses a per-thread scratch {@linkcode Writer}; hot paths that copy the bytes into
 * shared memory should use a {@linkcode Writer} directly and skip this copy.
 *
 * @param value any supported value: see docs/codec.md.
 * @param context passed through to the ref codec and custom class encoders.
 * @returns the encoded bytes, in a new buffer of their own.
 * @throws {CodecError} naming the path inside the value when something in it cannot be encoded.
 *
 * @example Round-trip a value
 * ```ts
 * import { decode, encode } from "@ringmail/actors/codec";
 *
 * const bytes = encode({ id: 1, tags: new Set(["a"]), at: new Date(0) });
 * console.log(decode(bytes)); // { id: 1, tags: Set(1) { "a" }, at: 1970-01-01T00:00:00.000Z }
 * ```
 */
export function encode(value: unknown, context?: unknown): Uint8Array {
  if (busy) {
    // encode() called while encoding (from a getter or a custom encoder): a writer of its own.
    const w = new Writer(256).reset(context);
    w.value(value);
    return w.toBytes();
  }
  busy = true;
  try {
    const w = scratch ??= new Writer();
    w.reset(context);
    w.value(value);
    return w.toBytes();
  } finally {
    if (scratch !== undefined) scratch.context = undefined; // do not keep the caller's context
    busy = false;
  }
}
