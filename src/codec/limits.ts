/**
 * Hard limits of the wire format, enforced on encode and on decode, so that neither a mistaken
 * value nor forged bytes can make a thread recurse without end or allocate without bound.
 *
 * @module
 */

/**
 * The deepest nesting of containers (arrays, objects, `Map`, `Set`, registered class instances,
 * errors) in one message. Encoding a deeper value, or a value with a cycle, throws a
 * {@linkcode CodecError}; so does decoding bytes that nest deeper.
 *
 * @example Read the limit
 * ```ts
 * import { MAX_DEPTH } from "@ringmail/actors/codec";
 *
 * console.log(MAX_DEPTH); // 512
 * ```
 */
export const MAX_DEPTH: number = 512;

/**
 * The largest encoded message, in bytes (256 MiB). A writer refuses to grow past it and a reader
 * refuses a region larger than it, both with a {@linkcode CodecError}.
 *
 * @example Read the limit
 * ```ts
 * import { MAX_MESSAGE_BYTES } from "@ringmail/actors/codec";
 *
 * console.log(MAX_MESSAGE_BYTES / 1024 / 1024); // 256
 * ```
 */
export const MAX_MESSAGE_BYTES: number = 256 * 1024 * 1024;

/**
 * Cycle checks start past this depth: shallower messages pay nothing for them. A cycle is
 * therefore reported at most this deep plus twice its length, long before {@linkcode MAX_DEPTH}.
 */
export const CYCLE_CHECK_DEPTH = 16;
