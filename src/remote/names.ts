/**
 * Names across a cluster (`system.register`, `system.lookup`), two ways:
 *
 * - **A KV bucket** (`ringmail_<cluster>_names`), when the NATS server has JetStream: a name is
 *   taken by an atomic create, so two nodes registering one name at the same instant cannot both
 *   have it. A name held by a node that is down (it answers no ping, or this node found it down:
 *   a frozen node that resumed is a dead incarnation here, answering or not) is free: not found,
 *   and taken over atomically, by revision; a node gives its names up when it leaves, and a name
 *   up when its actor ends (one of its own actors that ended is free at once for this node, by
 *   revision too).
 * - **Subscriptions**, when it has not: the node holding a name answers on
 *   `<prefix>.name.<hex of the name>`; a node that ends takes its names with it, an actor that
 *   ends its own. Two nodes
 *   registering one name at the same instant may both succeed.
 *
 * A node that another found down (frozen, or cut off, longer than its downAfterMs; see
 * Peers.foundDownBy) is a dead incarnation there: it gives its names up and registers none
 * (NodeFoundDownError), and names held on a node found down here are dead here (not found, free).
 * Without JetStream a question about a name says who asks (`Ringmail-From`), and a holder tells a
 * node it found down so, as its spawns are told.
 *
 * Keys and subjects are the name's UTF-8 bytes in hex, so any name is allowed that is well-formed
 * Unicode and at most MAX_NAME_BYTES of UTF-8.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import { decode, encode } from "../codec/mod.ts";
import type { SystemCourier } from "../delivery/mod.ts";
import { RingmailError } from "../errors.ts";
import { messageOf } from "../actor/mod.ts";
import {
  ClusterUnavailableError,
  NameNotFoundError,
  NameTakenError,
  NodeFoundDownError,
} from "./errors.ts";
import {
  flushWithin,
  foundDownHeaders,
  fromHeaders,
  fromNode,
  isFoundDown,
  isNoResponders,
  type KV,
  Kvm,
  type Msg,
  type NatsConnection,
  onMessage,
  type Subscription,
} from "./nats.ts";
import type { Peers, PingResult } from "./peers.ts";

/** How many times a register reads and writes a name's entry that changes under it. */
const WRITE_ATTEMPTS = 4;
/** How long a register waits for the server to know of the name's subscription. */
const REGISTER_FLUSH_MS = 5_000;

/** How long after a release of an ended actor's name failed it is tried again (then doubling). */
const RELEASE_RETRY_MS = 500;
/** The longest wait between two tries of a release (see RELEASE_RETRY_MS). */
const RELEASE_RETRY_MAX_MS = 10_000;

/** What names need of their node. */
export interface NamesHost {
  /** This node's id. */
  readonly node: number;
  /** The cluster's subject prefix, `ringmail.<cluster>`. */
  readonly prefix: string;
  /** The system thread's courier: refs are written and read through it. */
  readonly courier: SystemCourier;
  /**
   * Whether the actor `ref` names, one of this node's (`node` 0), is starting or running: the
   * name of one that ended is free, and found no more.
   */
  running(ref: ActorRef<unknown>): boolean;
}

/** The cluster's names, as one node sees them. */
export interface Names {
  /** Names `ref` `name`. @throws {NameTakenError} when another actor has it. */
  register(name: string, ref: ActorRef<unknown>): Promise<void>;
  /** Gives the name up if this node holds it for `ref` (whose actor ended), not for another. */
  release(name: string, ref: ActorRef<unknown>): Promise<void>;
  /** The actor named `name`. @throws {NameNotFoundError} when there is none. */
  lookup(name: string, timeoutMs: number): Promise<ActorRef<unknown>>;
  /** @internal How many entries its maps hold (tests: nothing grows with names used). */
  sizes(): Record<string, number>;
  /**
   * Another node found this one down (see Peers.foundDown): its names go, as they would with a
   * restart, since they point at actors dead to that node. Registers are refused from now on.
   */
  foundDown(): void;
  /**
   * This node leaves: its names go with it. `reachable`: whether the server can be asked to give
   * them up now; if not, they stay registered until another node takes one over (a name whose
   * holder is down is free), and a warning says so.
   */
  close(reachable: boolean): Promise<void>;
}

/**
 * The most UTF-8 bytes a name may have. Its hex doubles them, and the subject that carries it
 * (a KV get names the bucket twice) must fit the NATS server's control line, 4 KiB by default:
 * a longer one makes the server close this node's connection, which cuts the node off (the other
 * nodes find it down, for good).
 */
export const MAX_NAME_BYTES = 1024;

/** A name as a subject token or KV key: its UTF-8 bytes in hex. */
function hexOf(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(
      `an actor's name in the cluster is a non-empty string, got ${String(name)}`,
    );
  }
  // A lone surrogate has no UTF-8: the encoder would write U+FFFD for it, and two different
  // names would be one key.
  if (!name.isWellFormed()) {
    throw new TypeError(
      `an actor's name in the cluster must be well-formed Unicode: ${JSON.stringify(name)} has a ` +
        `lone surrogate (half of a UTF-16 pair)`,
    );
  }
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > MAX_NAME_BYTES) {
    throw new RangeError(
      `an actor's name in the cluster takes at most ${MAX_NAME_BYTES} bytes of UTF-8, got one of ` +
        `${bytes.length} (${JSON.stringify(name.slice(0, 40))}…): choose a shorter name`,
    );
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function taken(name: string): NameTakenError {
  return new NameTakenError(
    `the name ${JSON.stringify(name)} is taken in this cluster already: stop the actor that has ` +
      `it first (a name is given up when its actor ends, or its node leaves), or choose another`,
  );
}

function notFound(name: string, cause?: unknown): NameNotFoundError {
  return new NameNotFoundError(
    `no actor is named ${JSON.stringify(name)} in this cluster: register it first ` +
      `(system.register(name, ref)) on the node it lives on`,
    { cause },
  );
}

/**
 * Refuses a register of `name` once another node has found this one down.
 * @throws {NodeFoundDownError} then.
 */
function refuseIfFoundDown(peers: Peers, name: string): void {
  const reason = peers.foundDown;
  if (reason === undefined) return;
  throw new NodeFoundDownError(
    `cannot register ${JSON.stringify(name)}: ${reason}. This node is a dead incarnation to it, ` +
      `and a name it took would point that node at an actor dead to it: restart this node (it ` +
      `joins as a new node) to register names again`,
  );
}

/** Says that node `node`, found down, could not give a name up (see Names.foundDown). */
function warnNotGivenUp(node: number, error: unknown): void {
  console.warn(
    `ringmail: node ${node}, which another node found down, could not give up a name it held ` +
      `(${messageOf(error)}); the nodes that found it down take the name for free all the same`,
  );
}

/**
 * Runs `request`, a question to the cluster about a name (what `what` says); an error of the
 * NATS client (no answer in time, a connection closed) becomes a ClusterUnavailableError, while
 * ringmail's own answers (taken, not found, a bad name) pass as they are.
 */
async function asking<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (
      error instanceof RingmailError || error instanceof TypeError || error instanceof RangeError
    ) throw error;
    throw new ClusterUnavailableError(
      `could not ${what}: the cluster did not answer (${messageOf(error)}). The NATS server may ` +
        `be stopped or restarting, this node reconnecting, or the node that holds the name ` +
        `frozen or cut off: retry later`,
      { cause: error },
    );
  }
}

/**
 * Names in the cluster's KV bucket, or null when the server has no JetStream.
 * @param peers what this node knows of the others: a holder on a node it found down is dead here.
 * @param ping whether a node answers (a holder that does not is down: its names are free).
 * @param gone whether node `node` is gone: this node has found it down, or, never met, nobody
 * answers for it (its process ended, maybe before this one started).
 */
export async function openKvNames(
  nc: NatsConnection,
  host: NamesHost,
  peers: Peers,
  ping: (node: number) => Promise<PingResult>,
  gone: (node: number) => Promise<boolean>,
): Promise<Names | null> {
  const bucket = `${host.prefix.replaceAll(".", "_")}_names`;
  const kvm = new Kvm(nc);
  for (let attempt = 1;; attempt++) {
    try {
      // Idempotent: a bucket made already, with this configuration, is opened.
      const kv = await kvm.create(bucket, { history: 1 });
      return new KvNames(kv, host, peers, ping, gone);
    } catch (error) {
      if (
        (error as Error)?.name === "JetStreamNotEnabled" || isNoResponders(error)
      ) return null;
      // Two nodes that make the bucket at the same moment: the server may refuse one's stream as
      // overlapping the other's, being made (seen with a server just started). Made now, it opens.
      if (attempt < KV_CREATE_ATTEMPTS && /subjects overlap/.test(messageOf(error))) continue;
      throw error;
    }
  }
}

/** Tries at making (or opening) the names' bucket, when nodes make it at the same moment. */
const KV_CREATE_ATTEMPTS = 5;

/** Names in a KV bucket: exclusive (see the module doc). */
class KvNames implements Names {
  /**
   * The names this node holds: the revision each was written at, by key. A name another node
   * took over since (this one found down) has moved past it: deleting at that revision then
   * fails, and the new holder's entry stays.
   */
  readonly #held = new Map<string, { revision: number; ref: ActorRef<unknown> }>();
  /**
   * What this node is doing with each key (a register, a release), in turn: a release of an
   * ended actor's name and a register of a new actor under it never race each other's revision.
   */
  readonly #busy = new Map<string, Promise<unknown>>();
  /** The releases tried again later (see {@link release}): cleared as this node leaves. */
  readonly #retries = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(
    readonly kv: KV,
    readonly host: NamesHost,
    readonly peers: Peers,
    readonly ping: (node: number) => Promise<PingResult>,
    readonly gone: (node: number) => Promise<boolean>,
  ) {}

  register(name: string, ref: ActorRef<unknown>): Promise<void> {
    return asking(
      `register ${JSON.stringify(name)}`,
      () => this.#inTurn(hexOf(name), (key) => this.#register(name, key, ref)),
    );
  }

  /** Runs `step` on `key` once what this node does with it already is done. */
  #inTurn<T>(key: string, step: (key: string) => Promise<T>): Promise<T> {
    const before = this.#busy.get(key) ?? Promise.resolve();
    const done = before.then(() => step(key), () => step(key));
    const settled = done.then(() => {}, () => {});
    this.#busy.set(key, settled);
    settled.then(() => {
      if (this.#busy.get(key) === settled) this.#busy.delete(key);
    });
    return done;
  }

  async #register(name: string, key: string, ref: ActorRef<unknown>): Promise<void> {
    // Checked in turn: a register queued behind another one is refused too.
    refuseIfFoundDown(this.peers, name);
    const value = encode(ref, this.host.courier);
    const revision = await this.#write(name, key, ref, value);
    if (this.peers.foundDown !== undefined) {
      // Found down while the write was on its way: foundDown gave up only the names held then,
      // and this one would point the nodes that found this one down at an actor dead to them.
      await this.#release(key, revision).catch((error) => warnNotGivenUp(this.host.node, error));
      refuseIfFoundDown(this.peers, name);
    }
    this.#held.set(key, { revision, ref });
  }

  /**
   * Writes the name's entry for this node (`value`, `ref` encoded) unless a live holder has it;
   * returns the entry's revision. An entry that names `ref` itself is this register's already (a
   * register retried after no answer in time, whose write went through): its revision, as is. A name changes hands under a write: its dead holder gives it up itself (it
   * resumed, and learnt it was found down), another node takes it over first. Each change fails
   * the write with a conflict, and the entry is read and judged again, up to WRITE_ATTEMPTS
   * times: a conflict alone says only that the entry moved, not that a live holder has it.
   * @throws {NameTakenError} when a live holder has it, or it kept changing hands.
   */
  async #write(
    name: string,
    key: string,
    ref: ActorRef<unknown>,
    value: Uint8Array,
  ): Promise<number> {
    let conflict: unknown;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      // First as if it were free: a name is mostly registered once.
      const entry = attempt === 0 ? null : await this.kv.get(key);
      let write: Promise<number>;
      if (entry === null || entry.operation !== "PUT") write = this.kv.create(key, value);
      else {
        const holder = decode(entry.value, this.host.courier) as ActorRef<unknown>;
        const holds = await this.#holds(holder);
        // Its node may have answered that it found this node down: that is why, then.
        refuseIfFoundDown(this.peers, name);
        if (holds && holder.equals(ref)) return entry.revision;
        if (holds) throw withCause(taken(name), conflict);
        write = this.kv.update(key, value, entry.revision);
      }
      try {
        return await write;
      } catch (error) {
        // Not written for another reason (no answer in time, a closed connection): looking the
        // name up and writing again would fail the same way, each after its own timeout.
        if (!isConflict(error)) throw error;
        conflict = error;
      }
    }
    throw withCause(taken(name), conflict);
  }

  /**
   * Whether `holder` still holds its name, for a register: one of this node's actors while it
   * runs; one of a node this node found down never, as for lookup, even once that node answers
   * again (it was frozen, and resumed: a dead incarnation here, whose actors are dead); one of
   * another node while it answers a ping (one that found this node down is alive all the same).
   */
  async #holds(holder: ActorRef<unknown>): Promise<boolean> {
    if (holder.node === 0) return this.host.running(holder);
    if (this.peers.downReason(holder.node) !== undefined) return false;
    const says = await this.ping(holder.node);
    return says === "answered" || says === "found-down";
  }

  release(name: string, ref: ActorRef<unknown>): Promise<void> {
    const first = this.#giveUp(name, ref);
    // Not given up (the server did not take the delete): the entry would name an actor that
    // ended, taken for good for every other node (this one answers their pings). Tried again
    // until it goes, or this node leaves; the first failure is told (see SystemCluster.register).
    first.catch(() => this.#releaseLater(name, ref, RELEASE_RETRY_MS));
    return first;
  }

  /** Tries the release of `name` (for `ref`) again in `delayMs`, then later, until it goes. */
  #releaseLater(name: string, ref: ActorRef<unknown>, delayMs: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      this.#giveUp(name, ref).catch(() =>
        this.#releaseLater(name, ref, Math.min(delayMs * 2, RELEASE_RETRY_MAX_MS))
      );
    }, delayMs);
    this.#retries.add(timer);
  }

  /** Gives `name` up if this node holds it for `ref`. */
  #giveUp(name: string, ref: ActorRef<unknown>): Promise<void> {
    return asking(
      `give up ${JSON.stringify(name)}`,
      () =>
        this.#inTurn(hexOf(name), async (key) => {
          const held = this.#held.get(key);
          if (held === undefined || !held.ref.equals(ref)) return;
          await this.#release(key, held.revision);
          // Held until the server took the delete: a retry after a failure tries again.
          if (this.#held.get(key) === held) this.#held.delete(key);
        }),
    );
  }

  lookup(name: string): Promise<ActorRef<unknown>> {
    return asking(`look up ${JSON.stringify(name)}`, async () => {
      const entry = await this.kv.get(hexOf(name));
      if (entry === null || entry.operation !== "PUT") throw notFound(name);
      const ref = decode(entry.value, this.host.courier) as ActorRef<unknown>;
      // One of this node's actors that ended: its name is being given up. One of a node that is
      // gone (found down here, or never met and nobody answers for it, as for a node that ended
      // before this one started): free for a register to take over, and not found, as without
      // JetStream, where nobody answers for it.
      if (ref.node === 0 ? !this.host.running(ref) : await this.gone(ref.node)) {
        throw notFound(name);
      }
      return ref;
    });
  }

  foundDown(): void {
    for (const [key, held] of [...this.#held]) {
      this.#inTurn(key, async () => {
        if (this.#held.get(key) !== held) return;
        this.#held.delete(key);
        await this.#release(key, held.revision);
      }).catch((error) => warnNotGivenUp(this.host.node, error));
    }
  }

  sizes(): Record<string, number> {
    return {
      namesHeld: this.#held.size,
      namesBusy: this.#busy.size,
      namesRetries: this.#retries.size,
    };
  }

  async close(reachable: boolean): Promise<void> {
    this.#closed = true;
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
    const held = [...this.#held].map(([key, { revision }]) => [key, revision] as const);
    this.#held.clear();
    if (!reachable) return this.#leftHeld(held.length, "the NATS server is unreachable");
    for (let i = 0; i < held.length; i++) {
      try {
        await this.#release(...held[i]);
      } catch (error) {
        // The server went meanwhile: each of the rest would wait out the client's timeout.
        return this.#leftHeld(held.length - i, messageOf(error));
      }
    }
  }

  /**
   * Deletes the entry of `key` if it is still the one this node wrote (at `revision`): a name
   * another node took over since (this one was found down meanwhile) stays the new holder's.
   */
  async #release(key: string, revision: number): Promise<void> {
    try {
      await this.kv.delete(key, { previousSeq: revision });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  /** Says that this node leaves `count` names registered, because of `why`. */
  #leftHeld(count: number, why: string): void {
    if (count === 0) return;
    console.warn(
      `ringmail: node ${this.host.node} left the cluster still holding ${count} name(s) it ` +
        `could not give up (${why}); another node can register each once it finds this node down`,
    );
  }
}

/**
 * Whether a KV write failed because the key changed first (another node's create or update won),
 * not because the server did not answer.
 */
function isConflict(error: unknown): boolean {
  return /wrong last sequence|key exists/i.test(messageOf(error));
}

/** An error with the error behind it as its cause. */
function withCause<E extends Error>(error: E, cause: unknown): E {
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** A name this node answers for (see SubjectNames). */
interface Held {
  readonly subscription: Subscription;
  readonly ref: ActorRef<unknown>;
  /** Given up: what still comes (sent before the server heard) is answered "nobody". */
  gone: boolean;
}

/** The answer of a subscription whose name was given up: nobody holds it (see SubjectNames). */
const NOBODY = new Uint8Array(0);

/** Names answered by subscriptions: the fallback without JetStream (see the module doc). */
export class SubjectNames implements Names {
  readonly #held = new Map<string, Held>();
  /**
   * The names this node is registering now: a second register of one of them on this node is
   * refused, not run alongside (both would find nobody answering, and subscribe).
   */
  readonly #registering = new Set<string>();

  /** Headers naming this node, on its questions and answers (see #holderIn). */
  readonly #from: ReturnType<typeof fromHeaders>;

  constructor(readonly nc: NatsConnection, readonly host: NamesHost, readonly peers: Peers) {
    this.#from = fromHeaders(host.node);
  }

  async register(name: string, ref: ActorRef<unknown>): Promise<void> {
    const subject = this.#subject(name);
    refuseIfFoundDown(this.peers, name);
    const held = this.#held.get(name);
    // One of this node's actors holds it only while it runs.
    if (held !== undefined && held.ref.node === 0 && !this.host.running(held.ref)) {
      this.release(name, held.ref);
    }
    // The same actor again (a register retried): it has the name.
    if (held !== undefined && this.#held.get(name) === held && held.ref.equals(ref)) return;
    if (this.#held.has(name) || this.#registering.has(name)) throw taken(name);
    this.#registering.add(name);
    try {
      await this.#register(name, subject, ref);
    } finally {
      this.#registering.delete(name);
    }
  }

  async #register(name: string, subject: string, ref: ActorRef<unknown>): Promise<void> {
    const answered = await asking(`register ${JSON.stringify(name)}`, () => this.#answers(subject));
    // Its holder may have answered that it found this node down: that is why, then.
    refuseIfFoundDown(this.peers, name);
    if (answered) throw taken(name);
    const bytes = encode(ref, this.host.courier);
    await asking(`register ${JSON.stringify(name)}`, async () => {
      const held: Held = {
        subscription: this.nc.subscribe(subject, {
          callback: onMessage((msg) => this.#answer(msg, held, bytes)),
        }),
        ref,
        gone: false,
      };
      const subscription = held.subscription;
      this.#held.set(name, held);
      try {
        // Registered once the server knows: a lookup from any node finds it from now on.
        await flushWithin(this.nc, REGISTER_FLUSH_MS);
      } catch (error) {
        subscription.unsubscribe();
        this.#held.delete(name);
        throw error;
      }
      // Found down meanwhile: foundDown gave the name up already, and the register would say it
      // is held while every lookup says it is not.
      if (this.peers.foundDown !== undefined) {
        if (this.#held.get(name) === held) this.#giveUp(name, held);
        refuseIfFoundDown(this.peers, name);
      }
    });
  }

  /**
   * Answers a question about a name held here (`held`, written `bytes`): one from a node found
   * down here is told so, as its spawns are — it learns that this node found it down, and this
   * node is not the live holder of anything to it.
   */
  #answer(msg: Msg, held: Held, bytes: Uint8Array): void {
    const from = fromNode(msg);
    if (from !== 0 && this.peers.downReason(from) !== undefined) {
      msg.respond(NOBODY, { headers: foundDownHeaders(this.host.node) });
    } else msg.respond(held.gone ? NOBODY : bytes);
  }

  /**
   * The live holder an answer names, or null: none when it was given up as the question came
   * (see #giveUp), or the answer is from a node found down here (a dead incarnation here, frozen
   * and resumed: its actors are dead, as with JetStream), or one of this node's actors ended. An
   * answer that this node was found down is learnt from (see Peers.foundDownBy).
   */
  #holderIn(reply: Msg): ActorRef<unknown> | null {
    if (isFoundDown(reply)) {
      this.peers.foundDownBy(fromNode(reply));
      return null;
    }
    if (reply.data.length === 0) return null;
    const ref = decode(reply.data, this.host.courier) as ActorRef<unknown>;
    const dead = ref.node === 0
      ? !this.host.running(ref)
      : this.peers.downReason(ref.node) !== undefined;
    return dead ? null : ref;
  }

  foundDown(): void {
    for (const [name, held] of [...this.#held]) this.#giveUp(name, held);
  }

  release(name: string, ref: ActorRef<unknown>): Promise<void> {
    const held = this.#held.get(name);
    if (held !== undefined && held.ref.equals(ref)) this.#giveUp(name, held);
    return Promise.resolve();
  }

  /**
   * Gives `name` up: its subscription drains rather than ends at once. A lookup the server sent
   * this node before it heard of the unsubscribe would otherwise get no answer at all, and wait
   * out its whole timeout (a ClusterUnavailableError); it is told "nobody" instead.
   */
  #giveUp(name: string, held: Held): void {
    held.gone = true;
    this.#held.delete(name);
    held.subscription.drain().catch(() => held.subscription.unsubscribe());
  }

  lookup(name: string, timeoutMs: number): Promise<ActorRef<unknown>> {
    const subject = this.#subject(name);
    // Held here: known without asking, and not lost to a first answer from a node found down
    // here that still holds it too (it took it while frozen, or before this node took it over).
    const held = this.#held.get(name);
    if (held !== undefined && (held.ref.node !== 0 || this.host.running(held.ref))) {
      return Promise.resolve(held.ref);
    }
    return asking(`look up ${JSON.stringify(name)} within ${timeoutMs} ms`, async () => {
      try {
        const reply = await this.nc.request(subject, undefined, {
          timeout: timeoutMs,
          headers: this.#from,
        });
        const holder = this.#holderIn(reply);
        if (holder === null) throw notFound(name);
        return holder;
      } catch (error) {
        if (isNoResponders(error)) throw notFound(name, error);
        throw error;
      }
    });
  }

  sizes(): Record<string, number> {
    return { namesHeld: this.#held.size, namesRegistering: this.#registering.size };
  }

  close(_reachable: boolean): Promise<void> {
    // Given up as an ended actor's are (see #giveUp): a lookup the server sent here before it
    // heard is told "nobody", not left to wait out its timeout. The server drops what is left
    // with the connection.
    for (const [name, held] of [...this.#held]) this.#giveUp(name, held);
    return Promise.resolve();
  }

  /** Whether anyone answers on `subject` now. */
  async #answers(subject: string): Promise<boolean> {
    try {
      const reply = await this.nc.request(subject, undefined, {
        timeout: 1000,
        headers: this.#from,
      });
      return this.#holderIn(reply) !== null;
    } catch (error) {
      if (isNoResponders(error)) return false;
      throw error;
    }
  }

  #subject(name: string): string {
    return `${this.host.prefix}.name.${hexOf(name)}`;
  }
}
