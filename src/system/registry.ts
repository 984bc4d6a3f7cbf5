/**
 * The registry: what the actor system's thread knows of each actor it started — where it runs,
 * how to start it again, who its parent and children are, who watches it — and what happens
 * when one ends: its watchers get `Terminated`, its parent `ChildGone`, its children `Stop`, and
 * whoever waits on it (a `started` promise, Bridge calls) hears of it at once.
 *
 * It lives on the system's thread only; workers reach it through the guardian.
 *
 * @module
 */

import {
  actorKey,
  ActorRef,
  ChildGone,
  type Courier,
  Stop,
  Terminated,
  type TerminationKind,
} from "../actor/mod.ts";
import { DenseTable } from "../util/dense_table.ts";
import { ActorDeadError } from "./errors.ts";
import type { WorkerHandle } from "./workers.ts";
import { callerCount, forgetCallersOf } from "./remote_callers.ts";
import { type ActorRecord, settleStart } from "./actor_record.ts";
import type { WaitingCalls } from "./waiting_calls.ts";

export {
  type ActorRecord,
  DEDICATED,
  NEAR,
  type NewActor,
  newRecord,
  type Placement,
  settleStart,
} from "./actor_record.ts";

/** How an actor ended. */
export interface ActorEnd {
  readonly record: ActorRecord;
  readonly kind: TerminationKind;
  readonly reason: string;
  readonly error: Error | null;
}

/**
 * Hears that calls to an actor will get no reply: it ended, or is being restarted. `waiting`, for
 * an actor being restarted: the calls it had not taken, which its new instance answers.
 */
export type LossListener = (
  slot: number,
  generation: number,
  reason: string,
  waiting?: WaitingCalls,
) => void;

/** The system's records of its actors. */
export class Registry {
  /** By slot: slots are dense, so a table, not a Map (see dense_table.ts). */
  readonly #records = new DenseTable<ActorRecord>();
  /**
   * How the last actor of a slot ended, until the slot is reused: late watchers and messages
   * can still say who it was and why it ended.
   */
  readonly #ended = new Map<number, { name: string; end: Terminated }>();
  /** Actors being ended together (see endAll). */
  readonly #ending = new Set<ActorRecord>();
  /**
   * Who waits to hear of an actor the system has no record of yet (see whenAnnounced): by
   * slot, with the generation awaited.
   */
  readonly #announcing = new Map<
    number,
    { generation: number; waiters: ((known: ActorRecord | string) => void)[] }
  >();
  readonly #courier: Courier;
  readonly #guardian: () => ActorRef<unknown>;
  /** Who hears that calls to an actor will get no reply (Bridges). */
  readonly lossListeners: Set<LossListener> = new Set();
  /** Called after each actor's end, with how it ended (graceful shutdown follows them). */
  onEnded: ((record: ActorRecord, kind: TerminationKind) => void) | null = null;

  constructor(courier: Courier, guardian: () => ActorRef<unknown>) {
    this.#courier = courier;
    this.#guardian = guardian;
  }

  /** How many actors are starting or running. */
  get size(): number {
    return this.#records.size;
  }

  /** The records, by slot. */
  values(): IterableIterator<ActorRecord> {
    return this.#records.values();
  }

  add(record: ActorRecord): void {
    this.#records.set(record.slot, record);
    this.#ended.delete(record.slot);
    if (record.parent !== null) {
      (record.parent.children ??= new Set()).add(record);
    }
    if (this.#announcing.size > 0) {
      this.#announce(record.slot, record.generation, record);
    }
  }

  /**
   * Resolves once the system hears of the actor `ref` names: with its record, or with why it
   * never started. For a child whose parent's Worker took its slot and mailbox and told the
   * guardian afterwards (SpawnChild): the child's ref can reach this thread before that report
   * is handled. Ask only for a ref whose slot is starting with no record (the report is on its
   * way then: it was sent before the ref could be).
   */
  whenAnnounced(ref: ActorRef<unknown>): Promise<ActorRecord | string> {
    let waiting = this.#announcing.get(ref.slot);
    if (waiting === undefined || waiting.generation !== ref.generation) {
      this.#announcing.set(
        ref.slot,
        waiting = { generation: ref.generation, waiters: [] },
      );
    }
    const { waiters } = waiting;
    return new Promise((resolve) => waiters.push(resolve));
  }

  /**
   * The actor `ref` names will never start (the system could not honour its SpawnChild):
   * remembers how it ended, for late watchers, and tells whoever waits to hear of it.
   */
  neverStarted(ref: ActorRef<unknown>, name: string, reason: string): void {
    const end = new Terminated(ref, "start-failed", reason);
    this.#ended.set(ref.slot, { name, end });
    this.#announce(ref.slot, ref.generation, reason);
  }

  /** The system is gone: nobody waiting to hear of an actor will. */
  announceNoMore(reason: string): void {
    for (const [slot, { generation }] of [...this.#announcing]) {
      this.#announce(slot, generation, reason);
    }
  }

  #announce(
    slot: number,
    generation: number,
    known: ActorRecord | string,
  ): void {
    const waiting = this.#announcing.get(slot);
    if (waiting === undefined || waiting.generation !== generation) return;
    this.#announcing.delete(slot);
    for (const resolve of waiting.waiters) resolve(known);
  }

  /** The record of the actor `slot`/`generation`, if it is starting or running. */
  get(slot: number, generation: number): ActorRecord | undefined {
    const record = this.#records.get(slot);
    return record?.generation === generation ? record : undefined;
  }

  /**
   * The record of the actor `ref` names; none for a ref of another system (or process), even
   * one whose slot and generation match an actor here: systems number their actors alike.
   */
  of(ref: ActorRef<unknown> | null): ActorRecord | undefined {
    return ref === null || ref.courier !== this.#courier || ref.node !== 0
      ? undefined
      : this.get(ref.slot, ref.generation);
  }

  /** The record in `slot`, whatever its generation. */
  at(slot: number): ActorRecord | undefined {
    return this.#records.get(slot);
  }

  /**
   * The name of the actor `slot` and `generation` name, for messages; also shortly after it
   * ended, as long as its slot was not reused.
   */
  nameOf(slot: number, generation: number): string | undefined {
    const record = this.#records.get(slot);
    if (record !== undefined && record.generation === generation) {
      return record.name;
    }
    const ended = this.#ended.get(slot);
    return ended !== undefined && ended.end.actor!.generation === generation
      ? ended.name
      : undefined;
  }

  /** Why the actor of `slot` and `generation` ended, if it did and its slot was not reused since. */
  endReasonOf(slot: number, generation: number): string | undefined {
    const ended = this.#ended.get(slot);
    return ended !== undefined && ended.end.actor!.generation === generation
      ? ended.end.reason
      : undefined;
  }

  /** How the actor `ref` names ended, if it did and its slot was not reused since. */
  endOf(ref: ActorRef<unknown>): Terminated | undefined {
    const ended = this.#ended.get(ref.slot);
    return ended !== undefined && ended.end.actor!.generation === ref.generation
      ? ended.end
      : undefined;
  }

  #endOf(ref: ActorRef<unknown>, when: string): Terminated {
    const ended = this.#ended.get(ref.slot);
    if (ended !== undefined && ended.end.actor!.generation === ref.generation) {
      return ended.end;
    }
    return new Terminated(
      ref,
      "not-running",
      `${ref} was not running when ${when}`,
    );
  }

  refOf(record: ActorRecord): ActorRef<unknown> {
    return new ActorRef(record.slot, record.generation, 0, this.#courier);
  }

  /** Moves an actor to another Worker (a restart after its Worker died). */
  move(record: ActorRecord, worker: WorkerHandle): void {
    record.worker = worker;
  }

  /**
   * The actors `worker` hosts (started or starting). A walk over every record: asked
   * only when a Worker is gone, where a set per Worker would cost every spawn and every end.
   */
  hostedBy(worker: WorkerHandle): ActorRecord[] {
    const hosted: ActorRecord[] = [];
    for (const record of this.values()) if (record.worker === worker) hosted.push(record);
    return hosted;
  }

  /** `watcher` wants `Terminated` when `target` ends; at once if it already has. */
  watch(watcher: ActorRef<unknown>, target: ActorRef<unknown>): void {
    const watching = this.of(watcher);
    if (watching === undefined) return; // the watcher is gone: nobody to tell
    const watched = this.of(target);
    if (watched === undefined) {
      this.#send(watching, this.#endOf(target, "watched"));
      return;
    }
    (watched.watchers ??= new Set()).add(watching);
    (watching.watching ??= new Set()).add(watched);
  }

  /**
   * `watcher`, an actor of another node, watches `target` (of this node), or (`unwatch`) no
   * longer does: it gets `target`'s `Terminated` — at once if `target` has ended.
   */
  watchFromAfar(
    watcher: ActorRef<unknown>,
    target: ActorRef<unknown>,
    unwatch: boolean,
  ): void {
    const key = actorKey(watcher);
    const watched = this.of(target);
    if (unwatch) {
      watched?.remoteWatchers?.delete(key);
      return;
    }
    if (watched === undefined) {
      this.#courier.deliver(
        watcher,
        this.#endOf(target, "watched"),
        this.#guardian(),
      );
      return;
    }
    (watched.remoteWatchers ??= new Map()).set(key, watcher);
  }

  /** @internal How many watches actors of other nodes have on this node's actors (tests). */
  remoteWatcherCount(): number {
    let count = 0;
    for (const record of this.values()) count += record.remoteWatchers?.size ?? 0;
    return count;
  }

  /** Node `node` is down: its actors watch nothing here any more, nor wait on calls here. */
  forgetWatchersOn(node: number): void {
    const prefix = `${node}:`;
    for (const record of this.values()) {
      if (record.remoteCallers !== null) forgetCallersOf(record.remoteCallers, node);
      if (record.remoteWatchers === null) continue;
      for (const key of record.remoteWatchers.keys()) {
        if (key.startsWith(prefix)) record.remoteWatchers.delete(key);
      }
    }
  }

  /** @internal How many reply addresses of other nodes this node's actors remember (tests). */
  remoteCallerCount(): number {
    let count = 0;
    for (const record of this.values()) count += callerCount(record.remoteCallers);
    return count;
  }

  unwatch(watcher: ActorRef<unknown>, target: ActorRef<unknown>): void {
    const watching = this.of(watcher);
    const watched = this.of(target);
    if (watching === undefined || watched === undefined) return;
    watched.watchers?.delete(watching);
    watching.watching?.delete(watched);
  }

  /**
   * Resolves when the actor `ref` names has ended (at once if it has already). Once `signal`
   * aborts, the wait is forgotten and never settles: a waiter that gave up (a closed Bridge) is
   * not held until the actor ends, which for a long-lived actor is never.
   */
  whenEnded(ref: ActorRef<unknown>, signal?: AbortSignal): Promise<Terminated> {
    const record = this.of(ref);
    if (record === undefined) {
      return Promise.resolve(this.#endOf(ref, "it was awaited"));
    }
    if (signal?.aborted) return new Promise(() => {});
    return new Promise((resolve) => {
      const waiters = record.endWaiters ??= [];
      waiters.push(resolve);
      signal?.addEventListener("abort", () => {
        const at = waiters.indexOf(resolve);
        if (at >= 0) waiters.splice(at, 1);
      }, { once: true });
    });
  }

  /**
   * Calls waiting on `record` get no reply (its Worker died), but for those in `waiting`, which
   * its new instance answers; it is not ended (restarting).
   */
  lost(record: ActorRecord, reason: string, waiting?: WaitingCalls): void {
    for (const listener of this.lossListeners) {
      listener(record.slot, record.generation, reason, waiting);
    }
  }

  /**
   * These actors have ended: forgets them and tells everyone concerned (but not each other:
   * actors ending together, as in a Worker that died, get no news of one another). Their slots
   * and mailboxes are the caller's to recycle.
   */
  endAll(ends: readonly ActorEnd[]): void {
    for (const { record } of ends) this.#ending.add(record);
    try {
      for (const end of ends) this.#end(end);
    } finally {
      for (const { record } of ends) this.#ending.delete(record);
    }
  }

  #end({ record, kind, reason, error }: ActorEnd): void {
    if (this.#records.get(record.slot) !== record) return;
    // Calls hear of it while its name is still known.
    this.lost(record, reason);
    this.#records.delete(record.slot);
    settleStart(record, kind === "stopped" ? true : new ActorDeadError(reason));
    const ref = this.refOf(record);
    const end = new Terminated(ref, kind, reason, error);
    this.#ended.set(record.slot, { name: record.name, end });
    if (record.endWaiters !== null) {
      for (const resolve of record.endWaiters) resolve(end);
    }
    if (record.watchers !== null) {
      for (const watcher of record.watchers) {
        watcher.watching?.delete(record);
        this.#send(watcher, end);
      }
    }
    if (record.watching !== null) {
      for (const watched of record.watching) watched.watchers?.delete(record);
    }
    if (record.remoteWatchers !== null) {
      for (const watcher of record.remoteWatchers.values()) {
        this.#courier.deliver(watcher, end, this.#guardian());
      }
    }
    const parent = record.parent;
    if (parent !== null && parent.children?.delete(record)) {
      this.#send(parent, new ChildGone(ref));
    }
    // Children outlive no parent. Their parent's cell stops them when it stops; this covers the
    // parent that could not (its Worker died, it never started).
    if (record.children !== null) {
      for (const child of record.children) this.#send(child, new Stop());
    }
    this.onEnded?.(record, kind);
  }

  /** A system notice to a live actor that is not ending with the one the notice is about. */
  #send(target: ActorRecord, message: unknown): void {
    if (this.#ending.has(target) || this.#records.get(target.slot) !== target) {
      return;
    }
    this.#courier.deliver(this.refOf(target), message, this.#guardian());
  }
}
