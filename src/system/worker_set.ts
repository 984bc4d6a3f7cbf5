/**
 * The Workers of an actor system, as its thread keeps them: which run (by thread id), which
 * pool each pool Worker belongs to, how a Worker is started (its agent's slot and mailbox, its
 * bootstrap) and how a pool's dead Worker is replaced in its place. What happens to the actors
 * of a Worker that dies is worker_deaths.ts's.
 *
 * @module
 */

import { ActorRef } from "../actor/mod.ts";
import { nameBase } from "../codec/mod.ts";
import { type ActorPool, poolWorkers } from "./actor_pool.ts";
import { FOREVER_MS } from "./claim.ts";
import { Retire } from "./control.ts";
import { SEND_TIMEOUT_WORD, SlotState } from "../delivery/mod.ts";
import type { ActorSystem } from "./actor_system.ts";
import { PoolWorkers } from "./pool_workers.ts";
import type { SystemParts } from "./system_parts.ts";
import type { Bootstrap } from "./worker/worker_main.ts";
import { startWorker, type WorkerHandle } from "./workers.ts";

const AGENT_MAILBOX_BYTES = 1 << 16;

/** The running Workers of one system. */
export class WorkerSet {
  readonly #parts: SystemParts;
  readonly #system: ActorSystem;
  readonly #workers = new Map<number, WorkerHandle>();
  /** The pool of each pool Worker, to replace it when it dies. */
  readonly #poolOf = new Map<WorkerHandle, PoolWorkers>();
  /** Every pool of the system, for its end (see {@link endPools}). */
  readonly #pools = new Set<PoolWorkers>();
  /**
   * A dedicated Worker whose actors have all stopped, kept for the next actor of its own: a
   * Worker costs ~3× a bare one to start (the runtime's modules), and a system that spawns and
   * stops actors of their own in turn pays it once. At most one; not counted in {@link size}.
   */
  #spare: WorkerHandle | null = null;

  constructor(parts: SystemParts, system: ActorSystem) {
    this.#parts = parts;
    this.#system = system;
  }

  /** How many Workers run (or wait to start), the spare not counted. */
  get size(): number {
    const spare = this.#spare;
    return this.#workers.size - (spare !== null && this.#workers.has(spare.threadId) ? 1 : 0);
  }

  /**
   * A Worker for an actor of its own: the spare, if one is ready, else a new one; either way a
   * spare is made again for the next, once this turn is over.
   */
  takeDedicated(): WorkerHandle {
    const spare = this.#liveSpare();
    this.#spare = null;
    if (spare !== null) return spare;
    return this.start(true);
  }

  /**
   * A dedicated Worker hosts no actor any more: it becomes the spare, unless there is one, the
   * system shuts down, or its slots are more than half taken (the spare's agent holds a slot the
   * user's actors may need, see {@link retireSpare}): then it is retired.
   */
  idle(handle: WorkerHandle): void {
    // Made the spare already, as the end of its last actor was heard (see emptied).
    if (this.#spare === handle) return;
    // An actor placed in it since it reported (`near` its last one, as that one stopped): not
    // idle after all; it reports again once that one ends.
    if (this.#parts.registry.hostedBy(handle).length > 0) return;
    const taken = this.#liveSpare() !== null;
    if (!taken && this.#roomy() && !handle.dead && !this.#parts.shutdown.begun) {
      this.#spare = handle;
      return;
    }
    this.#retire(handle);
  }

  /**
   * The system has heard of the end of an actor of `handle`: a dedicated Worker that hosts no
   * actor any more becomes the spare now, if it would once its own report (WorkerIdle) comes.
   * That report follows the end report, and often comes after whatever the program does once
   * it hears of the end: a spawn made then found no spare and started a Worker of its own (one
   * cycle in three of spawning and stopping an actor in a row did), each using up one of the
   * system's thread ids for good. Otherwise its report decides (a Worker retired twice would
   * be told twice).
   */
  emptied(handle: WorkerHandle): void {
    if (
      !handle.dedicated || handle.dead || this.#liveSpare() !== null || !this.#roomy() ||
      this.#parts.shutdown.begun || !this.#workers.has(handle.threadId) ||
      this.#parts.registry.hostedBy(handle).length > 0
    ) return;
    this.#spare = handle;
  }

  /**
   * Actors were spawned (by the system, or as children in a Worker, which claim slots the
   * system does not see): the spare is retired once the slots are more than half taken.
   */
  spawned(): void {
    if (this.#spare !== null && !this.#roomy()) this.retireSpare();
  }

  /** Whether the system's slots are at most half taken: room enough to keep a spare. */
  #roomy(): boolean {
    const { directory } = this.#parts;
    return directory.live * 2 <= directory.capacity;
  }

  /**
   * The system is full: the spare, if any, is retired, and its slot comes back as it ends (a
   * spawn tried again then finds it). It is invisible to users, who count their own actors.
   */
  retireSpare(): void {
    const spare = this.#liveSpare();
    this.#spare = null;
    if (spare !== null) this.#retire(spare);
  }

  /** The spare, if it is still a live Worker of this set; null otherwise. */
  #liveSpare(): WorkerHandle | null {
    const spare = this.#spare;
    return spare !== null && !spare.dead && this.#workers.has(spare.threadId) ? spare : null;
  }

  #retire(handle: WorkerHandle): void {
    const { courier, guardian, spawner } = this.#parts;
    spawner.sendStarts(handle); // a start placed in it before goes first
    courier.deliver(handle.agent, new Retire(), guardian);
  }

  /** No more spares (the system shuts down); the spare ends with the other Workers. */
  stopSpares(): void {
    this.#spare = null;
  }

  /** The system has shut down: its pools have no Worker any more, nor a place for one. */
  endPools(): void {
    for (const pool of this.#pools) pool.endAll();
    this.#pools.clear();
  }

  /** The running Workers, the idle spare left out. */
  inUse(): WorkerHandle[] {
    const spare = this.#spare;
    return Array.from(this.#workers.values()).filter((handle) => handle !== spare);
  }

  /** The Worker of thread `threadId`, if it runs. */
  get(threadId: number): WorkerHandle | undefined {
    return this.#workers.get(threadId);
  }

  /** Every running Worker. */
  values(): IterableIterator<WorkerHandle> {
    return this.#workers.values();
  }

  /** The threads of the Workers that have started (one whose start waits has sent nothing). */
  startedThreads(): number[] {
    return Array.from(this.#workers.values()).filter((w) => w.worker !== null)
      .map((w) => w.threadId);
  }

  /** Forgets a Worker that is gone (it died, or ended by itself). */
  forget(handle: WorkerHandle): void {
    this.#workers.delete(handle.threadId);
  }

  /** Starts the Workers of a new pool; if one cannot start, none is left running. */
  startPool(size: number, batch: number): PoolWorkers {
    const workers: WorkerHandle[] = [];
    try {
      for (let i = 0; i < size; i++) workers.push(this.start(false, batch));
    } catch (error) {
      for (const worker of workers) {
        this.#parts.deaths.died(worker, "its pool could not be created");
      }
      throw error;
    }
    // A replacement is the pool's too: healed in turn when it dies.
    const pool: PoolWorkers = new PoolWorkers(batch, workers, (delayMs) => {
      const worker = this.start(false, batch, delayMs);
      this.#poolOf.set(worker, pool);
      return worker;
    });
    for (const worker of workers) this.#poolOf.set(worker, pool);
    this.#pools.add(pool);
    return pool;
  }

  /**
   * The next Worker of `pool`, round-robin.
   * @throws {PoolFailedError} once the pool gave up on its Workers.
   */
  poolWorker(pool: ActorPool): WorkerHandle {
    return poolWorkers(pool, this.#system).next();
  }

  /** A dead pool Worker's replacement, in its place (see pool_workers.ts). */
  heal(dead: WorkerHandle, reason: string, deliberate: boolean): void {
    const pool = this.#poolOf.get(dead);
    if (pool === undefined) return;
    this.#poolOf.delete(dead);
    if (this.#parts.shutdown.begun) return; // its place goes with the shutdown (endPools)
    pool.replace(dead, reason, deliberate);
  }

  /**
   * Starts a Worker (its thread at once, or after `delayMs`): one actor's own (`dedicated`), or
   * a pool's, serving its actors in turns of `batch` messages.
   * @throws whatever `new Worker` throws (permissions, resources), with nothing left taken.
   */
  start(dedicated: boolean, batch = 64, delayMs = 0): WorkerHandle {
    const { arena, courier, directory, guardian, settings, spawner } = this.#parts;
    let threadId = 0;
    const handle = spawner.withClaim(AGENT_MAILBOX_BYTES, 0, (claim) => {
      const { mailbox: agentMailbox, slot: agentSlot, generation } = claim;
      // An id only once the slot is had: a start into a full system uses up none of the 65,535
      // ids a system has over its life (a pool's place waiting for room tries at each spawn).
      threadId = arena.newThreadId();
      directory.setOwner(agentSlot, threadId);
      directory.setState(agentSlot, SlotState.Running);
      agentMailbox.setUserWord(SEND_TIMEOUT_WORD, FOREVER_MS);
      const agent = new ActorRef(agentSlot, generation, 0, courier);
      const boot: Bootstrap = {
        arena: arena.buffer,
        directory: directory.offset,
        threadId,
        agentSlot,
        agentGeneration: generation,
        agentMailbox: agentMailbox.offset,
        guardianSlot: guardian.slot,
        guardianGeneration: guardian.generation,
        sendTimeout: settings.sendTimeout,
        maxMessageBytes: settings.maxMessageBytes,
        mailboxCapacity: settings.mailboxCapacity,
        batch,
        dedicated,
        supervision: settings.strategy,
        nameBase: nameBase(),
        node: this.#parts.courier.node,
        outbox: this.#parts.cluster.outbox?.offset ?? 0,
        observer: this.#parts.workerObserver,
      };
      return startWorker(boot, agent, agentMailbox, {
        died: (dead, reason) => this.#parts.deaths.died(dead, reason),
      }, delayMs);
    });
    this.#workers.set(threadId, handle);
    return handle;
  }
}
