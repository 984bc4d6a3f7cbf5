/**
 * The format version, carried once per frame (not inside every value): a standalone frame is
 * `[CODEC_VERSION][body]`, and inside a mailbox record the actor layer puts it in the first byte
 * of its envelope.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";

/**
 * The version of the wire format this build writes and reads. A reader given any other version
 * byte refuses the whole frame with a {@linkcode CodecError} (see {@linkcode checkVersion}):
 * formats are not guessed at.
 *
 * @example Frame a body by hand
 * ```ts
 * import { CODEC_VERSION, Writer } from "./mod.ts";
 *
 * const writer = new Writer();
 * writer.reset();
 * writer.u8(CODEC_VERSION);
 * writer.value({ hello: "world" });
 * ```
 */
export const CODEC_VERSION: number = 2;

/**
 * Throws unless `byte` is the {@linkcode CODEC_VERSION} this build reads.
 *
 * @param byte the version byte found at the start of a frame.
 * @throws {CodecError} when the version is not one this build can read.
 *
 * @example Check a frame's first byte
 * ```ts
 * import { checkVersion, CODEC_VERSION } from "./mod.ts";
 *
 * checkVersion(CODEC_VERSION); // fine
 * try {
 *   checkVersion(99);
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 */
export function checkVersion(byte: number): void {
  if (byte !== CODEC_VERSION) {
    throw new CodecError(
      `unknown codec format version ${byte} (this build reads version ${CODEC_VERSION}); ` +
        `the sender runs a different ringmail build: run the same version in every thread`,
    );
  }
}
