/**
 * Quick copies: what a message sent to an actor of the same thread becomes without going
 * through bytes, when that gives exactly what encoding and decoding it would. Immutable values
 * (numbers, booleans, null, undefined, short strings) are their own copy; an instance of a
 * registered class (of up to 32 fields) whose fields all hold such values is copied field by
 * field by a compiled copier (same layout check as the writer). Anything else — containers,
 * nested objects, custom codecs, errors, long strings and bigints (whose size the codec must
 * check) — answers {@link NEEDS_CODEC}, and the caller encodes and decodes it. A quick copy's
 * encoding would take at most {@link QUICK_COPY_MAX_BYTES}.
 *
 * @module
 */

import { classByProto, type ClassInfo } from "./class_table.ts";
import { compileCopier, NEEDS_CODEC, QUICK_COPY_MAX_BYTES, SHARED_STRING_MAX } from "./compile.ts";
import { keySegment, ROOT } from "./path.ts";
import { encodeThrew } from "./thrown.ts";

export { NEEDS_CODEC, QUICK_COPY_MAX_BYTES };

const getPrototypeOf = Object.getPrototypeOf;

/** Matches no prototype (not even null, an object's prototype that has none). */
const NO_PROTO = {};
/** The two classes copied last: a thread mostly sends a class or two (a request, a reply). */
let lastProto: object | null = NO_PROTO;
let lastInfo: ClassInfo | undefined;
let otherProto: object | null = NO_PROTO;
let otherInfo: ClassInfo | undefined;

/**
 * The registered class of the copy {@link quickCopy} returned last, null when that was no
 * instance (or none was made): the caller hands it on with the copy, so that dispatch on the
 * receiving side need not find the class again.
 */
export let copiedClass: ClassInfo | null = null;

/**
 * A private copy of `value`, equal to what decoding its encoding gives, or {@link NEEDS_CODEC}
 * when only the codec can make it (or say why it cannot be sent).
 *
 * @throws {CodecError} when user code it runs throws (a Proxy's trap, a getter of a field): the
 * error the codec would throw for it, with the same path and message, and what was thrown as its
 * cause. (It throws rather than leave the value to the codec: a trap that threw once might not
 * throw again, and the send would then carry what a second reading made of it.)
 */
export function quickCopy(value: unknown): unknown {
  copiedClass = null;
  if (typeof value !== "object") {
    if (
      typeof value === "number" || typeof value === "boolean" ||
      value === undefined
    ) {
      return value;
    }
    if (typeof value === "string" && value.length <= SHARED_STRING_MAX) {
      return value;
    }
    return NEEDS_CODEC;
  }
  if (value === null) return null;
  let proto: object | null;
  try {
    proto = getPrototypeOf(value);
  } catch (e) {
    throw encodeThrew(ROOT, e); // a Proxy's getPrototypeOf trap
  }
  let info: ClassInfo | undefined;
  if (proto === lastProto) {
    info = lastInfo!;
  } else if (proto === otherProto) {
    info = otherInfo!;
  } else {
    info = classByProto.get(proto as object); // a null prototype is no class
    if (info === undefined) return NEEDS_CODEC;
    otherProto = lastProto;
    otherInfo = lastInfo;
    lastProto = proto;
    lastInfo = info;
  }
  let copier = info.copy;
  if (copier === undefined) {
    if (info.encode !== undefined || info.isError) {
      copier = info.copy = null;
    } else {
      let fields: readonly string[];
      try {
        fields = info.fields;
      } catch (e) {
        // The layout cannot be learned (its probe threw, or the class keeps private state): the
        // writer's error for it, with the path, as a send through the ring gives.
        throw encodeThrew(ROOT, e);
      }
      copier = info.copy = compileCopier(info.proto, fields, copyFailed) ?? null;
    }
  }
  if (copier === null) return NEEDS_CODEC;
  const copy = copier(value);
  if (copy !== NEEDS_CODEC) copiedClass = info;
  return copy;
}

/** What a copier throws when reading the instance threw: what the writer would throw. */
function copyFailed(e: unknown, key: string | undefined): unknown {
  return encodeThrew(key === undefined ? ROOT : ROOT + keySegment(key), e);
}
