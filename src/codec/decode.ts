/**
 * `decode()`: one value from a `Uint8Array`, through a per-thread reader.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";
import { Reader } from "./reader.ts";

let shared: Reader | undefined;
let busy = false;

/**
 * Decodes one value written by {@linkcode encode} (a body, with no version byte). All of
 * `bytes` must be that one value.
 *
 * @param bytes the encoded value; may be a view on a SharedArrayBuffer (nothing returned aliases
 * it).
 * @param context passed through to the ref codec and custom class decoders.
 * @returns the decoded value.
 * @throws {CodecError} naming the path inside the value when the bytes are truncated, corrupt,
 * followed by extra bytes, or name a class not registered in this thread.
 *
 * @example Round-trip a value
 * ```ts
 * import { decode, encode } from "@ringmail/actors/codec";
 *
 * const back = decode(encode([1, "two", { three: 3n }]));
 * console.log(back); // [ 1, "two", { three: 3n } ]
 * ```
 */
export function decode(bytes: Uint8Array, context?: unknown): unknown {
  if (busy) {
    // decode() called while decoding (from a custom decoder): a reader of its own.
    const r = new Reader().reset(bytes, 0, bytes.length, context);
    const v = r.value();
    checkEnd(r);
    return v;
  }
  busy = true;
  try {
    const r = shared ??= new Reader();
    r.reset(bytes, 0, bytes.length, context);
    const v = r.value();
    checkEnd(r);
    return v;
  } finally {
    // Let go of the caller's buffer and context: the reader outlives this call.
    shared?.release();
    busy = false;
  }
}

function checkEnd(r: Reader): void {
  if (r.pos !== r.end) {
    throw new CodecError(
      `cannot decode message: ${r.end - r.pos} unexpected bytes after the value, at byte ` +
        `${r.pos - r.start} (corrupt bytes, or not one value)`,
      { path: "message" },
    );
  }
}
