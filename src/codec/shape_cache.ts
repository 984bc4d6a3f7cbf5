/**
 * The reader's memory of object key shapes across messages. A shape definition's raw bytes (its
 * keys, as written) are looked up in a small direct-mapped table and compared byte for byte; on a
 * hit the keys are not decoded again, and the same key strings (already internalised by V8 as
 * property keys) are reused. A miss only costs the decoding that would have happened anyway, so
 * forged bytes cannot make it slow or large.
 *
 * @module
 */

import type { Reader } from "./reader.ts";

/** One shape: its keys, and the bytes that defined them. */
export class ShapeEntry {
  /** How many objects have been read with this shape (counts up to the compile threshold). */
  uses = 0;
  /** A compiled builder of objects of this shape, once the shape has proved hot. */
  build: ((r: Reader) => Record<string, unknown>) | undefined = undefined;

  constructor(
    /** The keys, in order. Shared across messages: never mutated. */
    readonly keys: readonly string[],
    /** Whether a key is `__proto__` (which must be defined, not assigned). */
    readonly protoKey: boolean,
    /** The encoded keys this entry was decoded from. */
    readonly raw: Uint8Array,
  ) {
    const words = new Int32Array(raw.length >>> 2);
    for (let i = 0; i < words.length; i++) {
      const j = 4 * i;
      words[i] = raw[j] | (raw[j + 1] << 8) | (raw[j + 2] << 16) |
        (raw[j + 3] << 24);
    }
    this.words = words;
  }

  /** `raw` as little-endian 32-bit words (its last `raw.length % 4` bytes left out). */
  readonly words: Int32Array;
}

const SLOTS = 256;
/** Shapes whose keys take more bytes than this are not cached. */
const MAX_CACHED_BYTES = 512;

/** The empty shape, the same for every message. */
export const EMPTY_SHAPE: ShapeEntry = new ShapeEntry(
  [],
  false,
  new Uint8Array(0),
);

/**
 * A direct-mapped cache of shapes by their encoded keys. The slot is chosen from the key count
 * and the first bytes of the keys alone, so that a hit needs no scan of the keys: the cached
 * encoding is compared byte for byte with what follows in the message, and since an encoding of
 * `count` strings is prefix-free, equal bytes mean the same keys and the same length.
 */
export class ShapeCache {
  readonly #table: (ShapeEntry | undefined)[] = new Array(SLOTS).fill(
    undefined,
  );

  /** The slot for a shape of `count` keys whose encoding starts at `b[start]` (before `end`). */
  slot(b: Uint8Array, start: number, end: number, count: number): number {
    // The key count and the first (up to) six bytes: the first key's tag and characters.
    let h = count;
    for (let i = start, e = Math.min(end, start + 6); i < e; i++) {
      h = (h * 31 + b[i]) | 0;
    }
    return (h ^ (h >>> 9) ^ (h >>> 18)) & (SLOTS - 1);
  }

  /**
   * The cached shape in `slot` if its keys are encoded exactly at `b[start...]` (before `end`).
   */
  find(
    slot: number,
    b: Uint8Array,
    dv: DataView,
    start: number,
    end: number,
    count: number,
  ): ShapeEntry | undefined {
    const e = this.#table[slot];
    if (e === undefined || e.keys.length !== count) return undefined;
    const raw = e.raw;
    const span = raw.length;
    if (span > end - start) return undefined;
    let i = 0;
    if (start + span <= dv.byteLength) {
      // Four bytes per comparison: most of the cost of a hit is this comparison.
      const words = e.words;
      for (const n = words.length; i < n; i++) {
        if (dv.getInt32(start + 4 * i, true) !== words[i]) return undefined;
      }
      i *= 4;
    }
    for (; i < span; i++) {
      if (raw[i] !== b[start + i]) return undefined;
    }
    return e;
  }

  /** Remembers a shape in `slot` (replacing whatever was there). */
  store(slot: number, e: ShapeEntry): void {
    if (e.raw.length <= MAX_CACHED_BYTES) this.#table[slot] = e;
  }
}
