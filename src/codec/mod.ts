/**
 * The codec: ringmail's wire format. Values are written as compact bytes by a
 * {@linkcode Writer} and read back by a {@linkcode Reader}; registered message classes cross
 * Workers as real instances; actor refs are written through a hook the actor layer installs.
 * The format is described in docs/codec.md.
 *
 * This layer imports nothing above it (no ring, no actors).
 *
 * @example Round-trip a registered class
 * ```ts
 * import { registerMessage } from "@ringmail/actors";
 * import { decode, encode } from "@ringmail/actors/codec";
 *
 * class Greet {
 *   constructor(public name?: string) {}
 * }
 * registerMessage(Greet);
 * const back = decode(encode(new Greet("Ada")));
 * console.log(back instanceof Greet); // true
 * ```
 *
 * @module
 */

export { RingmailError } from "../errors.ts";
export { CodecError, type CodecErrorOptions, WriterFullError } from "./codec_error.ts";
export { MAX_DEPTH, MAX_MESSAGE_BYTES } from "./limits.ts";
export { nameBase, setNameBase } from "./default_name.ts";
export { checkVersion, CODEC_VERSION } from "./version.ts";
export { Writer } from "./writer.ts";
export { Reader } from "./reader.ts";
export { encode } from "./encode.ts";
export { decode } from "./decode.ts";
export { copiedClass, NEEDS_CODEC, QUICK_COPY_MAX_BYTES, quickCopy } from "./copy.ts";
export type { ClassInfo } from "./class_table.ts";
export { decodeFrame, encodeFrame } from "./frame.ts";
export {
  message,
  type MessageClass,
  messageName,
  type MessageOptions,
  registerMessage,
} from "./registry.ts";
export { type RefCodec, setRefCodec } from "./ref_codec.ts";
export { knowErrorClass, knownErrorClass } from "./known_errors.ts";
