/**
 * The cluster link: this node's one NATS connection, on the system's own thread. It
 *
 * - drains the outbox (src/delivery/outbox.ts), where every thread of the process puts its
 *   records for other nodes, and publishes them in batches, one subject per node
 *   (`<prefix>.<node>`: one subscription per node, not per actor);
 * - takes the batches other nodes publish to it and puts each record into its target's mailbox
 *   as it came, without decoding it (the courier's policy and backlogs apply, as to any send);
 * - answers pings (`<prefix>.<node>.ping`) and watches the nodes it talks to (see Peers): a node
 *   that goes down fails the calls waiting on it, and what is sent to it becomes dead letters
 *   of kind "node-down";
 * - counts what goes over each link (see link_figures.ts) and answers the NATS services
 *   protocol's discovery (see service.ts);
 * - registers and looks up named actors (see names.ts).
 *
 * @module
 */

import { ActorRef, messageOf } from "../actor/mod.ts";
import { ActorDeadError } from "../system/errors.ts";
import { RemoteSpawnFailed } from "../system/control.ts";
import { decode, encode } from "../codec/mod.ts";
import {
  type Directory,
  Inbox,
  OUTBOX_HEAD_BYTES,
  outboxNode,
  type SystemCourier,
} from "../delivery/mod.ts";
import { CLOSED_AND_DRAINED, EMPTY, type Mailbox } from "../ring/mod.ts";
import { type Batch, BatchEntries, BatchWriter, readBatch } from "./wire.ts";
import { Credits, Grants } from "./credits.ts";
import type { ClusterStatus } from "../system/options.ts";
import { LinkFigures } from "./link_figures.ts";
import { NodeService } from "./service.ts";
import { Peers, type PeerTiming, type PingResult } from "./peers.ts";
import { type Names, openKvNames, SubjectNames } from "./names.ts";
import {
  isNoResponders,
  type Msg,
  type NatsConnection,
  onMessage,
  type Subscription,
  writeNow,
} from "./nats.ts";

/** What the link needs of its system. */
export interface LinkHost {
  /** This node's id. */
  readonly node: number;
  /** The cluster's name. */
  readonly cluster: string;
  /** The cluster's subject prefix. */
  readonly prefix: string;
  /** The system thread's courier. */
  readonly courier: SystemCourier;
  readonly directory: Directory;
  /** The system thread's handle on the outbox, bound to its doorbell. */
  readonly outbox: Mailbox;
  /** The system's guardian: where control messages from other nodes go. */
  readonly guardian: ActorRef<unknown>;
  /** Starts an actor here for another node (see RemoteSpawn); resolves to the answer to send. */
  spawnHere(request: unknown): Promise<unknown>;
  /** `count` records from node `from` were lost on the way (a gap in its sequence numbers). */
  lost(from: number, count: number): void;
}

/** A batch is published once it holds this many bytes (NATS's default max payload is 1 MiB). */
const FLUSH_BYTES = 60 * 1024;
/** The largest piece of a record in one batch: a larger record travels in pieces. */
const PIECE_BYTES = 256 * 1024;
/** What the batch reader holds between batches: nothing of the last one. */
const EMPTY_BATCH = new Uint8Array(0);
/** Records the pump takes before it lets the event loop run (and publishes what it has). */
const RECORDS_PER_TURN = 4096;

/** One node's link to its cluster. */
export class ClusterLink {
  readonly peers: Peers;
  /** The cluster's names (see names.ts); set by {@link start}. */
  names!: Names;
  readonly #nc: NatsConnection;
  readonly #host: LinkHost;
  readonly #batches = new Map<number, BatchWriter>();
  /** The batch records were added to last, and its node: most records follow one to the same. */
  #lastBatch: BatchWriter | null = null;
  #lastBatchNode = -1;
  /** Records received from each node so far: the sequence number its next batch should have. */
  readonly #received = new Map<number, number>();
  /** The pieces of a record still coming from each node (see wire.ts). */
  readonly #pieces = new Map<number, Uint8Array[]>();
  readonly #subscriptions: Subscription[] = [];
  readonly #inbox: Inbox;
  /** Reads the entries of the batch being taken. */
  readonly #entries = new BatchEntries();
  readonly #senders = { lastSender: null };
  readonly #idle = new AbortController();
  /** Credit per node this node sends to (see credits.ts). */
  readonly #credits = new Credits();
  /** Credit this node owes the nodes that send to it. */
  readonly #grants: Grants;
  readonly #figures: LinkFigures;
  readonly #service: NodeService;
  /** The node of the run of outbox records being taken (-1: none; see #take). */
  #runNode = -1;
  /** Why the run's node is down; undefined while it is not. */
  #runDown: string | undefined = undefined;
  /** Records of the run that may still go at once (its node's credit at its start, less those). */
  #runCredit = 0;
  /** Records of the run that went: their credit is spent when it ends. */
  #runSpent = 0;
  #closed = false;
  /** Whether a drain is queued in the microtasks (see kick). */
  #kicked = false;
  #pumping: Promise<void> = Promise.resolve();

  constructor(nc: NatsConnection, host: LinkHost, timing: PeerTiming) {
    this.#nc = nc;
    this.#host = host;
    this.#inbox = new Inbox(host.courier);
    this.peers = new Peers(
      timing,
      (node, timeoutMs) => this.#ping(node, timeoutMs),
    );
    this.#figures = new LinkFigures(this.peers, this.#credits);
    // Records kept for a node waiting for its credit die with it, as dead letters.
    this.peers.onDown((node, reason) => {
      for (const record of this.#credits.drop(node)) {
        this.#deadLetter(node, record, reason);
      }
      this.#grants.forget(node);
    });
    this.#grants = new Grants((node, count) => this.#grant(node, count));
    host.courier.leftBacklog = (node) => {
      if (this.peers.downReason(node) === undefined) this.#grants.handed(node, 1);
    };
    const here = `${host.prefix}.${host.node}`;
    this.#service = new NodeService(nc, {
      cluster: host.cluster,
      node: host.node,
      statusSubject: `${here}.status`,
      status: () => this.status(),
    });
    this.#subscriptions.push(
      nc.subscribe(here, {
        callback: onMessage((msg) => this.#takeBatch(msg.data)),
      }),
      nc.subscribe(`${here}.ping`, {
        callback: onMessage((msg) => msg.respond()),
      }),
      nc.subscribe(`${here}.ctl`, {
        callback: onMessage((msg) => this.#controlled(msg.data)),
      }),
      nc.subscribe(`${here}.spawn`, {
        callback: onMessage((msg) => this.#spawnHere(msg)),
      }),
      nc.subscribe(`${here}.credit`, {
        callback: onMessage((msg) => this.#credited(msg.data)),
      }),
    );
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

  /** What this node knows of its links to other nodes (see ActorSystem.clusterStatus). */
  status(): ClusterStatus {
    return this.#figures.status(this.#host.node);
  }

  /**
   * Starts draining the outbox, once the server knows this node's subscriptions, with the
   * cluster's names in a KV bucket when the server has JetStream (exclusive), else answered by
   * subscriptions (see names.ts).
   */
  async start(): Promise<void> {
    const ping = (node: number) => this.#ping(node, this.peers.timing.downAfterMs);
    this.names = await openKvNames(this.#nc, this.#host, ping) ??
      new SubjectNames(this.#nc, this.#host);
    await this.#nc.flush();
    this.#pumping = this.#pump().catch((error) => {
      console.error("ringmail: the cluster link stopped sending:", error);
    });
  }

  /**
   * Sends a control message (one of the guardians' own) to node `node`'s guardian: refs inside
   * it name this node's actors with this node's id.
   */
  control(node: number, message: unknown): void {
    this.peers.watch(node);
    this.#nc.publish(
      `${this.#host.prefix}.${node}.ctl`,
      encode(message, this.#host.courier),
    );
  }

  /**
   * Asks node `node` to start an actor (`request`, a RemoteSpawn): resolves to its answer.
   * @throws {ActorDeadError} when nobody answers for the node.
   */
  async spawnThere(
    node: number,
    request: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    const courier = this.#host.courier;
    try {
      const reply = await this.#nc.request(
        `${this.#host.prefix}.${node}.spawn`,
        encode(request, courier),
        { timeout: timeoutMs },
      );
      this.peers.watch(node);
      return decode(reply.data, courier);
    } catch (error) {
      if (isNoResponders(error)) {
        throw new ActorDeadError(
          `cannot spawn on node ${node}: it is not in this cluster (down?)`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  async #spawnHere(msg: Msg): Promise<void> {
    const courier = this.#host.courier;
    let answer: unknown;
    try {
      answer = await this.#host.spawnHere(decode(msg.data, courier));
    } catch (error) {
      answer = new RemoteSpawnFailed(messageOf(error));
    }
    msg.respond(encode(answer, courier));
  }

  /** A control message from another node: to this node's guardian. */
  #controlled(data: Uint8Array): void {
    let message: unknown;
    try {
      message = decode(data, this.#host.courier);
    } catch (error) {
      console.error(
        "ringmail: a control message from another node was refused:",
        error,
      );
      return;
    }
    this.#host.courier.deliver(this.#host.guardian, message, null);
  }

  /** Stops: publishes what is left, drops the subscriptions, stops pinging. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle.abort();
    this.#credits.wake();
    this.#grants.close();
    this.#host.courier.leftBacklog = null;
    await this.#pumping;
    this.#flushAll();
    this.peers.close();
    this.#figures.close();
    this.#service.close();
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    await this.names.close();
    // Drained: what was published reaches the server before the connection closes.
    await this.#nc.drain();
  }

  async #pump(): Promise<void> {
    const outbox = this.#host.outbox;
    while (!this.#closed) {
      const taken = this.#drainOnce();
      if (this.#credits.full) {
        // Too much waits for credit: the outbox fills, and its senders meet a full mailbox.
        await this.#credits.granted();
        continue;
      }
      if (taken === RECORDS_PER_TURN) {
        // A timer, not a task: the ~1–2 ms a chained timer waits lets what waits for room in the
        // outbox (a main thread's burst of sends) fill it again, so each turn publishes full
        // batches. Yielding with a task made such a burst to another node ~2× slower (measured).
        await new Promise((resolve) => setTimeout(resolve, 0));
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
    const outbox = this.#host.outbox;
    let taken = 0;
    try {
      for (let length = outbox.read(); length >= 0; length = outbox.read()) {
        this.#take(outbox, length);
        if (++taken === RECORDS_PER_TURN || this.#credits.full) break;
      }
    } finally {
      this.#endRun();
    }
    this.#flushAll();
    // All there is for now is published: on the wire before whatever else waits in this turn.
    if (taken > 0) writeNow(this.#nc);
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
      this.#runCredit--;
      this.#runSpent++;
      this.#add(node, bytes, start + OUTBOX_HEAD_BYTES, start + length);
    } else {
      this.peers.watch(node);
      this.#credits.keep(
        node,
        bytes.slice(start + OUTBOX_HEAD_BYTES, start + length),
      );
    }
    outbox.release();
  }

  /**
   * A run of records to `node` begins (the last one ends). Nothing changes a node's state while
   * a drain runs: grants and downs come in other tasks.
   */
  #beginRun(node: number): void {
    this.#endRun();
    this.#runNode = node;
    this.#runDown = this.peers.downReason(node);
    this.#runCredit = this.#credits.available(node);
  }

  /** The run of records ends: the credit it used is spent. */
  #endRun(): void {
    if (this.#runSpent > 0) this.#credits.spend(this.#runNode, this.#runSpent);
    this.#runNode = -1;
    this.#runSpent = 0;
    this.#runCredit = 0;
    this.#runDown = undefined;
  }

  /** Adds the record `bytes[start, end)` to `node`'s batch, in pieces if it is large. */
  #add(node: number, bytes: Uint8Array, start: number, end: number): void {
    let batch = this.#lastBatch;
    if (batch === null || this.#lastBatchNode !== node) {
      batch = this.#batches.get(node) ?? null;
      if (batch === null) {
        this.#batches.set(node, batch = new BatchWriter(this.#host.node));
        this.peers.watch(node);
      }
      this.#lastBatch = batch;
      this.#lastBatchNode = node;
    }
    let from = start;
    // A large record goes in pieces, one a batch, in order (see wire.ts).
    while (end - from > PIECE_BYTES) {
      batch.add(bytes, from, from + PIECE_BYTES, true);
      from += PIECE_BYTES;
      this.#flush(node, batch);
    }
    batch.add(bytes, from, end);
    if (batch.size >= FLUSH_BYTES) this.#flush(node, batch);
  }

  /** A node granted credit: what waited for it goes. */
  #credited(data: Uint8Array): void {
    if (data.length < 8) return;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const node = view.getUint32(0, true);
    const ready = this.#credits.grant(node, view.getUint32(4, true));
    for (const record of ready) this.#add(node, record, 0, record.length);
    const batch = this.#batches.get(node);
    if (batch !== undefined) this.#flush(node, batch);
  }

  /** Tells node `node` it has been granted `total` records so far (see credits.ts). */
  #grant(node: number, total: number): void {
    const grant = new Uint8Array(8);
    const view = new DataView(grant.buffer);
    view.setUint32(0, this.#host.node, true);
    view.setUint32(4, total, true);
    try {
      this.#nc.publish(`${this.#host.prefix}.${node}.credit`, grant);
    } catch (error) {
      // The connection is closing or lost: the next grant carries this one's total too.
      console.error(
        `ringmail: a credit grant to node ${node} was not sent: ${messageOf(error)}`,
      );
    }
  }

  #flushAll(): void {
    for (const [node, batch] of this.#batches) this.#flush(node, batch);
  }

  #flush(node: number, batch: BatchWriter): void {
    const count = batch.count;
    if (count === 0) return;
    // Records sent to the node so far: the batch's first sequence number.
    const counts = this.#figures.of(node);
    const bytes = batch.take(counts.recordsSent);
    counts.batchesSent++;
    counts.recordsSent += count;
    counts.bytesSent += bytes.length;
    try {
      this.#nc.publish(`${this.#host.prefix}.${node}`, bytes);
    } catch (error) {
      // Refused by the client (closed, or too large): each of its records is a dead letter,
      // and the link goes on with the next.
      const reason = `the NATS connection refused to send it: ${messageOf(error)}`;
      let pieces = false;
      readBatch(bytes).forEach((record, more) => {
        if (!pieces && !more) {
          this.#deadLetter(node, record, reason, "lost-in-transit");
        }
        pieces = more;
      });
    }
  }

  /** A batch from another node: each record into its target's mailbox. */
  #takeBatch(data: Uint8Array): void {
    let batch: Batch;
    try {
      batch = readBatch(data);
    } catch (error) {
      console.error("ringmail: a batch from another node was refused:", error);
      return;
    }
    const from = batch.from;
    this.peers.watch(from);
    const expected = this.#received.get(from) ?? 0;
    // Sequence numbers wrap at 2^32: the gap is their difference, as unsigned 32 bits.
    const gap = (batch.sequence - expected) >>> 0;
    if (gap !== 0 && gap < 0x8000_0000) {
      this.#host.lost(from, gap);
      // Their credit was spent: granted back, as if they had been handed on.
      this.#grants.handed(from, gap);
      // A record whose pieces were cut by the gap cannot be whole any more.
      this.#pieces.delete(from);
    }
    let count = 0;
    // Records put into their mailboxes, or made dead letters: those that wait for room in a
    // backlog are granted as they leave it (see Grants).
    let handed = 0;
    const entries = this.#entries.reset(data);
    try {
      while (entries.next()) {
        count++;
        if (!entries.more && !this.#pieces.has(from)) {
          // A whole record (most are): read where it stands in the batch.
          if (this.#deliver(from, data, entries.start, entries.end)) handed++;
          continue;
        }
        const record = this.#assemble(
          from,
          data.subarray(entries.start, entries.end),
          entries.more,
        );
        if (record === null) continue;
        if (this.#deliver(from, record, 0, record.length)) handed++;
      }
    } catch (error) {
      // The rest of the batch is not taken: the next batch's sequence number shows it as lost.
      console.error("ringmail: a batch from another node was taken only in part:", error);
    } finally {
      entries.reset(EMPTY_BATCH);
    }
    this.#received.set(from, (batch.sequence + count) >>> 0);
    const counts = this.#figures.of(from);
    counts.batchesReceived++;
    counts.recordsReceived += count;
    counts.bytesReceived += data.length;
    if (handed > 0) this.#grants.handed(from, handed);
  }

  /**
   * Joins the pieces of a record from node `from`: the whole record once its last piece came,
   * null while more are to come.
   */
  #assemble(from: number, entry: Uint8Array, more: boolean): Uint8Array | null {
    const pieces = this.#pieces.get(from);
    if (pieces === undefined && !more) return entry;
    if (pieces === undefined) {
      this.#pieces.set(from, [entry.slice()]);
      return null;
    }
    pieces.push(entry.slice());
    if (more) return null;
    this.#pieces.delete(from);
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
    const { courier, directory } = this.#host;
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
    // Most records go straight into a live actor's ring: one copy, no ref made.
    if (courier.offerEncoded(slot, generation, sender, bytes, start, end)) return true;
    const target = new ActorRef(slot, generation, envelope.targetTag, courier);
    const record = bytes.subarray(start, end);
    // Decoded only when it will be a dead letter at once, for the report.
    const live = directory.liveMailbox(slot, generation) !== 0;
    const message = live || !inbox.decode(record, 0, record.length, this.#senders)
      ? undefined
      : inbox.message;
    inbox.message = undefined;
    return !courier.deliverEncoded(target, record, sender, message, from);
  }

  /** A record for a node that is down: a dead letter (its sender, if waiting, is told). */
  #deadLetter(
    node: number,
    record: Uint8Array,
    reason: string,
    kind: "node-down" | "lost-in-transit" = "node-down",
  ): void {
    const inbox = this.#inbox;
    const decoded = inbox.decode(record, 0, record.length, this.#senders);
    const envelope = inbox.envelope;
    const target = new ActorRef(
      envelope.targetSlot,
      envelope.targetGeneration,
      envelope.targetTag,
      this.#host.courier,
      node,
    );
    this.#host.courier.deadLetter({
      target,
      sender: envelope.sender,
      message: decoded ? inbox.message : undefined,
      kind,
      reason,
    });
    inbox.message = undefined;
  }

  async #ping(node: number, timeoutMs: number): Promise<PingResult> {
    try {
      await this.#nc.request(`${this.#host.prefix}.${node}.ping`, undefined, {
        timeout: timeoutMs,
      });
      return "answered";
    } catch (error) {
      return isNoResponders(error) ? "nobody" : "silent";
    }
  }
}
