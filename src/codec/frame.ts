/**
 * Standalone frames: `[CODEC_VERSION][body]`, for bytes stored or sent outside a mailbox (inside
 * a mailbox record, the actor layer's envelope carries the version instead).
 *
 * @module
 */

import { decode } from "./decode.ts";
import { encode } from "./encode.ts";
import { CodecError } from "./codec_error.ts";
import { checkVersion, CODEC_VERSION } from "./version.ts";

/**
 * Encodes a value as a standalone frame: the format version byte, then the body.
 *
 * @param value any supported value.
 * @param context passed through to the ref codec and custom class encoders.
 * @returns the frame, in a new buffer of its own.
 * @throws {CodecError} as {@linkcode encode} does.
 *
 * @example Write a frame, read it back
 * ```ts
 * import { decodeFrame, encodeFrame } from "@ringmail/actors/codec";
 *
 * const frame = encodeFrame({ ok: true });
 * console.log(frame[0], decodeFrame(frame)); // 2 { ok: true }: the format's version, the value
 * ```
 */
export function encodeFrame(value: unknown, context?: unknown): Uint8Array {
  const body = encode(value, context);
  const frame = new Uint8Array(body.length + 1);
  frame[0] = CODEC_VERSION;
  frame.set(body, 1);
  return frame;
}

/**
 * Decodes a standalone frame written by {@linkcode encodeFrame}, checking its version first.
 *
 * @param frame the frame.
 * @param context passed through to the ref codec and custom class decoders.
 * @returns the decoded value.
 * @throws {CodecError} when the frame is empty, has an unknown version, or its body cannot be
 * decoded.
 *
 * @example Refuse an unknown version
 * ```ts
 * import { CodecError } from "@ringmail/actors/errors";
 * import { decodeFrame } from "@ringmail/actors/codec";
 *
 * try {
 *   decodeFrame(new Uint8Array([9, 0]));
 * } catch (e) {
 *   console.log(e instanceof CodecError); // true
 * }
 * ```
 */
export function decodeFrame(frame: Uint8Array, context?: unknown): unknown {
  if (frame.length === 0) {
    throw new CodecError("an empty frame: not even a version byte");
  }
  checkVersion(frame[0]);
  return decode(frame.subarray(1), context);
}
