/**
 * The wire: how records travel between nodes. Many records go in one NATS message (a batch), so
 * that remote throughput is not capped by the cost of one publish; each record is the bytes that
 * will stand in the target's mailbox (envelope and message, see src/delivery/envelope.ts), moved
 * without decoding. A batch:
 *
 * ```
 * u8       wire version (7: the records' codec version 2; pings' answers say how many control
 *          messages were taken, see {@link writePingAnswer}; CallsLost names the calls taken)
 * u8       flags: bit 0 = the first entry goes on with a record begun in the batch before
 * u32      the sending node's id (little-endian, as every number of the head)
 * u32      the link's sequence number of the first entry: entries the sender sent to this
 *          node before it, counted from 0 (a gap means entries were lost on the way)
 * u32      the records begun before it: entries that are a record or its first piece, counted
 *          from 0 and wrapping (how many messages a gap lost, whatever their pieces)
 * u32      the credit those entries spent (see credits.ts: {@link creditOf} of each entry),
 *          wrapping at 2^32: the credit of a gap is granted back, so what never arrived does
 *          not shrink the window
 * u32      the credit the sending node has granted the receiving one so far (see credits.ts):
 *          records going both ways carry each other's grants, with no message of their own
 * then, until the end: varuint length * 2 + more, then that many bytes of one record — or, when
 *          `more` is 1, of a piece of one: the record goes on in the next entry (the next batch's
 *          first), so a record larger than a NATS message travels in pieces, in order
 * ```
 *
 * The flag lets a receiver that lost the batch before know the first entry for the tail of a
 * record it never had the start of, not a record of its own.
 *
 * @module
 */

import { copyBytes } from "../util/copy_bytes.ts";

/** The version of the batch format; a batch of another version is refused. */
export const WIRE_VERSION = 7;
/** Bytes of a batch's head, before its first entry. */
export const HEAD_BYTES = 22;
/**
 * The most bytes an entry's length takes before its bytes: a varuint of length * 2 + 1, and a
 * record is less than 2^27 bytes (see the mailbox's record header).
 */
export const ENTRY_HEAD_BYTES = 4;
/** The head's flag: the first entry goes on with a record begun in the batch before. */
const CONTINUES = 1;
/**
 * Credit a record spends beyond its bytes: what a record costs the receiver however small (its
 * place in a backlog), so that a window of tiny records is bounded too.
 */
export const RECORD_CREDIT = 32;

/**
 * The credit an entry of `length` bytes spends: its bytes, and {@link RECORD_CREDIT} for the
 * entry that ends a record (`more` false). A record's entries together spend its bytes and one
 * RECORD_CREDIT, whether it goes whole or in pieces.
 */
export function creditOf(length: number, more = false): number {
  return more ? length : length + RECORD_CREDIT;
}

/** What a batch's head says of the link so far, besides its sender (see the module doc). */
export interface BatchHead {
  /** Entries sent to the node before the batch: its first entry's sequence number. */
  readonly sequence: number;
  /** Records begun before the batch (see {@link BatchWriter.begun}); default 0. */
  readonly begun?: number;
  /** The credit the entries before it spent (see {@link creditOf}); default 0. */
  readonly credit?: number;
  /** The credit granted to the batch's receiver so far (see credits.ts); default 0. */
  readonly granted?: number;
}

/** Builds one batch for one node. */
export class BatchWriter {
  #bytes: Uint8Array;
  #pos = HEAD_BYTES;
  #count = 0;
  #begun = 0;
  #credit = 0;
  #continues = false;
  /** Whether the last entry added is a piece that the next one goes on with. */
  #lastMore = false;

  constructor(readonly from: number, capacity = 64 * 1024) {
    this.#bytes = new Uint8Array(capacity);
  }

  /** Records in the batch so far. */
  get count(): number {
    return this.#count;
  }

  /** Entries in the batch so far that begin a record: a whole record, or its first piece. */
  get begun(): number {
    return this.#begun;
  }

  /** Whether the batch's last entry is a piece of a record that the next batch goes on with. */
  get endsInPiece(): boolean {
    return this.#lastMore;
  }

  /** Whether the batch's first entry goes on with a record begun before it. */
  get continues(): boolean {
    return this.#continues;
  }

  /** Bytes in the batch so far. */
  get size(): number {
    return this.#pos;
  }

  /** The credit of the entries so far (see {@link creditOf}). */
  get credit(): number {
    return this.#credit;
  }

  /**
   * Appends the record `bytes[start, end)`, or (`more`) a piece of one that goes on in the next
   * entry; `continues`: it goes on with a record begun in an entry before (a piece after the
   * first).
   */
  add(bytes: Uint8Array, start: number, end: number, more = false, continues = false): void {
    const length = end - start;
    // After a piece, the next entry goes on with its record, whatever the caller says.
    const continuing = this.#count === 0 ? continues : this.#lastMore;
    if (this.#count === 0) this.#continues = continues;
    if (!continuing) this.#begun++;
    this.#lastMore = more;
    this.#credit += creditOf(length, more);
    this.#ensure(8 + length);
    let p = this.#pos;
    const b = this.#bytes;
    let v = length * 2 + (more ? 1 : 0);
    while (v > 0x7f) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    copyBytes(b, p, bytes, start, length);
    this.#pos = p + length;
    this.#count++;
  }

  /** The finished batch (a copy), with `head` as its head; the writer is empty again. */
  take(head: BatchHead): Uint8Array {
    const b = this.#bytes;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    b[0] = WIRE_VERSION;
    b[1] = this.#continues ? CONTINUES : 0;
    view.setUint32(2, this.from, true);
    view.setUint32(6, head.sequence >>> 0, true);
    view.setUint32(10, (head.begun ?? 0) >>> 0, true);
    view.setUint32(14, (head.credit ?? 0) >>> 0, true);
    view.setUint32(18, (head.granted ?? 0) >>> 0, true);
    const batch = b.slice(0, this.#pos);
    this.#pos = HEAD_BYTES;
    this.#count = 0;
    this.#begun = 0;
    this.#credit = 0;
    this.#continues = false;
    this.#lastMore = false;
    return batch;
  }

  #ensure(more: number): void {
    if (this.#pos + more <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < this.#pos + more) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#pos));
    this.#bytes = grown;
  }
}

/** A batch read back: who sent it, the first entry's sequence number, its entries. */
export interface Batch {
  readonly from: number;
  readonly sequence: number;
  /** Records begun before it (see {@link BatchHead.begun}), wrapping at 2^32. */
  readonly begun: number;
  /** The credit the entries before it spent (see {@link creditOf}), wrapping at 2^32. */
  readonly credit: number;
  /** Whether its first entry goes on with a record begun in the batch before. */
  readonly continues: boolean;
  /** The credit the sender has granted the receiver so far (see credits.ts). */
  readonly granted: number;
  /**
   * Calls `each` with every entry's bytes (a view into the batch), in order: a whole record, or
   * (`more`) a piece of one that goes on in the next entry.
   */
  forEach(each: (record: Uint8Array, more: boolean) => void): void;
}

/**
 * Reads a batch's entries in place, one after the other, without a view per entry: after each
 * {@link next} that returns true, the entry is `bytes[start, end)`, and `more` says whether it is
 * a piece of a record that goes on in the next entry.
 */
export class BatchEntries {
  /** The batch. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Where the current entry's bytes start. */
  start = 0;
  /** Where they end: the next entry's length follows. */
  end = 0;
  /** Whether the current entry is a piece of a record that goes on in the next. */
  more = false;

  /** Reads the entries of `batch` (its head already read, see {@link readBatch}) from the first. */
  reset(batch: Uint8Array): this {
    this.bytes = batch;
    this.start = this.end = HEAD_BYTES;
    this.more = false;
    return this;
  }

  /**
   * Moves to the next entry; false at the batch's end.
   * @throws {RangeError} when the batch ends inside an entry.
   */
  next(): boolean {
    const bytes = this.bytes;
    let p = this.end;
    if (p >= bytes.length) return false;
    let entry = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.length) throw new RangeError("a batch ends inside a record's length");
      // A writer's lengths take five bytes at most (a NATS message is far smaller than 2^34
      // bytes). More is forged or corrupted: 147 bytes of 0x80 made the length NaN, and the
      // next entry's read never ended.
      if (shift > 28) throw new RangeError("a batch entry's length takes more than five bytes");
      const byte = bytes[p++];
      entry += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    const length = Math.floor(entry / 2);
    if (p + length > bytes.length) {
      throw new RangeError("a batch ends inside a record");
    }
    this.start = p;
    this.end = p + length;
    this.more = entry % 2 === 1;
    return true;
  }
}

/**
 * Reads a batch's head.
 * @throws {RangeError} when it is not a batch of this wire version.
 */
export function readBatch(bytes: Uint8Array): Batch {
  if (bytes.length < HEAD_BYTES || bytes[0] !== WIRE_VERSION) {
    throw new RangeError(
      `a batch of wire version ${bytes[0]} (${bytes.length} bytes) came, and this node speaks ` +
        `version ${WIRE_VERSION}: run the same ringmail version on every node`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    from: view.getUint32(2, true),
    sequence: view.getUint32(6, true),
    begun: view.getUint32(10, true),
    credit: view.getUint32(14, true),
    continues: (bytes[1] & CONTINUES) !== 0,
    granted: view.getUint32(18, true),
    forEach(each) {
      const entries = new BatchEntries().reset(bytes);
      while (entries.next()) {
        each(bytes.subarray(entries.start, entries.end), entries.more);
      }
    },
  };
}

/**
 * What a node's ping says it has sent the pinged node so far (see BatchReceiver.sentSoFar): its
 * next batch's head, and whether its last entry sent is a piece the next batch goes on with.
 */
export interface SentSoFar {
  readonly from: number;
  readonly sequence: number;
  readonly begun: number;
  readonly credit: number;
  readonly midRecord: boolean;
}

/** A ping's bytes: u32 from, sequence, records begun, credit, flags (bit 0: mid-record). */
const SENT_SO_FAR_BYTES = 20;
const MID_RECORD = 1;

/** The bytes of a ping that says `sent` (see {@link SentSoFar}). */
export function writeSentSoFar(sent: SentSoFar): Uint8Array {
  const data = new Uint8Array(SENT_SO_FAR_BYTES);
  const view = new DataView(data.buffer);
  view.setUint32(0, sent.from >>> 0, true);
  view.setUint32(4, sent.sequence >>> 0, true);
  view.setUint32(8, sent.begun >>> 0, true);
  view.setUint32(12, sent.credit >>> 0, true);
  view.setUint32(16, sent.midRecord ? MID_RECORD : 0, true);
  return data;
}

/** What a ping says (see {@link writeSentSoFar}); null for one that says nothing of it. */
export function readSentSoFar(data: Uint8Array): SentSoFar | null {
  if (data.length < SENT_SO_FAR_BYTES) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    from: view.getUint32(0, true),
    sequence: view.getUint32(4, true),
    begun: view.getUint32(8, true),
    credit: view.getUint32(12, true),
    midRecord: (view.getUint32(16, true) & MID_RECORD) !== 0,
  };
}

/**
 * A ping's answer: u32 the credit the answering node has granted the pinging one so far (see
 * credits.ts: a grant lost with a connection is made good by it); u32 how many control messages
 * of the pinging node it has taken (see controls.ts: one published before the ping and not
 * taken is sent again). Without `controlsTaken`, the answer of an older build: the credit alone.
 */
export function writePingAnswer(granted: number, controlsTaken?: number): Uint8Array {
  const answer = new Uint8Array(controlsTaken === undefined ? 4 : 8);
  const view = new DataView(answer.buffer);
  view.setUint32(0, granted >>> 0, true);
  if (controlsTaken !== undefined) view.setUint32(4, controlsTaken >>> 0, true);
  return answer;
}

/** What a ping's answer says (see {@link writePingAnswer}). */
export interface PingAnswer {
  readonly granted: number;
  /** How many control messages of the pinging node it has taken; null: it does not say. */
  readonly controlsTaken: number | null;
}

/**
 * The answer of a node that has found the pinging one down: one byte, no grant. It takes nothing
 * from that node any more (a node found down stays down), which then finds it down too.
 */
export const FOUND_DOWN_ANSWER: Uint8Array = Uint8Array.of(0xdd);

/**
 * What a ping's answer says (see {@link writePingAnswer}), or that the answering node has found
 * the pinging one down; null for an answer that says neither.
 */
export function readPingAnswer(data: Uint8Array): PingAnswer | "found-down" | null {
  if (data.length === 1 && data[0] === FOUND_DOWN_ANSWER[0]) return "found-down";
  if (data.length < 4) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    granted: view.getUint32(0, true),
    controlsTaken: data.length < 8 ? null : view.getUint32(4, true),
  };
}
