/**
 * The hook through which the actor layer teaches the codec to write its `ActorRef`s: the codec
 * itself does not know what a ref is. One ref codec per thread, installed with
 * {@linkcode setRefCodec}.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";
import type { Reader } from "./reader.ts";
import { classByProto } from "./class_table.ts";
import type { Writer } from "./writer.ts";

/**
 * How refs are written and read. The codec writes the REF tag, then calls `write`; on decode it
 * reads the tag, then calls `read`, which must consume exactly what `write` wrote.
 *
 * @typeParam R the ref type.
 */
export interface RefCodec<R extends object = object> {
  /** The ref class: a value is a ref when its prototype is `refClass.prototype` exactly. */
  readonly refClass: abstract new (...args: never[]) => R;
  /**
   * Writes `ref`'s payload with the writer's primitives (e.g. two varuints).
   *
   * @param writer the writer, positioned after the REF tag.
   * @param ref the ref being written.
   * @param context what the caller passed to `encode` / `Writer.reset` (e.g. an actor system).
   */
  write(writer: Writer, ref: R, context: unknown): void;
  /**
   * Reads a payload written by `write` and returns a fresh ref.
   *
   * @param reader the reader, positioned after the REF tag.
   * @param context what the caller passed to `decode` / `Reader.reset`.
   */
  read(reader: Reader, context: unknown): R;
}

/** Stands for "no ref class": no value's prototype is ever this object. */
const NO_REF_CLASS: object = Object.freeze(Object.create(null));

/**
 * @internal The installed ref codec and its class's prototype, read on the hot path. The
 * prototype is never `null` (which would match null-prototype objects).
 */
export const refHook: { proto: object; codec: RefCodec | null } = {
  proto: NO_REF_CLASS,
  codec: null,
};

/**
 * Installs the ref codec of this thread, replacing any previous one; `null` removes it. The actor
 * layer calls this once per thread; applications do not.
 *
 * @param codec how refs are written and read, or `null`.
 * @throws {CodecError} when the ref class is also registered as a message class.
 *
 * @example A ref made of a slot and a generation
 * ```ts
 * import { setRefCodec, decode, encode } from "./mod.ts";
 *
 * class Ref {
 *   constructor(readonly slot: number, readonly generation: number) {}
 * }
 * setRefCodec({
 *   refClass: Ref,
 *   write(writer, ref) {
 *     writer.varuint(ref.slot);
 *     writer.varuint(ref.generation);
 *   },
 *   read(reader) {
 *     return new Ref(reader.varuint(), reader.varuint());
 *   },
 * });
 * const back = decode(encode({ to: new Ref(7, 1) })) as { to: Ref };
 * console.log(back.to instanceof Ref, back.to.slot); // true 7
 * ```
 */
export function setRefCodec<R extends object>(codec: RefCodec<R> | null): void {
  if (codec === null) {
    refHook.proto = NO_REF_CLASS;
    refHook.codec = null;
    return;
  }
  const proto = codec.refClass?.prototype;
  if (typeof proto !== "object" || proto === null) {
    throw new CodecError(
      "setRefCodec() needs a refClass: the class of the refs it writes",
    );
  }
  const registered = classByProto.get(proto);
  if (registered !== undefined) {
    throw new CodecError(
      `the ref class ${codec.refClass.name} is also registered as message class ` +
        `'${registered.name}'; a class is either the ref class or a message class`,
    );
  }
  refHook.proto = proto;
  refHook.codec = codec as unknown as RefCodec;
}
