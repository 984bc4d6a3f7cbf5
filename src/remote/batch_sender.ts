/**
 * The send side of the cluster link (see link.ts): drains the outbox (src/delivery/outbox.ts),
 * where every thread of the process puts its records for other nodes, into one batch per node
 * (wire.ts), and publishes the batches on `<prefix>.<node>`, within each node's credit
 * (credits.ts): records for a node out of credit are kept until it grants more, and once too
 * many are kept the outbox is no longer read. A record for a node that is down, or that the
 * NATS client refuses, becomes a dead letter.
 *
 * @module
 */

import { ActorRef, messageOf } from "../actor/mod.ts";
import { Inbox, nextTask, OUTBOX_HEAD_BYTES, outboxNode } from "../delivery/mod.ts";
import { CLOSED_AND_DRAINED, EMPTY, type Mailbox, SpinPolicy } from "../ring/mod.ts";
import type { Credits } from "./credits.ts";
import type { LinkHost } from "../system/cluster_link.ts";
import type { LinkFigures } from "./link_figures.ts";
import type { Peers } from "./peers.ts";
import { type NatsConnection, writeNow } from "./nats.ts";
import { BatchWriter, creditOf, ENTRY_HEAD_BYTES, HEAD_BYTES, readBatch } from "./wire.ts";
import { abortQuietly } from "../util/abort_quietly.ts";

/** A batch is published once it holds this many bytes (NATS's default max payload is 1 MiB). */
const FLUSH_BYTES = 60 * 1024;
/**
 * The largest piece of a record in one batch, on a server that takes it (see #readMaxPayload): a
 * larger record travels in pieces.
 */
const PIECE_BYTES = 256 * 1024;
/** NATS's max payload when the server has not said (not connected yet, or closed). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Records the pump takes before it lets the event loop run (and publishes what it has). */
const RECORDS_PER_TURN = 4096;
/**
 * The longest look for an answer after a quiet batch (see BatchSender.awaitAnswers), in outbox
 * checks (~100 µs). An answer from a Worker was in the outbox 30–90 µs after its request was
 * taken (a sequential call across processes, p10–p90); the pump's wake-up after it, through the
 * event loop, took ~40 µs more, as long as NATS's whole hop back.
 */
const ANSWER_SPINS = 16_000;

/** What a node sends to the others: the outbox, drained into batches. */
export class BatchSender {
  readonly #batches = new Map<number, BatchWriter>();
  /** The batch records were added to last, and its node: most records follow one to the same. */
  #lastBatch: BatchWriter | null = null;
  #lastBatchNode = -1;
  /** Reads the records that become dead letters, for the report. */
  readonly #inbox: Inbox;
  readonly #senders = { lastSender: null };
  readonly #idle = new AbortController();
  /** The node of the run of outbox records being taken (-1: none; see #take). */
  #runNode = -1;
  /** Why the run's node is down; undefined while it is not. */
  #runDown: string | undefined = undefined;
  /**
   * The most bytes a batch may take: the server's max payload, read as a run of records or a
   * grant begins. (After a reconnect to a server that takes less, a batch made for the last one
   * is refused by the client, see #flush, or by that server, which closes the connection: the
   * other node then counts its records lost.)
   */
  #maxPayload = DEFAULT_MAX_PAYLOAD;
  /** The most bytes of a record one entry holds, for {@link #maxPayload}. */
  #piece = PIECE_BYTES;
  /** How long a look for answers lasts (see {@link awaitAnswers}). */
  readonly #answerSpin = new SpinPolicy({ maxSpins: ANSWER_SPINS, minSpins: 0 });
  /** Whether a look for answers is queued (see {@link awaitAnswers}). */
  #awaitingAnswers = false;
  /** The nodes whose waiting records go in a microtask, after a refund (see #refund). */
  readonly #releasing = new Set<number>();
  /** Credit of the run's node left (at its start, less what the run's records spent). */
  #runCredit = 0;
  /** Credit the run's records that went spent: taken from the node's when the run ends. */
  #runSpent = 0;
  #closed = false;
  /** Whether a drain is queued in the microtasks (see kick). */
  #kicked = false;
  #pumping: Promise<void> = Promise.resolve();

  /**
   * @param nc the link's connection.
   * @param host the link's system.
   * @param peers the nodes the link talks to.
   * @param credits credit per node this node sends to (see credits.ts).
   * @param figures what goes over each link, counted.
   * @param riding the credit this node has granted a node so far, with what it owes it now: it
   *   rides in the head of each batch to that node (see Grants.riding).
   * @param resendGrant the batch that carried a node's grant was refused: it goes by itself.
   */
  constructor(
    readonly nc: NatsConnection,
    readonly host: LinkHost,
    readonly peers: Peers,
    readonly credits: Credits,
    readonly figures: LinkFigures,
    readonly riding: (node: number) => number,
    readonly resendGrant: (node: number) => void,
  ) {
    this.#inbox = new Inbox(host.courier);
  }

  /**
   * A record was just put into the outbox on this thread: it goes out in this turn's microtasks
   * (with any others put in meanwhile), not after a wake-up of the pump.
   */
  kick(): void {
    if (this.#kicked || this.#closed) return;
    this.#kicked = true;
    queueMicrotask(() => {
      this.#kicked = false;
      this.#drainOnce();
    });
  }

  /**
   * A quiet batch (a few records) went to actors on other threads of this process, and their
   * answers are likely soon: looks for them in the outbox a while, after this task's other
   * messages are taken, and sends what comes at once. A wake-up of the pump would take as long as
   * NATS's hop back. The spin learns: answers that do not come in time shrink it (see
   * SpinPolicy), so slow handlers cost the thread next to nothing.
   */
  awaitAnswers(): void {
    if (this.#awaitingAnswers || this.#closed) return;
    this.#awaitingAnswers = true;
    queueMicrotask(this.#lookForAnswers);
  }

  readonly #lookForAnswers = (): void => {
    this.#awaitingAnswers = false;
    if (this.#closed || this.credits.full) return;
    if (this.#answerSpin.spin(this.#outboxHasRecord)) this.#drainOnce();
  };

  readonly #outboxHasRecord = (): boolean => this.host.outbox.hasRecord();

  /** Starts draining the outbox. */
  start(): void {
    this.#pumping = this.#pump().catch((error) => {
      console.error("ringmail: the cluster link stopped sending:", error);
    });
  }

  /** Stops draining the outbox: the pump ends at its next look ({@link stopped}). */
  stop(): void {
    this.#closed = true;
    abortQuietly(this.#idle);
    this.credits.wake();
  }

  /** Settles once the pump has ended, after {@link stop}. */
  get stopped(): Promise<void> {
    return this.#pumping;
  }

  /**
   * This node's connection is lost: the records to every node it talks to are kept from now on
   * (see Credits.pause), each until it answers again (see {@link resume}).
   */
  pauseAll(): void {
    // Kept for an outage now, not only for a first answer (see Credits.pause).
    for (const { node } of this.peers.watched()) this.credits.pause(node);
  }

  /** Whether the records to `node` are kept until it answers (see {@link pauseAll}). */
  isPaused(node: number): boolean {
    return this.credits.isPaused(node);
  }

  /**
   * Whether the records to `node` are kept only until its first answer (see #beginRun), not
   * for an outage of this node's connection.
   */
  awaitsFirstAnswer(node: number): boolean {
    return this.credits.awaitsFirstAnswer(node);
  }

  /** Node `node` answered: if its records were kept (see {@link pauseAll}), they go now. */
  resume(node: number): void {
    if (!this.credits.isPaused(node)) return;
    this.credits.resume(node);
    if (this.#closed || this.credits.release(node, this.#addKept) === 0) return;
    this.#flush(node, this.#batches.get(node)!);
    writeNow(this.nc);
  }

  /**
   * This node leaves the cluster, the pump stopped and the outbox closed: what never left it —
   * records waiting for a node's credit (or its answer, see {@link pauseAll}), and those in the
   * outbox — is a dead letter each, kind "shutdown". @returns how many.
   */
  abandon(): number {
    let count = 0;
    for (const node of this.credits.waitingNodes()) {
      count += this.#dropKept(
        node,
        `this node shut down while it waited for node ${node}'s credit to send it`,
        "shutdown",
      );
    }
    const outbox = this.host.outbox;
    for (let length = outbox.read(); length >= 0; length = outbox.read()) {
      count++;
      const bytes = outbox.bytes;
      const start = outbox.recordStart;
      const node = outboxNode(bytes, start);
      this.#deadLetter(
        node,
        bytes.subarray(start + OUTBOX_HEAD_BYTES, start + length),
        `this node shut down before it sent it to node ${node}`,
        "shutdown",
      );
      outbox.release();
    }
    return count;
  }

  /**
   * Node `node` is down: the records kept for it, waiting for its credit, die with it, and so
   * does its batch — a node found down never gets another (its records become dead letters), and
   * nodes restart as new nodes: a long-lived node kept a 64 KiB batch for every node it ever sent
   * to, and flushed all of them at every drain. (It is empty: every drain publishes what it adds.)
   */
  nodeDown(node: number, reason: string): void {
    this.#dropKept(node, reason, "node-down");
    this.#batches.delete(node);
    if (this.#lastBatchNode === node) {
      this.#lastBatch = null;
      this.#lastBatchNode = -1;
    }
  }

  /** The records kept for `node` (see Credits.keep) become dead letters; returns how many. */
  #dropKept(node: number, reason: string, kind: "node-down" | "shutdown"): number {
    const records = this.credits.drop(node);
    for (const record of records) this.#deadLetter(node, record, reason, kind);
    return records.length;
  }

  async #pump(): Promise<void> {
    const outbox = this.host.outbox;
    while (!this.#closed) {
      const taken = this.#drainOnce();
      if (this.credits.full) {
        // Too much waits for credit: the outbox fills, and its senders meet a full mailbox.
        await this.credits.granted();
        continue;
      }
      if (taken === RECORDS_PER_TURN) {
        // A task, not a timer: a chained timer idled the pump ~2 ms a turn. The pause once paid:
        // it spared copies of records kept for a node out of credit, each a Uint8Array of its
        // own then (see credits.ts). Now it only slows a flood to another node; a main thread's
        // burst of sends is no slower with a task (measured).
        await nextTask();
        continue;
      }
      const length = outbox.read();
      if (length === CLOSED_AND_DRAINED) return;
      if (length === EMPTY) {
        await outbox.waitForRecordAsync({ signal: this.#idle.signal });
      }
    }
  }

  /** Takes what the outbox holds (a turn's worth at most) and publishes it; returns how many. */
  #drainOnce(): number {
    const outbox = this.host.outbox;
    let taken = 0;
    try {
      // Nothing more is read while too much waits for credit, however often the pump is kicked.
      if (!this.credits.full) {
        for (let length = outbox.read(); length >= 0; length = outbox.read()) {
          this.#take(outbox, length);
          if (++taken === RECORDS_PER_TURN || this.credits.full) break;
        }
      }
    } finally {
      this.#endRun();
      // The room of the run goes back at once, while its batches go out: a Worker that waited
      // for it writes the next run meanwhile.
      outbox.flush();
    }
    this.flushAll();
    // All there is for now is published: on the wire before whatever else waits in this turn.
    if (taken > 0) writeNow(this.nc);
    return taken;
  }

  /**
   * Takes one outbox record into its node's batch, or makes it a dead letter. Records to one
   * node mostly come in runs: whether the node is down, its credit and its batch are looked up
   * once a run (see #beginRun), not once a record.
   */
  #take(outbox: Mailbox, length: number): void {
    const bytes = outbox.bytes;
    const start = outbox.recordStart;
    const node = outboxNode(bytes, start);
    if (node !== this.#runNode) this.#beginRun(node);
    const down = this.#runDown;
    if (down !== undefined) {
      this.#deadLetter(
        node,
        bytes.subarray(start + OUTBOX_HEAD_BYTES, start + length),
        down,
      );
    } else if (this.#runCredit > 0) {
      const credit = creditOf(length - OUTBOX_HEAD_BYTES);
      this.#runCredit -= credit;
      this.#runSpent += credit;
      this.#add(node, bytes, start + OUTBOX_HEAD_BYTES, start + length);
    } else {
      this.peers.watch(node);
      this.credits.keep(node, bytes, start + OUTBOX_HEAD_BYTES, start + length);
    }
    outbox.releaseInRun();
  }

  /**
   * A run of records to `node` begins (the last one ends). Nothing changes a node's state while
   * a drain runs: grants and downs come in other tasks.
   */
  #beginRun(node: number): void {
    this.#endRun();
    this.#runNode = node;
    this.#runDown = this.peers.downReason(node);
    // A node first sent to while the connection is lost waits for its answer, as those known
    // then do (see pauseAll): what the client publishes meanwhile goes out at the reconnect,
    // maybe before that node has subscribed again, and is dropped.
    if (this.peers.offline && this.#runDown === undefined) this.credits.pause(node);
    // A node that has not shown it is there yet (a ref to it came in a message, or from a name)
    // may have ended before this node met it: NATS drops what is published for nobody, so its
    // records wait for its first answer, and become "node-down" dead letters if nobody answers
    // for it (see Peers).
    else if (
      this.#runDown === undefined && !this.peers.hasShownLife(node) &&
      !this.credits.isPaused(node)
    ) {
      this.credits.pause(node, false);
      this.peers.watch(node);
    }
    this.#runCredit = this.credits.available(node);
    this.#readMaxPayload();
  }

  /**
   * Reads the server's max payload: a batch never grows past it (the client would refuse to
   * publish it), so a record that does not fit one entry of an empty batch goes in pieces.
   */
  #readMaxPayload(): void {
    const maxPayload = this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    this.#maxPayload = maxPayload;
    this.#piece = Math.min(PIECE_BYTES, Math.max(1, maxPayload - HEAD_BYTES - ENTRY_HEAD_BYTES));
  }

  /** The run of records ends: the credit it used is spent. */
  #endRun(): void {
    if (this.#runSpent > 0) this.credits.spend(this.#runNode, this.#runSpent);
    this.#runNode = -1;
    this.#runSpent = 0;
    this.#runCredit = 0;
    this.#runDown = undefined;
  }

  /** Adds a record that waited for its node's credit to the node's batch (see {@link granted}). */
  readonly #addKept = (node: number, bytes: Uint8Array, start: number, end: number): void =>
    this.#add(node, bytes, start, end);

  /** Adds the record `bytes[start, end)` to `node`'s batch, in pieces if it is large. */
  #add(node: number, bytes: Uint8Array, start: number, end: number): void {
    let batch = this.#lastBatch;
    if (batch === null || this.#lastBatchNode !== node) {
      batch = this.#batches.get(node) ?? null;
      if (batch === null) {
        this.#batches.set(node, batch = new BatchWriter(this.host.node));
        this.peers.watch(node);
      }
      this.#lastBatch = batch;
      this.#lastBatchNode = node;
    }
    const piece = this.#piece;
    // The record (or its first piece) does not fit what the batch holds: the batch goes first.
    if (
      batch.count > 0 &&
      batch.size + ENTRY_HEAD_BYTES + Math.min(end - start, piece) > this.#maxPayload
    ) {
      this.#flush(node, batch);
    }
    let from = start;
    // A large record goes in pieces, one a batch, in order (see wire.ts).
    while (end - from > piece) {
      batch.add(bytes, from, from + piece, true, from !== start);
      from += piece;
      const refused = this.#flush(node, batch);
      if (refused !== null) {
        // Refused: the rest would go on with a piece the node never gets. It stays here, and
        // its credit comes back (that of the refused piece came back with its batch).
        this.#refund(node, creditOf(end - from));
        // Nothing of it went: it is this node's to report. (Pieces that went are the other
        // node's: it counts the record lost when the next batch does not go on with it.)
        if (from - piece === start) {
          this.#deadLetter(node, bytes.subarray(start, end), refused, "lost-in-transit");
        }
        return;
      }
    }
    batch.add(bytes, from, end, false, from !== start);
    if (batch.size >= FLUSH_BYTES) this.#flush(node, batch);
  }

  /** A grant that came by itself (see credits.ts): what waited for it goes. */
  credited(data: Uint8Array): void {
    if (data.length < 8) return;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.granted(view.getUint32(0, true), view.getUint32(4, true));
  }

  /**
   * Node `node` has granted `total` credit so far (by itself, or in a batch's head): what waited
   * for it goes.
   */
  granted(node: number, total: number): void {
    // Nothing goes to a node found down, and what it had is forgotten (see Credits.drop): a grant
    // it sent as it left (answering a ping after its leaving notice) or after it thawed would
    // make its credit again, kept for good, for a node that never comes back.
    if (this.peers.downReason(node) !== undefined) return;
    this.#readMaxPayload();
    if (this.credits.grant(node, total, this.#addKept) === 0) return;
    this.#flush(node, this.#batches.get(node)!);
  }

  /** @internal How many entries its maps hold (tests: what stays per node that left). */
  sizes(): Record<string, number> {
    return {
      batches: this.#batches.size,
      releasing: this.#releasing.size,
      ...this.credits.sizes(),
    };
  }

  /** Publishes every node's batch as it stands. */
  flushAll(): void {
    for (const [node, batch] of this.#batches) this.#flush(node, batch);
  }

  /**
   * Publishes `batch` to `node`. @returns null, or why the NATS client refused it (closed, or a
   * server that now takes less): then it is as if it had never been made — the link's counts and
   * credit are as before it, so the other node sees no gap — and each record it held whole is a
   * dead letter here, the only report of it. A record it held a piece of is reported once too: by
   * the other node when it had pieces of it already (the next batch does not go on with it),
   * else by {@link #add}.
   */
  #flush(node: number, batch: BatchWriter): string | null {
    const count = batch.count;
    if (count === 0) return null;
    // Entries and records sent to the node so far (the batch's head), and their credit.
    const counts = this.figures.of(node);
    const credit = batch.credit;
    const begun = batch.begun;
    const midRecord = batch.endsInPiece;
    const bytes = batch.take({
      sequence: counts.recordsSent,
      begun: counts.begunSent,
      credit: counts.creditSent,
      granted: this.riding(node),
    });
    try {
      this.nc.publish(`${this.host.prefix}.${node}`, bytes);
    } catch (error) {
      const reason = `the NATS connection refused to send it: ${messageOf(error)}`;
      this.#refund(node, credit);
      this.resendGrant(node);
      const refused = readBatch(bytes);
      // A record whose earlier pieces went is given up with this batch (the next does not go on
      // with it): no record is in the middle of going any more, so the next ping lets the other
      // node count it even if nothing follows.
      if (refused.continues) counts.midRecord = false;
      // A first entry that goes on with a record is a piece of it, not a record; so is a last
      // one that the next entry would go on with.
      let pieces = refused.continues;
      refused.forEach((record, more) => {
        if (!pieces && !more) {
          this.#deadLetter(node, record, reason, "lost-in-transit");
        }
        pieces = more;
      });
      return reason;
    }
    counts.batchesSent++;
    counts.midRecord = midRecord;
    counts.recordsSent += count;
    counts.begunSent = (counts.begunSent + begun) >>> 0;
    counts.creditSent = (counts.creditSent + credit) >>> 0;
    counts.bytesSent += bytes.length;
    return null;
  }

  /**
   * Credit spent on records to `node` that never left comes back; records that wait for it go
   * in a microtask, as after a grant (not from inside the send that was refused).
   */
  #refund(node: number, credit: number): void {
    this.credits.refund(node, credit);
    if (this.credits.waiting(node) === 0 || this.#releasing.has(node)) return;
    this.#releasing.add(node);
    queueMicrotask(() => {
      this.#releasing.delete(node);
      if (this.#closed || this.credits.release(node, this.#addKept) === 0) return;
      this.#flush(node, this.#batches.get(node)!);
      writeNow(this.nc);
    });
  }

  /** A record for a node that is down: a dead letter (its sender, if waiting, is told). */
  #deadLetter(
    node: number,
    record: Uint8Array,
    reason: string,
    kind: "node-down" | "lost-in-transit" | "shutdown" = "node-down",
  ): void {
    const inbox = this.#inbox;
    try {
      inbox.decodeEnvelope(record, 0, record.length, this.#senders);
    } catch (error) {
      // Its target cannot be read: the envelope would still name the record read before it.
      console.error(
        `ringmail: a record for node ${node} was lost (${reason}) and cannot be read to report it:`,
        error,
      );
      return;
    }
    const envelope = inbox.envelope;
    const target = new ActorRef(
      envelope.targetSlot,
      envelope.targetGeneration,
      envelope.targetTag,
      this.host.courier,
      node,
    );
    const sender = envelope.sender;
    const decoded = inbox.decode(record, 0, record.length, this.#senders);
    this.host.courier.deadLetter({
      target,
      sender,
      message: decoded ? inbox.message : undefined,
      kind,
      reason,
    });
    inbox.message = undefined;
  }
}
