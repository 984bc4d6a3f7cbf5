/**
 * Copies of short byte runs between `Uint8Array`s, four bytes a step. A record moved whole from
 * one buffer to another (an outbox record into a batch, a batch's record into a ring, a record
 * waiting for room) is tens of bytes: `set` with a `subarray` pays ~40 ns for the view alone, a
 * byte loop ~1 ns a byte; stepping by Int32 through DataViews of both sides takes about half
 * the byte loop's time at 46 bytes, a third at 150 (measured). Past {@link WORD_COPY_MAX} bytes
 * `set` wins, and is used.
 *
 * The DataViews are kept per array, the last two of each side (a copier mostly reads from one
 * buffer and writes into another, and sometimes alternates between two sources), so up to four
 * arrays stay reachable from here until others take their places. Both sides read and write
 * little-endian, so the bytes land as they were on any host. Either array may be a view on a
 * SharedArrayBuffer: the copy is made of plain loads and stores, ordered by whatever Atomics
 * operation publishes it.
 *
 * @module
 */

/** Runs longer than this go through `TypedArray.prototype.set`. */
export const WORD_COPY_MAX = 256;

const NO_ARRAY = new Uint8Array(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));

/** A two-entry cache of DataViews, by the array they view (and its length, see `of`). */
class Views {
  #last: Uint8Array = NO_ARRAY;
  #lastLength = 0;
  #lastView: DataView = NO_VIEW;
  #other: Uint8Array = NO_ARRAY;
  #otherLength = 0;
  #otherView: DataView = NO_VIEW;

  of(array: Uint8Array): DataView {
    // An array that tracks the length of a growable buffer may have grown since its DataView
    // was made: then a new one is.
    const length = array.length;
    if (array === this.#last && length === this.#lastLength) return this.#lastView;
    const view = array === this.#other && length === this.#otherLength
      ? this.#otherView
      : new DataView(array.buffer, array.byteOffset, length);
    this.#other = this.#last;
    this.#otherLength = this.#lastLength;
    this.#otherView = this.#lastView;
    this.#last = array;
    this.#lastLength = length;
    return this.#lastView = view;
  }
}

const sources = new Views();
const targets = new Views();

/**
 * Copies `from[start, start + length)` to `to[at, at + length)`; the two must not overlap. The
 * caller has checked the bounds: past them, a step throws a RangeError or a tail byte is lost.
 */
export function copyBytes(
  to: Uint8Array,
  at: number,
  from: Uint8Array,
  start: number,
  length: number,
): void {
  if (length > WORD_COPY_MAX) {
    to.set(from.subarray(start, start + length), at);
    return;
  }
  const source = sources.of(from);
  const target = targets.of(to);
  const words = length & ~3;
  let i = 0;
  for (; i < words; i += 4) {
    target.setInt32(at + i, source.getInt32(start + i, true), true);
  }
  for (; i < length; i++) to[at + i] = from[start + i];
}
