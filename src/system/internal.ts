/**
 * The side of an actor system (and of a pool) that ringmail's own parts use — the Bridge, the
 * system, tests — and users do not: reached through a symbol only this module exports (and
 * `mod.ts` does not), so it takes no casts and no hidden maps, and cannot be confused with the
 * public API. {@link systemInternals} makes them from the system's parts.
 *
 * @module
 */

import type { ActorRef, LoopTimers, Terminated } from "../actor/mod.ts";
import type { Arena, Doorbell } from "../ring/mod.ts";
import type { Directory, SystemCourier } from "../delivery/mod.ts";
import type { MailboxPool } from "./mailbox_pool.ts";
import type { CallObserver } from "./observer.ts";
import type { LossListener } from "./registry.ts";
import type { SystemParts } from "./system_parts.ts";
import type { RetiredCounts } from "./inspector.ts";
import type { WorkerSet } from "./worker_set.ts";
import type { WorkerHandle } from "./workers.ts";
import { whenActorEnds } from "./actor_end.ts";
import type { CallsLostListener } from "./events.ts";
import { describeValue } from "../util/describe_value.ts";

/** The system whose internals these are, for its Bridges' constructors. */
export type { ActorSystem } from "./actor_system.ts";
export type { WaitingCalls } from "./waiting_calls.ts";

/** The key of a system's internals (see {@link SystemInternals}). */
export const INTERNALS: unique symbol = Symbol("ringmail.internals");

/** What a Bridge needs from its system. */
export interface BridgeHost {
  readonly arena: Arena;
  readonly directory: Directory;
  readonly pool: MailboxPool;
  readonly courier: SystemCourier;
  readonly doorbell: Doorbell;
  readonly closed: boolean;
  /** Tells `listener` when calls to an actor will get no reply (it ended, or its Worker died). */
  watchLosses(listener: LossListener): () => void;
  /** Tells `listener` when a dead thread was marked dead (stalled records can be skipped). */
  watchThreadDeaths(listener: () => void): () => void;
  /** Calls `listener` when calls waiting on an actor of another node get no reply. */
  watchCallsLostAfar(listener: CallsLostListener): () => void;
  /** Calls `listener` for each other node of the cluster that goes down. */
  watchNodeDowns(listener: (node: number, reason: string) => void): () => void;
  /**
   * Resolves when the actor ends; once `signal` aborts, the system forgets the wait (the promise
   * then never settles), so that it does not hold the waiter until the actor ends.
   */
  whenEnded(ref: ActorRef<unknown>, signal?: AbortSignal): Promise<Terminated>;
  /** A name for the ref's actor, even shortly after it ended. */
  nameOf(ref: ActorRef<unknown>): string;
  /** The timers of the system's thread (its guardian's loop). */
  readonly timers: LoopTimers;
  /** Who is told of each call (see observer.ts); null: nobody. */
  readonly calls: CallObserver | null;
  /** Counts the calls `pending` reports in `inspect()`'s pending calls; returns how to stop. */
  countPending(pending: () => number): () => void;
  /**
   * How long a Bridge made from now on keeps its wait on an actor's end once nothing of it needs
   * the wait (see src/bridge/lingering_waits.ts); tests shorten it. Unset: the Bridge's default.
   */
  waitLingerMs?: number;
}

/** A system's internals. */
export interface SystemInternals {
  /** What its Bridges use. */
  readonly bridgeHost: BridgeHost;
  /**
   * Terminates the Worker of the actor `ref` names, as a crash would end it (tests and chaos
   * drills). Returns false when the actor is not running.
   */
  terminateWorkerOf(ref: ActorRef<unknown>): boolean;
  /**
   * Terminates `handle`'s Worker, as a crash would end it: a spare has no actor to name.
   * @returns the recovery under way (none if it was gone already).
   */
  terminateWorker(handle: WorkerHandle): Promise<void>[];
  /**
   * The system's Workers (tests): their reports reach them in orders a test cannot bring about
   * through its Workers alone, such as a Worker's idle report late behind its retirement.
   */
  readonly workers: WorkerSet;
  /** How many entries the node's cluster state holds (see SystemCluster.sizes); null: none. */
  clusterSizes(): Record<string, number> | null;
  /** Acts as if `count` records from node `node` were found lost on the way (tests). */
  clusterRecordsLost(node: number, count: number): void;
  /** What the actors that have ended counted, by class (for metrics that never go down). */
  retiredByClass(): ReadonlyMap<string, Readonly<RetiredCounts>>;
}

/** The internals of the system whose parts are `parts`. */
export function systemInternals(parts: SystemParts): SystemInternals {
  return {
    bridgeHost: bridgeHost(parts),
    terminateWorkerOf: (ref) => {
      const record = parts.registry.of(ref);
      if (record === undefined || record.worker.dead) return false;
      parts.deaths.died(record.worker, "it was terminated");
      return true;
    },
    terminateWorker: (handle) => parts.deaths.died(handle, "it was terminated"),
    workers: parts.workers,
    retiredByClass: () => parts.inspector.retiredByClass(),
    clusterSizes: () => parts.cluster.sizes(),
    clusterRecordsLost: (node, count) => parts.cluster.recordsLost(node, count),
  };
}

/** What the Bridges of the system whose parts are `parts` use. */
function bridgeHost(parts: SystemParts): BridgeHost {
  return {
    arena: parts.arena,
    directory: parts.directory,
    pool: parts.pool,
    courier: parts.courier,
    doorbell: parts.doorbell,
    get closed() {
      return parts.shutdown.begun;
    },
    watchLosses: (listener) => {
      parts.registry.lossListeners.add(listener);
      return () => parts.registry.lossListeners.delete(listener);
    },
    watchThreadDeaths: (listener) => parts.events.onThreadMarkedDead(listener),
    watchNodeDowns: (listener) => parts.events.onNodeDown(listener),
    watchCallsLostAfar: (listener) => parts.events.onCallsLostAfar(listener),
    whenEnded: (ref, signal) => whenActorEnds(parts, ref, signal),
    // The courier's: a ref of another node may share its slot and generation with one here.
    nameOf: (ref) => parts.courier.describe(ref),
    timers: parts.loop.timers,
    calls: parts.observer?.calls ?? null,
    countPending: (pending) => parts.inspector.countPending(pending),
  };
}

/** Anything that carries internals: an actor system. */
export interface HasInternals {
  readonly [INTERNALS]: SystemInternals;
}

/**
 * @internal The internals of `system`.
 * @param what who needs them, for the error (e.g. "a Bridge").
 * @throws {TypeError} when `system` is no actor system (plain JavaScript passes anything).
 */
export function internalsOf(system: HasInternals, what = "this"): SystemInternals {
  const internals = (system as Partial<HasInternals> | null | undefined)?.[INTERNALS];
  if (internals === undefined) {
    throw new TypeError(`${what} needs an ActorSystem, got ${describeValue(system)}`);
  }
  return internals;
}

/** @internal Terminates the Worker of `ref`'s actor (see {@link SystemInternals}). */
export function terminateWorkerOf(
  system: HasInternals,
  ref: ActorRef<unknown>,
): boolean {
  return system[INTERNALS].terminateWorkerOf(ref);
}
