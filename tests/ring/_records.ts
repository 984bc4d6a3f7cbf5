/**
 * Test records whose every byte can be checked by the receiver: producer, sequence number and a
 * pattern derived from both, with lengths from a seeded hash so wrap-around happens everywhere.
 */

/** Deterministic 32-bit hash of two integers. */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/** The length of record `seq` of `producer`: 5 to 5 + maxExtra bytes. */
export function recordLength(producer: number, seq: number, maxExtra: number): number {
  return 5 + (mix(producer, seq) % (maxExtra + 1));
}

/** Writes record `seq` of `producer` into `target` from 0; returns its length. */
export function writeRecord(
  target: Uint8Array,
  producer: number,
  seq: number,
  maxExtra: number,
): number {
  const length = recordLength(producer, seq, maxExtra);
  target[0] = producer;
  target[1] = seq & 255;
  target[2] = (seq >>> 8) & 255;
  target[3] = (seq >>> 16) & 255;
  target[4] = (seq >>> 24) & 255;
  for (let i = 5; i < length; i++) target[i] = (seq * 31 + i * 7 + producer) & 255;
  return length;
}

/**
 * Checks a received record byte for byte. Returns `producer * 2^32 + seq` packed as
 * `[producer, seq]`, or throws an Error saying what is wrong.
 */
export function checkRecord(
  bytes: Uint8Array,
  start: number,
  length: number,
  maxExtra: number,
): [number, number] {
  if (length < 5) throw new Error(`record of ${length} bytes is too short`);
  const producer = bytes[start];
  const seq = bytes[start + 1] | (bytes[start + 2] << 8) | (bytes[start + 3] << 16) |
    (bytes[start + 4] << 24);
  const expected = recordLength(producer, seq, maxExtra);
  if (length !== expected) {
    throw new Error(`record ${producer}/${seq} has ${length} bytes, expected ${expected}`);
  }
  for (let i = 5; i < length; i++) {
    if (bytes[start + i] !== ((seq * 31 + i * 7 + producer) & 255)) {
      throw new Error(`record ${producer}/${seq} differs at byte ${i}`);
    }
  }
  return [producer, seq];
}

/** Tracks per-producer order: each producer's sequence numbers must arrive 0, 1, 2, ... */
export class OrderCheck {
  readonly next: number[];
  constructor(producers: number) {
    this.next = new Array(producers).fill(0);
  }
  /** Throws when `seq` is not the next expected number of `producer`. */
  see(producer: number, seq: number): void {
    if (this.next[producer] !== seq) {
      throw new Error(`producer ${producer}: got record ${seq}, expected ${this.next[producer]}`);
    }
    this.next[producer]++;
  }
}
