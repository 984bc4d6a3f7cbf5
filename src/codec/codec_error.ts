/**
 * The codec's errors. Every failure to encode a value or to decode bytes is a {@linkcode CodecError}
 * whose message says what was wrong, where inside the message (its {@linkcode CodecError.path}),
 * and what to do about it.
 *
 * @module
 */

import { RingmailError } from "../errors.ts";

/** Options of {@linkcode CodecError}. */
export interface CodecErrorOptions extends ErrorOptions {
  /** Where inside the message the problem is, e.g. `message.items[3].owner`. */
  path?: string;
}

/**
 * A value could not be encoded (a function, a symbol, an unregistered class, a cycle, too deep,
 * too large...), bytes could not be decoded (truncated, corrupt, unknown class id, unknown format
 * version), or a message class could not be registered.
 *
 * @example Catch an unsendable value
 * ```ts
 * import { CodecError } from "@ringmail/actors/errors";
 * import { encode } from "@ringmail/actors/codec";
 *
 * try {
 *   encode({ items: [1, () => 2] });
 * } catch (e) {
 *   if (e instanceof CodecError) console.log(e.path); // "message.items[1]"
 * }
 * ```
 */
export class CodecError extends RingmailError {
  /**
   * Where inside the message the problem is, as a JavaScript-like access path from the root,
   * which is called `message`: e.g. `message.items[3].owner`. Empty when the error is not about
   * one place in a message (registration, an unknown format version).
   */
  readonly path: string;

  /**
   * Makes a codec error.
   *
   * @param message what was wrong, where, and what to do about it.
   * @param options the path inside the message, and the underlying cause if any.
   */
  constructor(message: string, options?: CodecErrorOptions) {
    super(message, options);
    this.path = options?.path ?? "";
  }
}

/**
 * A {@linkcode Writer} in region mode (see {@linkcode Writer.resetInto}) ran out of room: the
 * encoding needs more bytes than the caller's region has. Not a problem with the value: encode it
 * into a scratch writer instead (see {@linkcode Writer.reset}), or into a larger region.
 *
 * @example Fall back to the scratch buffer
 * ```ts
 * import { WriterFullError } from "@ringmail/actors/errors";
 * import { Writer } from "@ringmail/actors/codec";
 *
 * const writer = new Writer();
 * const record = new Uint8Array(4);
 * try {
 *   writer.resetInto(record, 0, record.length);
 *   writer.value("far too long for four bytes");
 * } catch (e) {
 *   if (!(e instanceof WriterFullError)) throw e;
 *   writer.reset();
 *   writer.value("far too long for four bytes");
 * }
 * ```
 */
export class WriterFullError extends CodecError {
  /** Bytes the region would have needed at the point it overflowed (a lower bound). */
  readonly needed: number;
  /** Bytes the region had. */
  readonly capacity: number;

  /**
   * Makes the error for a region too small.
   *
   * @param needed bytes needed at the point of overflow.
   * @param capacity bytes the region had.
   */
  constructor(needed: number, capacity: number) {
    super(
      `the encoding needs at least ${needed} bytes but the writer's region has ${capacity}; ` +
        `encode into a scratch writer (writer.reset()) or a larger region`,
    );
    this.needed = needed;
    this.capacity = capacity;
  }
}
