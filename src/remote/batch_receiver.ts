/**
 * The receive side of the cluster link (see link.ts): takes the batches other nodes publish to
 * this one, counts a gap in a node's sequence numbers as records lost on the way, joins the
 * pieces of large records, and puts each record into its target's mailbox as it came, without
 * decoding it (the courier's policy and backlogs apply, as to any send). It grants the sending
 * nodes their credit back as it hands records on (credits.ts).
 *
 * @module
 */

import { ActorRef, messageOf } from "../actor/mod.ts";
import { Inbox } from "../delivery/mod.ts";
import { MAX_MESSAGE } from "../ring/mod.ts";
import { Grants } from "./credits.ts";
import type { LinkHost } from "../system/cluster_link.ts";
import type { LinkFigures } from "./link_figures.ts";
import type { Peers } from "./peers.ts";
import type { NatsConnection } from "./nats.ts";
import {
  type Batch,
  BatchEntries,
  creditOf,
  FOUND_DOWN_ANSWER,
  readBatch,
  readSentSoFar,
  writePingAnswer,
} from "./wire.ts";

/** What a ping without what it has sent is answered. */
const NO_ANSWER = new Uint8Array(0);

/** What {@link BatchReceiver}'s #assemble says of pieces past the largest record. */
const TOO_LARGE = Symbol("too large");

/** What the batch reader holds between batches: nothing of the last one. */
const EMPTY_BATCH = new Uint8Array(0);
/**
 * A batch of at most this many records, after none came for {@link QUIET_GAP_MS}, says the
 * link is quiet: an answer to it is awaited on this thread by a spin, not a wake-up (see
 * BatchSender.awaitAnswers). A busy link's batches come larger and closer together, and the
 * answers to them are better sent together than each as soon as it comes. (64 pairs of actors
 * ping-ponging across processes, ~48 records a batch: about 1 batch in 6 still counted as
 * quiet, and its look caught an answer 2 times in 3; a sequential call's, 9 in 10.)
 */
const QUIET_BATCH_RECORDS = 4;
/** See {@link QUIET_BATCH_RECORDS}: a sequential call across processes is one every ~300 µs. */
const QUIET_GAP_MS = 0.2;

/** What a node receives from the others: their batches, into mailboxes. */
export class BatchReceiver {
  /** Entries received from each node so far: the sequence number its next batch should have. */
  readonly #received = new Map<number, number>();
  /** The credit of those entries (see wire.ts): what the next batch's head should say. */
  readonly #receivedCredit = new Map<number, number>();
  /** The records begun in those entries (see wire.ts): what the next batch's head should say. */
  readonly #receivedBegun = new Map<number, number>();
  /** The pieces of a record still coming from each node (see wire.ts). */
  readonly #pieces = new Map<number, Uint8Array[]>();
  /** The bytes of those pieces, per node. */
  readonly #pieceBytes = new Map<number, number>();
  readonly #inbox: Inbox;
  /** Reads the entries of the batch being taken. */
  readonly #entries = new BatchEntries();
  readonly #senders = { lastSender: null };
  /** Credit this node owes the nodes that send to it. */
  readonly #grants: Grants;
  /** Whether the last record delivered went straight into a ring (see EncodedDelivery.offer). */
  #lastOffered = false;
  /** When the last batch came (see QUIET_GAP_MS). */
  #lastBatchAt = 0;

  /**
   * @param nc the link's connection.
   * @param host the link's system.
   * @param peers the nodes the link talks to.
   * @param figures what goes over each link, counted.
   * @param granted node `node` has granted this one `total` credit so far (a batch's head).
   * @param controlsTaken how many control messages of node `node` this one has taken (see
   * controls.ts), for the answer to its ping.
   * @param maxRecordBytes the largest record a node may send in pieces: no mailbox takes a larger
   * one, and the pieces of one past it are let go as they come (see #assemble).
   */
  constructor(
    readonly nc: NatsConnection,
    readonly host: LinkHost,
    readonly peers: Peers,
    readonly figures: LinkFigures,
    readonly granted: (node: number, total: number) => void,
    readonly controlsTaken: (node: number) => number,
    readonly maxRecordBytes: number = MAX_MESSAGE,
  ) {
    this.#inbox = new Inbox(host.courier);
    this.#grants = new Grants((node, count) => this.#grant(node, count));
  }

  /**
   * A record of `length` bytes from node `node` that waited for room in a backlog left it (see
   * SystemCourier.leftBacklog): its credit goes back, unless the node is down.
   */
  leftBacklog(node: number, length: number): void {
    if (this.peers.downReason(node) === undefined) this.#grants.handed(node, creditOf(length));
  }

  /**
   * A batch is about to be published to `node`: the credit granted to it so far, with what it is
   * owed now, for the batch's head (see Grants.riding).
   */
  riding(node: number): number {
    return this.#grants.riding(node);
  }

  /** The batch to `node` that carried its grant (see {@link riding}) never left: resent. */
  resendGrant(node: number): void {
    this.#grants.resend(node);
  }

  /** The nodes this one has taken batches or pings from, but those found down. */
  *senders(): Iterable<number> {
    for (const node of this.#received.keys()) {
      if (this.peers.downReason(node) === undefined) yield node;
    }
  }

  /**
   * Node `node` is down: nothing is owed to it any more, and a record it had begun sending will
   * never be whole — counted as lost, its pieces let go. What it sent so far is counted no more:
   * what it sends from now on is refused before it is counted (see {@link take}, {@link
   * sentSoFar}), and nodes restart as new nodes — a long-lived node kept three numbers for every
   * node that ever sent it a batch.
   */
  forget(node: number): void {
    this.#grants.forget(node);
    if (this.#pieces.delete(node)) this.host.lost(node, 1);
    this.#pieceBytes.delete(node);
    this.#received.delete(node);
    this.#receivedCredit.delete(node);
    this.#receivedBegun.delete(node);
  }

  /** @internal How many entries its maps hold (tests: what stays per node that left). */
  sizes(): Record<string, number> {
    return {
      received: this.#received.size,
      receivedCredit: this.#receivedCredit.size,
      receivedBegun: this.#receivedBegun.size,
      pieces: this.#pieces.size,
      ...this.#grants.sizes(),
    };
  }

  /** Stops granting. */
  close(): void {
    this.#grants.close();
  }

  /**
   * A batch from another node: each record into its target's mailbox.
   * @returns whether an answer is likely soon from another thread of this process: the batch was
   * small (a quiet link) and its last record went to an actor a Worker serves (see
   * BatchSender.awaitAnswers).
   */
  take(data: Uint8Array): boolean {
    // Every batch counts, large ones too: a small one right behind a large one is no quiet link.
    const now = performance.now();
    const quiet = now - this.#lastBatchAt >= QUIET_GAP_MS;
    this.#lastBatchAt = now;
    let batch: Batch;
    try {
      batch = readBatch(data);
    } catch (error) {
      console.error("ringmail: a batch from another node was refused:", error);
      return false;
    }
    const from = batch.from;
    const down = this.peers.downReason(from);
    if (down !== undefined) {
      this.#refuseFromDown(data, batch.continues, from, down);
      return false;
    }
    this.peers.watch(from, true);
    this.granted(from, batch.granted);
    // Behind what came already: counted lost by a ping meanwhile (or reordered on the way), its
    // records are not delivered too.
    if (((batch.sequence - (this.#received.get(from) ?? 0)) >>> 0) >= 0x8000_0000) return false;
    this.#catchUp(from, batch.sequence, batch.begun, batch.credit, batch.continues);
    let count = 0;
    let credit = 0;
    // Credit of the records put into their mailboxes, or made dead letters: those that wait for
    // room in a backlog are granted as they leave it (see Grants).
    let handed = 0;
    // The tail of a record whose start this node does not have (the gap took it): its entries
    // are skipped, not read as records of their own.
    let skipping = batch.continues && !this.#pieces.has(from);
    let begun = 0;
    let continuing = batch.continues;
    const entries = this.#entries.reset(data);
    try {
      while (entries.next()) {
        count++;
        if (!continuing) begun++;
        continuing = entries.more;
        const entryCredit = creditOf(entries.end - entries.start, entries.more);
        credit += entryCredit;
        if (skipping) {
          handed += entryCredit;
          skipping = entries.more;
          continue;
        }
        if (!entries.more && !this.#pieces.has(from)) {
          // A whole record (most are): read where it stands in the batch.
          if (this.#deliver(from, data, entries.start, entries.end)) handed += entryCredit;
          continue;
        }
        const record = this.#assemble(
          from,
          data.subarray(entries.start, entries.end),
          entries.more,
        );
        if (record === TOO_LARGE) {
          // Let go, counted lost (see #assemble); what is left of it is skipped as it comes.
          handed += entryCredit + this.#dropPieces(from);
          this.host.lost(from, 1);
          skipping = entries.more;
          continue;
        }
        if (record === null) continue;
        if (this.#deliver(from, record, 0, record.length)) handed += creditOf(record.length);
      }
    } catch (error) {
      // The rest of the batch is not taken: the next batch's sequence number shows it as lost.
      console.error("ringmail: a batch from another node was taken only in part:", error);
    } finally {
      entries.reset(EMPTY_BATCH);
    }
    this.#received.set(from, (batch.sequence + count) >>> 0);
    this.#receivedBegun.set(from, (batch.begun + begun) >>> 0);
    this.#receivedCredit.set(from, (batch.credit + credit) >>> 0);
    const counts = this.figures.of(from);
    counts.batchesReceived++;
    counts.recordsReceived += count;
    counts.bytesReceived += data.length;
    if (handed > 0) this.#grants.handed(from, handed);
    return quiet && count <= QUIET_BATCH_RECORDS && handed > 0 && this.#servedElsewhere();
  }

  /** Whether the mailbox the last record went into is served by another thread (a Worker). */
  #servedElsewhere(): boolean {
    if (!this.#lastOffered) return false;
    const served = this.host.courier.encoded.lastOfferedDoorbell;
    return served !== 0 && served !== this.host.outbox.receiverDoorbell;
  }

  /**
   * Node `from` says what it has sent this node so far (its ping, see wire.ts SentSoFar): what
   * never came is counted lost now, not only when a later batch shows the gap — after the last
   * batch sent was lost, none may come; so is a record it gave up after some of its pieces went.
   * @returns the ping's answer: the credit this node has granted it so far, and how many of its
   * control messages it has taken (see wire.ts writePingAnswer).
   */
  sentSoFar(data: Uint8Array): Uint8Array {
    const sent = readSentSoFar(data);
    if (sent === null) return NO_ANSWER;
    const { from, sequence, begun, credit } = sent;
    if (this.peers.downReason(from) !== undefined) return FOUND_DOWN_ANSWER;
    if (this.#catchUp(from, sequence, begun, credit, sent.midRecord)) {
      this.#received.set(from, sequence);
      this.#receivedBegun.set(from, begun);
      this.#receivedCredit.set(from, credit);
    }
    // The answer: the credit granted to it so far. A grant sent while the connection was lost
    // never arrived (the client drops what it kept for a server it could not reach), and no
    // other might follow. And how many of its control messages came: those it published before
    // the ping that did not are sent again.
    return writePingAnswer(this.#grants.total(from), this.controlsTaken(from));
  }

  /**
   * Counts what node `from` sent before its entry `sequence` (`begun` records, spending
   * `credit`) that never came, as lost; `continues`: whether what comes next goes on with a
   * record begun before. @returns whether entries were lost.
   */
  #catchUp(
    from: number,
    sequence: number,
    begun: number,
    credit: number,
    continues: boolean,
  ): boolean {
    // Sequence numbers wrap at 2^32: the gap is their difference, as unsigned 32 bits.
    const gap = (sequence - (this.#received.get(from) ?? 0)) >>> 0;
    const entriesLost = gap !== 0 && gap < 0x8000_0000;
    // A record this node has pieces of will never be whole when entries after them were lost,
    // or when what comes next does not go on with it (its sender could not send the rest).
    const cut = this.#pieces.has(from) && (entriesLost || !continues);
    if (!entriesLost && !cut) return false;
    // Messages, not entries: the records begun in what was lost, and the one cut. A record
    // begun takes an entry at least: a head or ping that says more is forged or corrupt (one
    // ping made 2^31 - 1 messages lost), and the entries lost are as many as there can be.
    const begunLost = entriesLost ? (begun - (this.#receivedBegun.get(from) ?? 0)) >>> 0 : 0;
    const lost = (begunLost < 0x8000_0000 ? Math.min(begunLost, gap) : 0) + (cut ? 1 : 0);
    if (lost > 0) this.host.lost(from, lost);
    // Their credit was spent: granted back, as if they had been handed on; so is that of the
    // pieces of the record cut, which can never be whole now.
    const lostCredit = entriesLost ? (credit - (this.#receivedCredit.get(from) ?? 0)) >>> 0 : 0;
    this.#grants.handed(from, lostCredit + (cut ? this.#dropPieces(from) : 0));
    return entriesLost;
  }

  /** Forgets the pieces of a record from `from` that will not be whole; returns their credit. */
  #dropPieces(from: number): number {
    const pieces = this.#pieces.get(from);
    if (pieces === undefined) return 0;
    this.#pieces.delete(from);
    this.#pieceBytes.delete(from);
    return pieces.reduce((sum, piece) => sum + creditOf(piece.length, true), 0);
  }

  /**
   * Joins the pieces of a record from node `from`: the whole record once its last piece came,
   * null while more are to come, {@link TOO_LARGE} when they add up to more than
   * {@link maxRecordBytes} (the pieces held are left for the caller to drop): a sender's pieces
   * are bounded by nothing else, and forged ones that never end held ever more memory.
   */
  #assemble(from: number, entry: Uint8Array, more: boolean): Uint8Array | typeof TOO_LARGE | null {
    const pieces = this.#pieces.get(from);
    if (pieces === undefined && !more) return entry;
    const bytes = (this.#pieceBytes.get(from) ?? 0) + entry.length;
    if (bytes > this.maxRecordBytes) return TOO_LARGE;
    if (pieces === undefined) {
      this.#pieces.set(from, [entry.slice()]);
      this.#pieceBytes.set(from, bytes);
      return null;
    }
    pieces.push(entry.slice());
    this.#pieceBytes.set(from, bytes);
    if (more) return null;
    this.#pieces.delete(from);
    this.#pieceBytes.delete(from);
    const record = new Uint8Array(
      pieces.reduce((sum, piece) => sum + piece.length, 0),
    );
    let at = 0;
    for (const piece of pieces) {
      record.set(piece, at);
      at += piece.length;
    }
    return record;
  }

  /**
   * Delivers the record `bytes[start, end)` from node `from` to its target, as it came.
   * @returns false when it waits for room in a backlog (granted once it leaves, see Grants).
   */
  #deliver(from: number, bytes: Uint8Array, start: number, end: number): boolean {
    const { courier, directory } = this.host;
    const inbox = this.#inbox;
    const envelope = inbox.envelope;
    try {
      inbox.decodeEnvelope(bytes, start, end, this.#senders);
    } catch (error) {
      console.error(
        "ringmail: a record from another node could not be read:",
        error,
      );
      return true;
    }
    const sender = envelope.sender;
    const slot = envelope.targetSlot;
    const generation = envelope.targetGeneration;
    const tag = envelope.targetTag;
    // A call (its reply goes to a tagged address: a Bridge's, an ask's): the node of that
    // address is told if the actor loses its Worker with it. That node's watch of the actor, a
    // control message, may come later than this. The address is the sender's own node's, which
    // is not `from` when an actor there passed the call on (0: this node's, whose own loss
    // listeners hear of it).
    if (sender !== null && sender.tag !== 0 && sender.node !== 0) {
      this.host.calledFromAfar(
        slot,
        generation,
        sender.node,
        sender.slot,
        sender.generation,
        sender.tag,
      );
    }
    try {
      // Most records go straight into a live actor's ring: one copy, no ref made.
      if (courier.encoded.offer(slot, generation, sender, bytes, start, end)) {
        this.#lastOffered = true;
        return true;
      }
      this.#lastOffered = false;
      const target = new ActorRef(slot, generation, tag, courier);
      const record = bytes.subarray(start, end);
      // Decoded only when it will be a dead letter at once, for the report.
      const live = directory.liveMailbox(slot, generation) !== 0;
      const message = live || !inbox.decode(record, 0, record.length, this.#senders)
        ? undefined
        : inbox.message;
      inbox.message = undefined;
      return !courier.deliverEncoded(target, record, sender, message, from);
    } catch (error) {
      // The record came whole, and this node cannot take it: larger than its largest message,
      // or no room left in its shared memory. A dead letter here, and its credit goes back
      // (returning true): kept, it would shrink the window for good.
      this.#refused(
        bytes.subarray(start, end),
        new ActorRef(slot, generation, tag, courier),
        sender,
        error,
      );
      return true;
    }
  }

  /**
   * A batch from node `from`, which this node has found down (`down` says why): a node found down
   * stays down (its actors' watchers were told, its calls failed), so what it sends after it
   * thaws or is reachable again is refused, counted — its records begun in the batch — as one
   * dead letter. Its next ping is answered so, and it finds this node down too.
   */
  #refuseFromDown(data: Uint8Array, continues: boolean, from: number, down: string): void {
    const entries = this.#entries.reset(data);
    let begun = 0;
    let continuing = continues;
    try {
      while (entries.next()) {
        if (!continuing) begun++;
        continuing = entries.more;
      }
    } catch (error) {
      // Cut or corrupt past some entry (next() throws RangeError): what it read is refused, the
      // rest cannot be counted. Thrown on, it left take() and the subscription's callback.
      console.error("ringmail: a batch from a node found down was read only in part:", error);
    } finally {
      entries.reset(EMPTY_BATCH);
    }
    if (begun === 0) return;
    this.host.refused(
      from,
      begun,
      `this node found node ${from} down (${down}), and a node found down stays down`,
    );
  }

  /** `record`, for `target`, is one this node could not take, because of `error`: a dead letter. */
  #refused(
    record: Uint8Array,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    error: unknown,
  ): void {
    const courier = this.host.courier;
    courier.deadLetter({
      target,
      sender,
      message: courier.decodeRecord(record),
      kind: "lost-in-transit",
      reason: `it came from another node, and this node could not take it: ${messageOf(error)}`,
    });
  }

  /** Tells node `node` it has been granted `total` credit so far (see credits.ts). */
  #grant(node: number, total: number): void {
    const grant = new Uint8Array(8);
    const view = new DataView(grant.buffer);
    view.setUint32(0, this.host.node, true);
    view.setUint32(4, total, true);
    try {
      this.nc.publish(`${this.host.prefix}.${node}.credit`, grant);
    } catch (error) {
      // The connection is closing or lost: the next grant carries this one's total too.
      console.error(
        `ringmail: a credit grant to node ${node} was not sent: ${messageOf(error)}`,
      );
    }
  }
}
