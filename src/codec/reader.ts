/**
 * The byte reader: primitives mirroring the writer's, and `value()`, which decodes one value of
 * the wire format. It reads straight from any `Uint8Array` region, typically a view of a mailbox
 * in a SharedArrayBuffer; every read is bounds-checked against the region's end, and everything it
 * returns is fresh (strings, copies of bytes), never a view that aliases the region.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";
import { copyOut } from "./copy_out.ts";
import { MAX_MESSAGE_BYTES } from "./limits.ts";
import { decodeFailure, readValue } from "./read_value.ts";
import { ShapeCache, type ShapeEntry } from "./shape_cache.ts";
import type { ClassInfo } from "./class_table.ts";
import { decodeUtf8 } from "./utf8.ts";

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);

/**
 * Reads bytes written by a {@linkcode Writer}: the same primitives, and whole values.
 *
 * Decoding never reads outside `[start, end)`, never loops without consuming bytes, and never
 * allocates more than the region's size justifies: truncated or corrupt bytes give a
 * {@linkcode CodecError}. One reader per thread is enough: {@linkcode Reader.reset} reuses it.
 *
 * @example Read an envelope written with a Writer
 * ```ts
 * import { checkVersion, CODEC_VERSION, Reader, Writer } from "./mod.ts";
 *
 * const writer = new Writer();
 * writer.reset();
 * writer.u8(CODEC_VERSION);
 * writer.varuint(7);
 * writer.value({ text: "hello" });
 * const record = new Uint8Array(new SharedArrayBuffer(64));
 * const n = writer.copyTo(record, 0);
 *
 * const reader = new Reader();
 * reader.reset(record, 0, n);
 * checkVersion(reader.u8());
 * const replyTag = reader.varuint();
 * const message = reader.value();
 * reader.expectEnd();
 * console.log(replyTag, message); // 7 { text: "hello" }
 * ```
 */
export class Reader {
  /** The buffer being read. */
  bytes: Uint8Array = EMPTY;
  /**
   * A DataView of {@linkcode Reader.bytes}, for fixed-width reads; remade only when the buffer
   * changes. (Internal to the codec.)
   *
   * @ignore
   */
  view: DataView = EMPTY_VIEW;
  /** Offset in {@linkcode Reader.bytes} of the next byte to read. */
  pos = 0;
  /** Offset in {@linkcode Reader.bytes} where the region starts (offsets in errors count from it). */
  start = 0;
  /** Offset in {@linkcode Reader.bytes} past the region's last byte. */
  end = 0;
  /** What {@linkcode Reader.reset} was given; passed to the ref codec and custom decoders. */
  context: unknown = undefined;
  /** Containers currently open while reading a value (0 outside `value()`). */
  depth = 0;
  /**
   * Array slots the rest of the region may still preallocate (see readArray): the region's size
   * at first, so that forged lengths cannot make decoding allocate more than the bytes justify.
   * (Internal to the codec.)
   *
   * @ignore
   */
  slotBudget = 0;

  /**
   * Shapes defined so far by the current value, by index. (Internal to the codec.)
   *
   * @ignore
   */
  readonly shapes: ShapeEntry[] = [];
  /**
   * How many of {@linkcode Reader.shapes} belong to the current value. (Internal to the codec.)
   *
   * @ignore
   */
  shapeCount = 0;
  /**
   * Shapes seen in earlier messages, to skip decoding their keys again. (Internal to the codec.)
   *
   * @ignore
   */
  readonly shapeCache: ShapeCache = new ShapeCache();
  /**
   * Path segments collected while an error unwinds, innermost first. (Internal to the codec.)
   *
   * @ignore
   */
  trail: string[] | null = null;
  /**
   * The registered class of the outermost value {@linkcode Reader.value} read last, when that
   * value is a plain instance of it (built from its prototype); null otherwise. The actor layer
   * dispatches on it without looking the class up again. (Internal.)
   *
   * @ignore
   */
  topClass: ClassInfo | null = null;

  /**
   * Starts reading `bytes[start, end)`.
   *
   * @param bytes the buffer; may be a view on a (growable) SharedArrayBuffer.
   * @param start offset of the first byte.
   * @param end offset past the last byte.
   * @param context passed through to the ref codec and custom class decoders.
   * @returns this reader.
   * @throws {RangeError} when the region is not inside `bytes`.
   * @throws {CodecError} when the region is larger than {@linkcode MAX_MESSAGE_BYTES}.
   */
  reset(
    bytes: Uint8Array,
    start: number = 0,
    end: number = bytes.length,
    context?: unknown,
  ): this {
    if (!(0 <= start && start <= end && end <= bytes.length)) {
      throw new RangeError(
        `region [${start}, ${end}) is not inside a buffer of ${bytes.length}`,
      );
    }
    if (end - start > MAX_MESSAGE_BYTES) {
      throw new CodecError(
        `a message of ${end - start} bytes is larger than the limit of ${MAX_MESSAGE_BYTES} ` +
          `(MAX_MESSAGE_BYTES); refusing to decode it`,
      );
    }
    if (bytes !== this.bytes || this.view.byteLength !== bytes.byteLength) {
      // Once per buffer (and again if a length-tracking view of a growable buffer has grown).
      this.view = new DataView(
        bytes.buffer,
        bytes.byteOffset,
        bytes.byteLength,
      );
    }
    this.bytes = bytes;
    this.pos = start | 0;
    this.start = start | 0;
    this.end = end | 0;
    this.context = context;
    this.depth = 0;
    this.slotBudget = end - start;
    return this;
  }

  /**
   * Drops the references to the last buffer and context, so that a long-lived reader does not
   * keep them alive. (Internal to the codec.)
   *
   * @ignore
   */
  release(): void {
    this.bytes = EMPTY;
    this.view = EMPTY_VIEW;
    this.pos = this.start = this.end = 0;
    this.context = undefined;
  }

  /** Bytes left in the region. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /**
   * The error for needing `n` bytes where fewer are left. (Internal to the codec.)
   *
   * @ignore
   */
  truncated(n: number): CodecError {
    return new CodecError(
      `needed ${n} byte${n === 1 ? "" : "s"} at byte ${this.pos - this.start} but the message ` +
        `ends at byte ${this.end - this.start} (truncated or corrupt bytes)`,
    );
  }

  /**
   * The error for bytes that cannot be what the format allows at `pos`. (Internal to the codec.)
   *
   * @ignore
   */
  corrupt(problem: string, at: number = this.pos): CodecError {
    return new CodecError(
      `${problem} at byte ${at - this.start} (corrupt bytes)`,
    );
  }

  /**
   * Reads one byte.
   *
   * @returns an integer 0..255.
   * @throws {CodecError} when no byte is left.
   */
  u8(): number {
    const p = this.pos;
    if (p >= this.end) throw this.truncated(1);
    this.pos = p + 1;
    return this.bytes[p];
  }

  /**
   * Reads a 16-bit unsigned integer, little-endian.
   *
   * @returns an integer 0..65535.
   * @throws {CodecError} when fewer than 2 bytes are left.
   */
  u16(): number {
    const p = this.pos;
    if (p + 2 > this.end) throw this.truncated(2);
    const b = this.bytes;
    this.pos = p + 2;
    return b[p] | (b[p + 1] << 8);
  }

  /**
   * Reads a 32-bit unsigned integer, little-endian.
   *
   * @returns an integer 0..2^32-1.
   * @throws {CodecError} when fewer than 4 bytes are left.
   */
  u32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw this.truncated(4);
    const b = this.bytes;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /**
   * Reads a float32, little-endian.
   *
   * @returns the number.
   * @throws {CodecError} when fewer than 4 bytes are left.
   */
  f32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw this.truncated(4);
    this.pos = p + 4;
    return this.view.getFloat32(p, true);
  }

  /**
   * Reads a float64, little-endian.
   *
   * @returns the number (`-0`, NaN and ±Infinity as written).
   * @throws {CodecError} when fewer than 8 bytes are left.
   */
  f64(): number {
    const p = this.pos;
    if (p + 8 > this.end) throw this.truncated(8);
    this.pos = p + 8;
    return this.view.getFloat64(p, true);
  }

  /**
   * Reads a varuint (see {@linkcode Writer.varuint}).
   *
   * @returns an integer 0..2^53-1.
   * @throws {CodecError} when the bytes end first, the varuint is longer than 8 bytes, or its
   * value is above 2^53-1.
   */
  varuint(): number {
    const p = this.pos;
    const end = this.end;
    if (p + 2 < end) {
      // The common lengths, 1 to 5 bytes, without a loop.
      const b = this.bytes;
      const c0 = b[p];
      if (c0 < 0x80) {
        this.pos = p + 1;
        return c0;
      }
      const c1 = b[p + 1];
      if (c1 < 0x80) {
        this.pos = p + 2;
        return (c0 & 0x7f) | (c1 << 7);
      }
      const c2 = b[p + 2];
      if (c2 < 0x80) {
        this.pos = p + 3;
        return (c0 & 0x7f) | ((c1 & 0x7f) << 7) | (c2 << 14);
      }
      // Four or five bytes: a 32-bit value, a node's id in every ref from another node.
      if (p + 4 < end) {
        const low = (c0 & 0x7f) | ((c1 & 0x7f) << 7) | ((c2 & 0x7f) << 14);
        const c3 = b[p + 3];
        if (c3 < 0x80) {
          this.pos = p + 4;
          return low | (c3 << 21);
        }
        const c4 = b[p + 4];
        if (c4 < 0x80) {
          this.pos = p + 5;
          return (low | ((c3 & 0x7f) << 21)) + c4 * 0x1000_0000;
        }
      }
    }
    return this.#varuintLong();
  }

  #varuintLong(): number {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= end) throw this.truncated(p - this.pos + 1);
      const c = b[p++];
      v += (c & 0x7f) * scale;
      if (c < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) {
          throw this.corrupt("a varuint above 2^53-1");
        }
        this.pos = p;
        return v;
      }
      scale *= 128;
    }
    throw this.corrupt("a varuint longer than 8 bytes");
  }

  /**
   * Reads a zigzag varint (see {@linkcode Writer.varint}).
   *
   * @returns a safe integer.
   * @throws {CodecError} as {@linkcode Reader.varuint} does.
   */
  varint(): number {
    const z = this.varuint();
    if (z <= 0xffffffff) return (z >>> 1) ^ -(z & 1);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /**
   * Reads `n` bytes into a fresh `Uint8Array` (never a view of the region).
   *
   * @param n how many bytes.
   * @returns a new array with its own buffer.
   * @throws {CodecError} when fewer than `n` bytes are left.
   */
  raw(n: number): Uint8Array<ArrayBuffer> {
    const p = this.pos;
    if (!(n >= 0 && n <= this.end - p)) throw this.truncated(n);
    this.pos = p + n;
    return copyOut(this.bytes, p, n);
  }

  /**
   * Reads a varuint byte length, then that many bytes into a fresh `Uint8Array`.
   *
   * @returns a new array with its own buffer.
   * @throws {CodecError} when the bytes end first.
   */
  bytesWithLength(): Uint8Array<ArrayBuffer> {
    return this.raw(this.varuint());
  }

  /**
   * Reads a string written by {@linkcode Writer.string}: varuint byte length, then UTF-8.
   *
   * @returns the string.
   * @throws {CodecError} when the bytes end first or are not valid UTF-8.
   */
  string(): string {
    const n = this.varuint();
    const p = this.pos;
    if (n > this.end - p) throw this.truncated(n);
    const s = decodeUtf8(this.bytes, p, n);
    this.pos = p + n;
    return s;
  }

  /**
   * Reads one value written by {@linkcode Writer.value}. The outermost call reads one
   * self-contained value; called from a custom class decoder it reads a nested value.
   *
   * @returns a fresh value: nothing in it aliases the bytes read.
   * @throws {CodecError} naming the path inside the value when the bytes are truncated or
   * corrupt, name an unknown class, nest deeper than {@linkcode MAX_DEPTH}, hold a ref while no
   * ref codec is installed, or when a custom decoder fails.
   */
  value(): unknown {
    if (this.depth !== 0) return readValue(this);
    this.shapeCount = 0;
    this.topClass = null;
    try {
      return readValue(this);
    } catch (e) {
      throw decodeFailure(this, e);
    }
  }

  /**
   * Throws unless every byte of the region has been read.
   *
   * @throws {CodecError} when bytes are left over.
   */
  expectEnd(): void {
    if (this.pos !== this.end) {
      throw this.corrupt(
        `${this.end - this.pos} unexpected bytes after the value`,
      );
    }
  }
}
