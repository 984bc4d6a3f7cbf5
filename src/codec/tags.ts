/**
 * The tag byte that starts every value in the wire format, and the extension kinds that follow
 * the {@linkcode EXT} tag. docs/codec.md is the normative description; this file is its table.
 *
 * | range       | meaning                                                        |
 * | ----------- | -------------------------------------------------------------- |
 * | 0x00–0x7F   | non-negative integer 0..127, the tag is the value              |
 * | 0x80–0x97   | string of 0..23 UTF-8 bytes, length in the low 5 bits          |
 * | 0x98–0xA3   | object defining a new key shape of 0..11 keys                  |
 * | 0xA4–0xA7   | object reusing key shape 0..3 of this message                  |
 * | 0xA8–0xAF   | array of 0..7 elements                                         |
 * | 0xB0–0xBF   | one tag each, below                                            |
 * | 0xC0–0xFF   | registered class: low 6 bits + next 2 bytes = 22-bit class id |
 *
 * @module
 */

/** Largest integer carried in the tag byte itself. */
export const FIXINT_MAX = 0x7f;

/** Strings of 0..23 UTF-8 bytes: `FIXSTR + byteLength`. */
export const FIXSTR = 0x80;
/** Longest string whose length fits in the tag. */
export const FIXSTR_MAX = 23;

/** Objects defining a new shape of 0..11 keys: `FIXOBJ + keyCount`, then the keys. */
export const FIXOBJ = 0x98;
/** Most keys a {@linkcode FIXOBJ} tag can carry. */
export const FIXOBJ_MAX = 11;

/** Objects reusing shape 0..3 of this message: `FIXSHAPE + shapeIndex`. */
export const FIXSHAPE = 0xa4;
/** Largest shape index a {@linkcode FIXSHAPE} tag can carry. */
export const FIXSHAPE_MAX = 3;

/** Arrays of 0..7 elements: `FIXARRAY + length`. */
export const FIXARRAY = 0xa8;
/** Longest array whose length fits in the tag. */
export const FIXARRAY_MAX = 7;

/** `undefined`. */
export const UNDEFINED = 0xb0;
/** `null`. */
export const NULL = 0xb1;
/** `false`. */
export const FALSE = 0xb2;
/** `true`. */
export const TRUE = 0xb3;
/** Integer 128..255: one byte follows. */
export const UINT8 = 0xb4;
/** Integer 0..2^53-1: a varuint follows. */
export const VARUINT = 0xb5;
/** Integer -(2^53)..-1: a varuint `n` follows, the value is `-1 - n`. */
export const NEGINT = 0xb6;
/** A number exactly representable as float32: 4 bytes little-endian follow. */
export const FLOAT32 = 0xb7;
/** Any other number: 8 bytes little-endian follow. */
export const FLOAT64 = 0xb8;
/** String: varuint UTF-8 byte length, then the bytes. */
export const STR = 0xb9;
/** `Uint8Array`: varuint byte length, then the bytes. */
export const BIN = 0xba;
/** Array: varuint length, then the elements. */
export const ARRAY = 0xbb;
/** Object defining a new shape: varuint key count, the keys, then the values. */
export const OBJ = 0xbc;
/** Object reusing a shape of this message: varuint shape index, then the values. */
export const SHAPE = 0xbd;
/** Actor ref: bytes written by the installed ref codec follow. */
export const REF = 0xbe;
/** Extension: one kind byte (`X_*` below) follows, then that kind's payload. */
export const EXT = 0xbf;

/** First tag of the registered-class range. */
export const CLASS = 0xc0;

/** Extension kind: a run of holes in an array: varuint count (≥ 1). */
export const X_HOLES = 0;
/** Extension kind: `Map`: varuint entry count, then key, value, key, value... */
export const X_MAP = 1;
/** Extension kind: `Set`: varuint element count, then the elements. */
export const X_SET = 2;
/** Extension kind: `Date`: one number value (its time value, may be NaN). */
export const X_DATE = 3;
/** Extension kind: non-negative bigint: varuint byte count, magnitude little-endian. */
export const X_BIGINT_POS = 4;
/** Extension kind: negative bigint: varuint byte count, magnitude little-endian. */
export const X_BIGINT_NEG = 5;
/** Extension kind: `ArrayBuffer`: varuint byte length, then the bytes. */
export const X_ARRAYBUFFER = 6;
/** Extension kind: `DataView`: varuint byte length, then the bytes. */
export const X_DATAVIEW = 7;
/** Extension kind: `Error`: flags byte, name, message, then optional stack, cause, errors. */
export const X_ERROR = 8;
/** Extension kind: `RegExp`: source string value, flags string value. */
export const X_REGEXP = 9;
/** Extension kind: a string with lone surrogates: varuint code unit count, UTF-16LE units. */
export const X_STR16 = 10;
/**
 * Extension kind: the layout fingerprint of the registered class value that follows: u16
 * little-endian (0: not checked). Written before each class value when the writer checks layouts
 * (records bound for another process, whose class may be another version).
 */
export const X_LAYOUT = 11;
/** Extension kinds 16..26: typed arrays: varuint byte length, then the elements little-endian. */
export const X_TYPED_FIRST = 16;

/** Error flag: a stack string follows the message. */
export const ERROR_HAS_STACK = 1;
/** Error flag: a cause value follows. */
export const ERROR_HAS_CAUSE = 2;
/** Error flag: an array value of errors follows (AggregateError). */
export const ERROR_HAS_ERRORS = 4;
/**
 * Error flag: a known error class's own error (see known_errors.ts), decoded as an instance of
 * that class: an error of another class that merely bears its name is not.
 */
export const ERROR_IS_KNOWN = 8;
/** Error flag: the known error's own fields follow, a plain object of primitive values. */
export const ERROR_HAS_FIELDS = 16;
