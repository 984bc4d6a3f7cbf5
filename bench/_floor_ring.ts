/**
 * The single-producer single-consumer byte ring of bench/remote_bench.ts's limit case: the least a
 * design that runs actors in Workers must do to move a record between threads, with no mailbox,
 * codec or dispatch on top. Records are a length byte and that many payload bytes; the ring itself
 * only moves bytes, so a record may wrap around the end and a bulk write may end inside a record.
 *
 * Layout of the SharedArrayBuffer (Int32 words, byte offsets in brackets):
 *
 *   word  0 [0]   WRITE: ring offset where the next published byte goes. Written by the producer
 *                 only (Atomics.store), after the bytes before it; read by the consumer.
 *   word  1 [4]   PRODUCER_PARKED: 1 while the producer waits for room on READ, else 0. Written
 *                 by the producer only; the consumer reads it to skip needless notifies.
 *   word 16 [64]  READ: ring offset of the next byte not yet consumed. Written by the consumer
 *                 only, after it is done with the bytes before it; read by the producer.
 *   word 17 [68]  CONSUMER_PARKED: 1 while the consumer waits for data on WRITE, else 0. Written
 *                 by the consumer only; the producer reads it to skip needless notifies.
 *   [128, 128 + CAPACITY)  the data, a circle of CAPACITY bytes.
 *
 * Offsets stay in [0, CAPACITY) and one byte is always left free, so READ === WRITE means empty
 * and no counter ever overflows. The two sides' words sit 64 bytes apart, on their own cache
 * lines, so one side's stores do not invalidate the line the other side writes.
 *
 * Each side keeps its own offset and a cached copy of the other's, and goes to shared memory only
 * when the copy says it must: no atomic per record. `Atomics.notify` (a syscall and a lock in V8)
 * is only made when the other side has said it is parked; because all of these are sequentially
 * consistent atomics, a side that parks after the other published sees the new offset first and
 * does not sleep (Atomics.wait returns "not-equal"), so no wake-up is lost.
 */

/** Bytes of the data circle: room for ~32k records of 33 B, more than one NATS message. */
export const RING_CAPACITY = 1 << 20;
const MASK = RING_CAPACITY - 1;
const DATA_OFFSET = 128;
const WRITE = 0;
const PRODUCER_PARKED = 1;
const READ = 16;
const CONSUMER_PARKED = 17;

/** A fresh ring's memory, to post to the two threads that use it. */
export function createRing(): SharedArrayBuffer {
  return new SharedArrayBuffer(DATA_OFFSET + RING_CAPACITY);
}

/** Bytes free for the producer, given both offsets (one byte always stays free). */
function freeBytes(write: number, read: number): number {
  return (read - write - 1) & MASK;
}

/** The writing side. Its records or bytes are invisible to the consumer until `publish`. */
export class RingProducer {
  readonly #words: Int32Array;
  readonly #data: Uint8Array;
  #write = 0;
  /** Where the consumer was last seen: refreshed only when the ring looks full. */
  #read = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer, 0, DATA_OFFSET / 4);
    this.#data = new Uint8Array(buffer, DATA_OFFSET, RING_CAPACITY);
    this.#write = Atomics.load(this.#words, WRITE);
    this.#read = Atomics.load(this.#words, READ);
  }

  /** Appends one record (payload ≤ 255 B); false when there is no room for it yet. */
  tryAppendRecord(payload: Uint8Array): boolean {
    const size = 1 + payload.length;
    if (freeBytes(this.#write, this.#read) < size) {
      this.#read = Atomics.load(this.#words, READ);
      if (freeBytes(this.#write, this.#read) < size) return false;
    }
    const data = this.#data;
    const at = this.#write;
    data[at] = payload.length;
    if (at + size <= RING_CAPACITY) {
      for (let i = 0; i < payload.length; i++) data[at + 1 + i] = payload[i];
    } else {
      // Once per lap a record straddles the end: byte by byte, wrapping each offset.
      for (let i = 0; i < payload.length; i++) {
        data[(at + 1 + i) & MASK] = payload[i];
      }
    }
    this.#write = (at + size) & MASK;
    return true;
  }

  /**
   * Appends all of `bytes` with at most two `set`s per piece, publishing each piece; blocks
   * (Atomics.wait, allowed on Deno's main thread) while the ring is full, at most `timeoutMs` in
   * all.
   */
  appendBytes(bytes: Uint8Array, timeoutMs: number): void {
    const deadline = performance.now() + timeoutMs;
    let from = 0;
    while (from < bytes.length) {
      let free = freeBytes(this.#write, this.#read);
      if (free === 0) {
        this.#read = Atomics.load(this.#words, READ);
        free = freeBytes(this.#write, this.#read);
      }
      if (free === 0) {
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new Error(
            `the ring's consumer took nothing for ${timeoutMs} ms`,
          );
        }
        this.waitForRoom(left);
        continue;
      }
      const piece = Math.min(free, bytes.length - from);
      const at = this.#write;
      const first = Math.min(piece, RING_CAPACITY - at);
      this.#data.set(bytes.subarray(from, from + first), at);
      if (first < piece) {
        this.#data.set(bytes.subarray(from + first, from + piece), 0);
      }
      this.#write = (at + piece) & MASK;
      from += piece;
      this.publish();
    }
  }

  /** Makes everything appended so far visible, waking the consumer only if it is parked. */
  publish(): void {
    Atomics.store(this.#words, WRITE, this.#write);
    if (Atomics.load(this.#words, CONSUMER_PARKED) === 1) {
      Atomics.notify(this.#words, WRITE);
    }
  }

  /** Blocks until the consumer frees some room or `timeoutMs` passes. Publishes first. */
  waitForRoom(timeoutMs: number): void {
    this.publish();
    Atomics.store(this.#words, PRODUCER_PARKED, 1);
    const read = this.#read;
    // The consumer may have moved between our look and our parking: wait only if it has not.
    if (Atomics.load(this.#words, READ) === read) {
      Atomics.wait(this.#words, READ, read, timeoutMs);
    }
    Atomics.store(this.#words, PRODUCER_PARKED, 0);
    this.#read = Atomics.load(this.#words, READ);
  }
}

/** What a consumer does with a record: its bytes are `bytes[at, at + length)`, valid only now. */
export type RecordVisitor = (
  bytes: Uint8Array,
  at: number,
  length: number,
) => void;

/** The reading side. */
export class RingConsumer {
  readonly #words: Int32Array;
  readonly #data: Uint8Array;
  /** Where a record that straddles the end is put together (once per lap). */
  readonly #straddling = new Uint8Array(256);
  #read = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer, 0, DATA_OFFSET / 4);
    this.#data = new Uint8Array(buffer, DATA_OFFSET, RING_CAPACITY);
    this.#read = Atomics.load(this.#words, READ);
  }

  /**
   * Copies up to `maxBytes` of what is published into a new array (one `set`, two when the span
   * wraps), frees them, and returns it; undefined when nothing is published. It does not look at
   * records: a span may end inside one, which the next span continues.
   */
  takeSpan(maxBytes: number): Uint8Array | undefined {
    const read = this.#read;
    const size = Math.min(
      (Atomics.load(this.#words, WRITE) - read) & MASK,
      maxBytes,
    );
    if (size === 0) return undefined;
    const span = new Uint8Array(size);
    const first = Math.min(size, RING_CAPACITY - read);
    span.set(this.#data.subarray(read, read + first));
    if (first < size) span.set(this.#data.subarray(0, size - first), first);
    this.#release((read + size) & MASK);
    return span;
  }

  /**
   * Calls `visit` for each whole record published, then frees them; returns how many. A record
   * whose bytes have not all arrived stays for the next call.
   */
  forEachRecord(visit: RecordVisitor): number {
    const data = this.#data;
    const write = Atomics.load(this.#words, WRITE);
    let read = this.#read;
    let records = 0;
    while (read !== write) {
      const length = data[read];
      if (((write - read) & MASK) < 1 + length) break;
      const at = (read + 1) & MASK;
      if (at + length <= RING_CAPACITY) {
        visit(data, at, length);
      } else {
        for (let i = 0; i < length; i++) {
          this.#straddling[i] = data[(at + i) & MASK];
        }
        visit(this.#straddling, 0, length);
      }
      read = (at + length) & MASK;
      records++;
    }
    if (records > 0) this.#release(read);
    return records;
  }

  /**
   * Blocks (a Worker) until the producer publishes more or `timeoutMs` passes; false when it
   * timed out with nothing new.
   */
  waitForData(timeoutMs: number): boolean {
    Atomics.store(this.#words, CONSUMER_PARKED, 1);
    const write = Atomics.load(this.#words, WRITE);
    const woken = !this.#noWholeRecord(write) ||
      Atomics.wait(this.#words, WRITE, write, timeoutMs) !== "timed-out";
    Atomics.store(this.#words, CONSUMER_PARKED, 0);
    return woken;
  }

  /** `waitForData` without blocking: for the main thread, which must keep serving its I/O. */
  async waitForDataAsync(timeoutMs: number): Promise<void> {
    Atomics.store(this.#words, CONSUMER_PARKED, 1);
    const write = Atomics.load(this.#words, WRITE);
    if (write === this.#read) {
      const waiting = Atomics.waitAsync(this.#words, WRITE, write, timeoutMs);
      if (waiting.async) await waiting.value;
    }
    Atomics.store(this.#words, CONSUMER_PARKED, 0);
  }

  /** True when what is published (maybe nothing) ends inside the first record. */
  #noWholeRecord(write: number): boolean {
    return ((write - this.#read) & MASK) < 1 + this.#data[this.#read];
  }

  #release(read: number): void {
    this.#read = read;
    Atomics.store(this.#words, READ, read);
    if (Atomics.load(this.#words, PRODUCER_PARKED) === 1) {
      Atomics.notify(this.#words, READ);
    }
  }
}
