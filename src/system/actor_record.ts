/**
 * What the system's registry keeps of each actor it started (see registry.ts): where it runs,
 * how to start it again, and its ties — parent and children, watchers, waiters — made on first
 * use. Kept small: a pool may hold 100k records, each copied by the young-generation GC as it
 * ages.
 *
 * @module
 */

import type { ActorRef, SupervisionStrategy, Supervisor, Terminated } from "../actor/mod.ts";
import type { ActorPool } from "./actor_pool.ts";
import type { Deferred } from "../util/deferred.ts";
import type { WorkerHandle } from "./workers.ts";

/** Where an actor was asked to run, to start it again there after its Worker died. */
export type Placement =
  | { readonly kind: "dedicated" }
  | { readonly kind: "pool"; readonly pool: ActorPool }
  | { readonly kind: "near" };

/** The placements that carry no data, shared by every record. */
export const DEDICATED: Placement = { kind: "dedicated" };
export const NEAR: Placement = { kind: "near" };

/** What a spawn decides about a new actor; the rest of its record starts empty. */
export type NewActor = Pick<
  ActorRecord,
  | "slot"
  | "generation"
  | "name"
  | "mailbox"
  | "worker"
  | "classId"
  | "args"
  | "parent"
  | "strategy"
  | "placement"
>;

/** A record for an actor about to be started: no outcome, relations or waiters yet. */
export function newRecord(actor: NewActor): ActorRecord {
  return new ActorRecord(actor);
}

/** A record's relations and waiters: made when it first has one (most pooled actors never do). */
class Ties {
  started: Deferred | null = null;
  children: Set<ActorRecord> | null = null;
  watchers: Set<ActorRecord> | null = null;
  watching: Set<ActorRecord> | null = null;
  remoteWatchers: Map<string, ActorRef<unknown>> | null = null;
  remoteCallers: number[] | null = null;
  endWaiters: ((end: Terminated) => void)[] | null = null;
  supervisor: Supervisor | null = null;
}

/**
 * What the system remembers of an actor it started: what a spawn decides, its outcome, and its
 * ties (children, watchers, waiters) made on first use — one word here for the seven of them, as
 * a pool's 100k records each outlive a young-generation GC or two (each word of theirs is copied
 * by it).
 */
export class ActorRecord {
  readonly slot: number;
  readonly generation: number;
  readonly name: string;
  /** Offset of its mailbox header. */
  readonly mailbox: number;
  /** Its Worker; a new one after a restart that followed its Worker's death. */
  worker: WorkerHandle;
  readonly classId: number;
  /** Its constructor's arguments, encoded: a restart in a new Worker decodes them again. */
  readonly args: Uint8Array | null;
  readonly parent: ActorRecord | null;
  /** How it is supervised (its parent class's strategy, or the system's). */
  readonly strategy: SupervisionStrategy;
  readonly placement: Placement;
  /** How its start ended so far: null while starting, then true (running) or the error. */
  outcome: true | Error | null = null;
  /** Set once the system asked it to stop (graceful shutdown). */
  stopAsked = false;
  /**
   * Set once its supervisor restarted it after its Worker died: it ran before, even while its new
   * instance is still starting (see WorkerDeaths.#decide).
   */
  restartedAfterDeath = false;
  #ties: Ties | null = null;

  constructor(actor: NewActor) {
    this.slot = actor.slot;
    this.generation = actor.generation;
    this.name = actor.name;
    this.mailbox = actor.mailbox;
    this.worker = actor.worker;
    this.classId = actor.classId;
    this.args = actor.args;
    this.parent = actor.parent;
    this.strategy = actor.strategy;
    this.placement = actor.placement;
  }

  get started(): Deferred | null {
    return this.#ties?.started ?? null;
  }
  set started(started: Deferred | null) {
    if (started !== null || this.#ties !== null) (this.#ties ??= new Ties()).started = started;
  }
  get children(): Set<ActorRecord> | null {
    return this.#ties?.children ?? null;
  }
  set children(children: Set<ActorRecord> | null) {
    if (children !== null || this.#ties !== null) (this.#ties ??= new Ties()).children = children;
  }
  get watchers(): Set<ActorRecord> | null {
    return this.#ties?.watchers ?? null;
  }
  set watchers(watchers: Set<ActorRecord> | null) {
    if (watchers !== null || this.#ties !== null) (this.#ties ??= new Ties()).watchers = watchers;
  }
  get watching(): Set<ActorRecord> | null {
    return this.#ties?.watching ?? null;
  }
  set watching(watching: Set<ActorRecord> | null) {
    if (watching !== null || this.#ties !== null) (this.#ties ??= new Ties()).watching = watching;
  }
  /** Watchers on other nodes of the cluster, by node, slot and generation. */
  get remoteWatchers(): Map<string, ActorRef<unknown>> | null {
    return this.#ties?.remoteWatchers ?? null;
  }
  set remoteWatchers(watchers: Map<string, ActorRef<unknown>> | null) {
    if (watchers !== null || this.#ties !== null) {
      (this.#ties ??= new Ties()).remoteWatchers = watchers;
    }
  }
  /**
   * The reply addresses of other nodes (a Bridge's, a Worker's desk) whose calls it was sent since
   * its last Worker death, and the last reply tag of each: node, slot, generation and tag, four
   * numbers each (a few addresses at most: an array, ~60 bytes for one, on each of 100k actors).
   * Their nodes are told which calls it took when it loses its Worker (see CallsLost).
   */
  get remoteCallers(): number[] | null {
    return this.#ties?.remoteCallers ?? null;
  }
  set remoteCallers(callers: number[] | null) {
    if (callers !== null || this.#ties !== null) {
      (this.#ties ??= new Ties()).remoteCallers = callers;
    }
  }
  /** Bridge code awaiting its end. */
  get endWaiters(): ((end: Terminated) => void)[] | null {
    return this.#ties?.endWaiters ?? null;
  }
  set endWaiters(waiters: ((end: Terminated) => void)[] | null) {
    if (waiters !== null || this.#ties !== null) (this.#ties ??= new Ties()).endWaiters = waiters;
  }
  /** Decides about deaths of its Worker (handler failures are decided in its Worker). */
  get supervisor(): Supervisor | null {
    return this.#ties?.supervisor ?? null;
  }
  set supervisor(supervisor: Supervisor | null) {
    if (supervisor !== null || this.#ties !== null) {
      (this.#ties ??= new Ties()).supervisor = supervisor;
    }
  }
}

/** Settles an actor's start, and the promise of whoever asked for it. */
export function settleStart(record: ActorRecord, outcome: true | Error): void {
  if (record.outcome !== null) return;
  record.outcome = outcome;
  if (record.started === null) return;
  if (outcome === true) record.started.resolve();
  else record.started.reject(outcome);
}
