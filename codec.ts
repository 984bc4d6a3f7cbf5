/**
 * ringmail's codec on its own: the compact binary format messages cross Workers in (described in
 * docs/codec.md), for tools that store or forward messages, and for custom encodings of message
 * classes (`registerMessage(Class, { encode, decode })` writes with a {@link Writer} and reads
 * with a {@link Reader}). Actors need none of it: `@message()` from the main entry is enough.
 *
 * @example Round-trip a registered class
 * ```ts
 * import { decode, encode, registerMessage } from "@ringmail/actors/codec";
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

export {
  CodecError,
  type CodecErrorOptions,
  decode,
  decodeFrame,
  encode,
  encodeFrame,
  MAX_DEPTH,
  MAX_MESSAGE_BYTES,
  message,
  type MessageClass,
  messageName,
  type MessageOptions,
  Reader,
  registerMessage,
  Writer,
  WriterFullError,
} from "./src/codec/mod.ts";
