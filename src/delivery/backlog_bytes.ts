/**
 * The bytes of the records waiting in one backlog (see backlogs.ts), or for one node's credit
 * (src/remote/credits.ts), in the order they wait: one buffer that grows, not an allocation per
 * record. A small `Uint8Array` costs more to make than the copy into it, and a fan-out larger
 * than its mailboxes leaves thousands of records waiting in one turn (measured: the copies of
 * `Writer.toBytes` were a quarter of a `multiCall`'s sending).
 *
 * Records leave oldest first, so the live bytes are one run: from the oldest waiting record's
 * first byte to the newest one's last. A record is named by its position in the backlog's whole
 * history (it never changes), so moving the run to the buffer's front, or into a larger buffer,
 * leaves every name valid. This thread's memory only.
 *
 * @module
 */

import { copyBytes } from "../util/copy_bytes.ts";

/** The first buffer's size: a few records; it doubles as a backlog grows. */
const FIRST_BYTES = 512;

/** One backlog's waiting records, as bytes. */
export class BacklogBytes {
  #buffer = new Uint8Array(0);
  /** The position of `#buffer[0]`. */
  #base = 0;
  /** The position of the oldest waiting record's first byte. */
  #head = 0;
  /** The position just past the newest record's last byte. */
  #tail = 0;

  /** Holds a copy of `source[start..end)`; returns its position. */
  append(source: Uint8Array, start: number, end: number): number {
    const length = end - start;
    let offset = this.#tail - this.#base;
    if (offset + length > this.#buffer.length) offset = this.#makeRoom(length);
    copyBytes(this.#buffer, offset, source, start, length);
    const at = this.#tail;
    this.#tail = at + length;
    return at;
  }

  /** The position of the oldest waiting record's first byte. */
  get head(): number {
    return this.#head;
  }

  /** The buffer the record at position `at` is in, until the next {@link append}. */
  get buffer(): Uint8Array {
    return this.#buffer;
  }

  /** Where in {@link buffer} the record at position `at` starts. */
  offsetOf(at: number): number {
    return at - this.#base;
  }

  /** A copy of the record of `length` bytes at position `at` (for a report). */
  copyOf(at: number, length: number): Uint8Array {
    const offset = at - this.#base;
    return this.#buffer.slice(offset, offset + length);
  }

  /** The oldest records, up to position `end`, have left: their room is free again. */
  release(end: number): void {
    this.#head = end;
    // Empty: the next record starts at the buffer's front, and it never needs moving.
    if (end === this.#tail) this.#base = end;
  }

  /** Moves the live run to the front of a buffer with room for `length` more; returns where. */
  #makeRoom(length: number): number {
    const live = this.#tail - this.#head;
    const from = this.#head - this.#base;
    let buffer = this.#buffer;
    // Grow when the live run would fill more than half: moving it every few records is waste.
    if (2 * (live + length) > buffer.length) {
      let size = Math.max(FIRST_BYTES, buffer.length);
      while (size < 2 * (live + length)) size *= 2;
      buffer = new Uint8Array(size);
      buffer.set(this.#buffer.subarray(from, from + live));
      this.#buffer = buffer;
    } else {
      buffer.copyWithin(0, from, from + live);
    }
    this.#base = this.#head;
    return live;
  }
}
