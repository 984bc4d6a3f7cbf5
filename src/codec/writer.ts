/**
 * The byte writer: the primitives every encoding is built from, and `value()`, which writes any
 * supported value in the wire format. It writes either into its own reused, growing scratch
 * buffer ({@linkcode Writer.reset}) or into a region of a caller's buffer
 * ({@linkcode Writer.resetInto}), with no allocation per message on the hot path.
 *
 * @module
 */

import { CodecError, WriterFullError } from "./codec_error.ts";
import { copyInto } from "./copy_out.ts";
import { MAX_MESSAGE_BYTES } from "./limits.ts";
import { F32, F32_BYTES, F64, F64_BYTES, LITTLE_ENDIAN_HOST } from "./number_bits.ts";
import { ShapeTrie } from "./shape_trie.ts";
import { encodeUtf8, utf8Length } from "./utf8.ts";
import { encodeFailure, writeValue } from "./write_value.ts";

const DEFAULT_CAPACITY = 1024;
/** A scratch buffer larger than this is given back once messages are small again. */
const SHRINK_ABOVE = 1 << 20;
const EMPTY = new Uint8Array(0);

/**
 * Writes bytes: fixed-width little-endian numbers, varuints, UTF-8 strings, and whole values in
 * the ringmail wire format (see docs/codec.md).
 *
 * A writer has two modes. {@linkcode Writer.reset} starts a message in the writer's own scratch
 * buffer, which grows as needed (up to {@linkcode MAX_MESSAGE_BYTES}) and is reused by the next
 * message, so a thread needs one writer and encoding allocates nothing in the common case.
 * {@linkcode Writer.resetInto} writes into a region of a caller's `Uint8Array` instead (e.g. a
 * reserved mailbox record); running out of room there throws {@linkcode WriterFullError}.
 *
 * A writer is not safe to share between two encodings in progress; use one per thread (or per
 * re-entrant use).
 *
 * @example Encode an envelope around a message, then copy it out
 * ```ts
 * import { CODEC_VERSION, Writer } from "./mod.ts";
 *
 * const writer = new Writer();
 * writer.reset();
 * writer.u8(CODEC_VERSION);
 * writer.varuint(7); // e.g. a reply tag
 * writer.value({ text: "hello" });
 * const record = new Uint8Array(new SharedArrayBuffer(64));
 * const n = writer.copyTo(record, 0);
 * console.log(n); // 14
 * ```
 */
export class Writer {
  /** The buffer being written: the scratch buffer, or the caller's buffer in region mode. */
  bytes: Uint8Array = EMPTY;
  /** Offset in {@linkcode Writer.bytes} of the next byte to write. */
  pos = 0;
  /** Offset in {@linkcode Writer.bytes} where the current message started. */
  start = 0;
  /** Offset in {@linkcode Writer.bytes} past the last byte this message may use. */
  limit = 0;
  /**
   * What {@linkcode Writer.reset} or {@linkcode Writer.resetInto} was given as context; passed to
   * the ref codec and to custom class encoders.
   */
  context: unknown = undefined;
  /**
   * Whether each registered class value is preceded by its layout's fingerprint (an X_LAYOUT
   * extension), so that a reader whose class of that name has other fields refuses it instead of
   * decoding it into the wrong fields: set for what goes to another process. Reset clears it.
   */
  checkLayouts = false;
  /** Containers currently open while writing a value (0 outside `value()`). */
  depth = 0;

  /**
   * Key shapes seen by this writer, reused across messages. (Internal to the codec.)
   *
   * @ignore
   */
  readonly shapes: ShapeTrie = new ShapeTrie();
  /**
   * Which shape epoch the current value is (see ShapeTrie). (Internal to the codec.)
   *
   * @ignore
   */
  epoch = 0;
  /**
   * Shapes defined so far by the current value. (Internal to the codec.)
   *
   * @ignore
   */
  shapeCount = 0;
  /**
   * Containers deeper than the cycle-check depth, indexed by depth. (Internal to the codec.)
   *
   * @ignore
   */
  readonly stack: unknown[] = [];
  /**
   * Path segments collected while an error unwinds, innermost first. (Internal to the codec.)
   *
   * @ignore
   */
  trail: string[] | null = null;
  /**
   * The containers those segments belong to (for reporting cycles). (Internal to the codec.)
   *
   * @ignore
   */
  trailContainers: object[] | null = null;

  #scratch: Uint8Array;
  /** The scratch buffer as 32-bit words (for copyTo). */
  #words: Int32Array;
  #targetView: DataView = new DataView(new ArrayBuffer(0));
  #viewOf: Uint8Array | undefined = undefined;
  #viewLength = 0;
  #inRegion = false;
  #lastSize = 0;

  /**
   * Makes a writer with its own scratch buffer, ready for a message as after `reset()`.
   *
   * @param initialCapacity bytes of scratch buffer to start with; it grows on demand.
   */
  constructor(initialCapacity: number = DEFAULT_CAPACITY) {
    this.#scratch = new Uint8Array(
      (Math.max(16, initialCapacity | 0) + 7) & ~7,
    );
    this.#words = new Int32Array(this.#scratch.buffer);
    this.reset();
  }

  /**
   * Starts a new message at the beginning of the writer's own scratch buffer.
   *
   * @param context passed through to the ref codec and custom class encoders.
   * @returns this writer.
   */
  reset(context?: unknown): this {
    if (!this.#inRegion) this.#lastSize = this.pos - this.start;
    if (
      this.#scratch.length > SHRINK_ABOVE &&
      this.#lastSize < this.#scratch.length >>> 3
    ) {
      // The last message was small: give back the memory a huge one made the scratch grow to.
      this.#scratch = new Uint8Array(DEFAULT_CAPACITY);
      this.#words = new Int32Array(this.#scratch.buffer);
    }
    this.bytes = this.#scratch;
    this.pos = 0;
    this.start = 0;
    this.limit = this.#scratch.length;
    this.context = context;
    this.checkLayouts = false;
    this.depth = 0;
    this.#inRegion = false;
    return this;
  }

  /**
   * Starts a new message in `target[start, end)` (region mode). Writing past `end` throws
   * {@linkcode WriterFullError}; the bytes written before that are garbage.
   *
   * @param target the buffer to write into; may be a view on a SharedArrayBuffer.
   * @param start offset of the first byte to write.
   * @param end offset past the last byte that may be written.
   * @param context passed through to the ref codec and custom class encoders.
   * @returns this writer.
   * @throws {RangeError} when the region is not inside `target`.
   */
  resetInto(
    target: Uint8Array,
    start: number,
    end: number,
    context?: unknown,
  ): this {
    if (!(0 <= start && start <= end && end <= target.length)) {
      throw new RangeError(
        `region [${start}, ${end}) is not inside a buffer of ${target.length}`,
      );
    }
    if (!this.#inRegion) this.#lastSize = this.pos - this.start;
    this.bytes = target;
    this.pos = start | 0;
    this.start = start | 0;
    this.limit = end | 0;
    this.context = context;
    this.checkLayouts = false;
    this.depth = 0;
    this.#inRegion = true;
    return this;
  }

  /** Bytes written so far in the current message. */
  get length(): number {
    return this.pos - this.start;
  }

  /**
   * Makes room for `n` more bytes, growing the scratch buffer if needed.
   *
   * @param n bytes about to be written.
   * @throws {WriterFullError} in region mode when the region is too small.
   * @throws {CodecError} when the message would exceed {@linkcode MAX_MESSAGE_BYTES}.
   */
  ensure(n: number): void {
    if (this.pos + n > this.limit) this.#grow(n);
  }

  #grow(n: number): void {
    const needed = this.pos - this.start + n;
    if (this.#inRegion) {
      throw new WriterFullError(needed, this.limit - this.start);
    }
    if (needed > MAX_MESSAGE_BYTES) {
      throw new CodecError(
        `the message is larger than the limit of ${MAX_MESSAGE_BYTES} bytes (MAX_MESSAGE_BYTES); ` +
          `send large data in parts`,
      );
    }
    const size = Math.min(
      MAX_MESSAGE_BYTES,
      (Math.max(needed, this.#scratch.length * 2) + 7) & ~7,
    );
    const next = new Uint8Array(size);
    next.set(this.#scratch.subarray(0, this.pos));
    this.#scratch = next;
    this.#words = new Int32Array(next.buffer);
    this.bytes = next;
    this.limit = size;
  }

  /**
   * Writes one byte.
   *
   * @param v an integer 0..255 (higher bits are dropped).
   */
  u8(v: number): void {
    if (this.pos >= this.limit) this.#grow(1);
    this.bytes[this.pos++] = v;
  }

  /**
   * Writes a 16-bit unsigned integer, little-endian.
   *
   * @param v an integer 0..65535 (higher bits are dropped).
   */
  u16(v: number): void {
    this.ensure(2);
    const b = this.bytes;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    this.pos = p + 2;
  }

  /**
   * Writes a 32-bit unsigned integer, little-endian.
   *
   * @param v an integer 0..2^32-1 (higher bits are dropped).
   */
  u32(v: number): void {
    this.ensure(4);
    const b = this.bytes;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  /**
   * Writes a float32, little-endian (the value is rounded to float32).
   *
   * @param v any number.
   */
  f32(v: number): void {
    this.ensure(4);
    F32[0] = v;
    const b = this.bytes;
    const p = this.pos;
    if (LITTLE_ENDIAN_HOST) {
      b[p] = F32_BYTES[0];
      b[p + 1] = F32_BYTES[1];
      b[p + 2] = F32_BYTES[2];
      b[p + 3] = F32_BYTES[3];
    } else {
      b[p] = F32_BYTES[3];
      b[p + 1] = F32_BYTES[2];
      b[p + 2] = F32_BYTES[1];
      b[p + 3] = F32_BYTES[0];
    }
    this.pos = p + 4;
  }

  /**
   * Writes a float64, little-endian.
   *
   * @param v any number; `-0`, NaN and ±Infinity are kept.
   */
  f64(v: number): void {
    this.ensure(8);
    F64[0] = v;
    const b = this.bytes;
    const p = this.pos;
    if (LITTLE_ENDIAN_HOST) {
      for (let i = 0; i < 8; i++) b[p + i] = F64_BYTES[i];
    } else {
      for (let i = 0; i < 8; i++) b[p + i] = F64_BYTES[7 - i];
    }
    this.pos = p + 8;
  }

  /**
   * Writes a non-negative integer as a varuint (LEB128: 7 bits per byte, least significant group
   * first, high bit set on every byte but the last): 1 byte below 128, at most 8 bytes.
   *
   * @param v an integer 0..2^53-1.
   * @throws {CodecError} when `v` is not such an integer.
   */
  varuint(v: number): void {
    if (this.pos + 8 > this.limit) this.#grow(8);
    const b = this.bytes;
    let p = this.pos;
    if (v >>> 0 === v) {
      while (v > 0x7f) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[p++] = v;
    } else {
      if (!(Number.isSafeInteger(v) && v >= 0)) {
        throw new CodecError(`varuint() needs an integer 0..2^53-1, got ${v}`);
      }
      // v >= 2^32: four 7-bit groups from the low 32 bits, then the rest (< 2^25) by shifts.
      const lo = v >>> 0;
      let rest = ((v - lo) / 4294967296) * 16 + (lo >>> 28);
      b[p++] = (lo & 0x7f) | 0x80;
      b[p++] = ((lo >>> 7) & 0x7f) | 0x80;
      b[p++] = ((lo >>> 14) & 0x7f) | 0x80;
      b[p++] = ((lo >>> 21) & 0x7f) | 0x80;
      while (rest > 0x7f) {
        b[p++] = (rest & 0x7f) | 0x80;
        rest >>>= 7;
      }
      b[p++] = rest;
    }
    this.pos = p;
  }

  /**
   * Writes a signed integer as a zigzag varuint (0, -1, 1, -2... become 0, 1, 2, 3...).
   *
   * @param v an integer between -(2^52) and 2^52-1.
   * @throws {CodecError} when `v` is not such an integer.
   */
  varint(v: number): void {
    if ((v | 0) === v) {
      this.varuint(((v << 1) ^ (v >> 31)) >>> 0);
      return;
    }
    if (!(Number.isInteger(v) && v >= -(2 ** 52) && v < 2 ** 52)) {
      throw new CodecError(
        `varint() needs an integer between -(2^52) and 2^52-1, got ${v}`,
      );
    }
    this.varuint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /**
   * Writes bytes as they are, with no length.
   *
   * @param src the bytes to copy (any `Uint8Array`, shared or not).
   */
  raw(src: Uint8Array): void {
    const n = src.length;
    this.ensure(n);
    if (n <= 64) {
      // Cheaper than TypedArray.prototype.set's call for short runs (key-shape headers).
      const b = this.bytes;
      const p = this.pos;
      for (let i = 0; i < n; i++) b[p + i] = src[i];
    } else {
      this.bytes.set(src, this.pos);
    }
    this.pos += n;
  }

  /**
   * Writes a varuint byte length, then the bytes.
   *
   * @param src the bytes to copy.
   */
  bytesWithLength(src: Uint8Array): void {
    this.varuint(src.length);
    this.raw(src);
  }

  /**
   * Writes a string as a varuint UTF-8 byte length, then the UTF-8 bytes. Lone surrogates become
   * U+FFFD here; {@linkcode Writer.value} keeps them.
   *
   * @param s the string.
   */
  string(s: string): void {
    const n = s.length;
    if (n < 48) {
      // Shorter strings are tried as ASCII by hand; longer ones go to `encodeInto`.
      // Byte length < 128 when ASCII: a one-byte header, guessed before looking.
      this.ensure(1 + n);
      const b = this.bytes;
      const at = this.pos;
      let p = at + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.#stringSlow(s, false);
        b[p++] = c;
      }
      b[at] = n;
      this.pos = p;
      return;
    }
    this.#stringSlow(s, false);
  }

  /**
   * Writes a string as a tagged value: fixstr, STR, or (with lone surrogates) X_STR16.
   * (Internal to the codec.)
   *
   * @ignore
   */
  taggedString(s: string): void {
    const n = s.length;
    if (n <= 23) {
      this.ensure(1 + n);
      const b = this.bytes;
      const at = this.pos;
      let p = at + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.#stringSlow(s, true);
        b[p++] = c;
      }
      b[at] = 0x80 | n;
      this.pos = p;
      return;
    }
    if (n < 48) {
      this.ensure(2 + n);
      const b = this.bytes;
      const at = this.pos;
      let p = at + 2;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.#stringSlow(s, true);
        b[p++] = c;
      }
      b[at] = 0xb9; // STR
      b[at + 1] = n;
      this.pos = p;
      return;
    }
    this.#stringSlow(s, true);
  }

  /**
   * Any string: reserves the header for the worst case (3 bytes per UTF-16 unit, or the exact
   * length where that does not fit), encodes, then moves the bytes back if the real length needs
   * a shorter header.
   */
  #stringSlow(s: string, tagged: boolean): void {
    if (!s.isWellFormed()) {
      if (tagged) return this.#stringUtf16(s);
      s = s.toWellFormed();
    }
    const n = s.length;
    let max = 3 * n;
    // In a region where the worst case does not fit, or near the size limit, count exactly;
    // a scratch buffer just grows.
    if (
      this.#inRegion ? this.pos + 6 + max > this.limit : this.pos + max > MAX_MESSAGE_BYTES - 6
    ) {
      max = utf8Length(s);
    }
    const h = headerSize(max, tagged);
    this.ensure(h + max);
    const b = this.bytes;
    const at = this.pos;
    const written = encodeUtf8(s, b, at + h) | 0;
    const h2 = headerSize(written, tagged);
    if (h2 !== h) b.copyWithin(at + h2, at + h, at + h + written);
    let p = at;
    if (tagged) {
      if (written <= 23) b[p++] = 0x80 | written;
      else b[p++] = 0xb9; // STR
    }
    if (!tagged || written > 23) putVarUint(b, p, written);
    this.pos = at + h2 + written;
  }

  /** A string with lone surrogates, kept exactly: EXT X_STR16, unit count, UTF-16LE units. */
  #stringUtf16(s: string): void {
    const n = s.length;
    this.u8(0xbf); // EXT
    this.u8(10); // X_STR16
    this.varuint(n);
    this.ensure(2 * n);
    const b = this.bytes;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      b[p++] = c;
      b[p++] = c >>> 8;
    }
    this.pos = p;
  }

  /**
   * Writes any supported value in the wire format (see docs/codec.md for what is supported). The
   * outermost call is one self-contained value: object key shapes are shared only inside it.
   * Called from a custom class encoder, it writes a nested value.
   *
   * @param v the value.
   * @throws {CodecError} naming the path inside the value (e.g. `message.items[3].owner`) when
   * something in it cannot be encoded.
   * @throws {WriterFullError} in region mode when the region is too small.
   */
  value(v: unknown): void {
    if (this.depth !== 0) {
      writeValue(this, v);
      return;
    }
    this.shapeCount = 0;
    this.epoch = this.shapes.nextEpoch();
    try {
      writeValue(this, v);
    } catch (e) {
      throw encodeFailure(this, e);
    }
  }

  /**
   * Copies the current message's bytes into `target` at `offset`.
   *
   * @param target where to copy to; may be a view on a SharedArrayBuffer.
   * @param offset where in `target` the first byte goes.
   * @returns the number of bytes copied ({@linkcode Writer.length}).
   * @throws {RangeError} when `target` is too small.
   */
  copyTo(target: Uint8Array, offset: number): number {
    const n = this.pos - this.start;
    const length = target.length;
    if (offset < 0 || offset + n > length) {
      throw new RangeError(
        `cannot copy ${n} bytes to offset ${offset} of ${length}`,
      );
    }
    const b = this.bytes;
    const s = this.start;
    if (n <= 256 && !this.#inRegion && LITTLE_ENDIAN_HOST) {
      // Four bytes per step through a DataView of the target, kept while the target stays the
      // same: for small messages this beats TypedArray.prototype.set, whose source subarray alone
      // costs ~30 ns. (Scratch messages start at 0, so the scratch's words line up.)
      let view = this.#targetView;
      if (this.#viewOf !== target || this.#viewLength !== length) {
        view = this.#targetView = new DataView(
          target.buffer,
          target.byteOffset,
          length,
        );
        this.#viewOf = target;
        this.#viewLength = length;
      }
      const words = this.#words;
      let i = 0;
      for (; i + 4 <= n; i += 4) view.setInt32(offset + i, words[i >> 2], true);
      for (; i < n; i++) target[offset + i] = b[i];
    } else if (n <= 32) {
      for (let i = 0; i < n; i++) target[offset + i] = b[s + i];
    } else {
      copyInto(b, s, n, target, offset);
    }
    return n;
  }

  /**
   * A fresh copy of the current message's bytes.
   *
   * @returns a new `Uint8Array` that does not alias the writer's buffer.
   */
  toBytes(): Uint8Array {
    return this.bytes.slice(this.start, this.pos);
  }

  /**
   * A view of the current message's bytes, without copying: valid only until the writer is
   * reset or grows.
   *
   * @returns a `Uint8Array` aliasing the writer's buffer.
   */
  view(): Uint8Array {
    return this.bytes.subarray(this.start, this.pos);
  }
}

/** Writes a varuint below 2^35 at `b[p]` with no bounds check; returns the offset after it. */
function putVarUint(b: Uint8Array, p: number, v: number): number {
  while (v > 0x7f) {
    b[p++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

/** Header bytes for a string of `n` UTF-8 bytes. */
function headerSize(n: number, tagged: boolean): number {
  if (tagged && n <= 23) return 1;
  const t = tagged ? 1 : 0;
  if (n < 0x80) return t + 1;
  if (n < 0x4000) return t + 2;
  if (n < 0x200000) return t + 3;
  if (n < 0x10000000) return t + 4;
  return t + 5;
}
