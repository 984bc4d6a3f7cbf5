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
import { ArenaFullError } from "../ring/mod.ts";
import { AGENT_NAME, FOREVER_MS } from "./claim.ts";
import { Retire } from "./control.ts";
import { SEND_TIMEOUT_WORD, SlotState } from "../delivery/mod.ts";
import type { ActorSystem } from "./actor_system.ts";
import { PoolWorkers } from "./pool_workers.ts";
import type { SystemParts } from "./system_parts.ts";
import type { Bootstrap } from "./worker/worker_main.ts";
import { startWorker, type WorkerHandle } from "./workers.ts";

const AGENT_MAILBOX_BYTES = 1 << 16;

/** The most idle dedicated Workers a system keeps for the next actors of their own. */
export const SPARE_WORKERS = 4;

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
   * Dedicated Workers whose actors have all stopped, kept for the next actors of their own (the
   * last one to go idle first): a Worker costs ~3× a bare one to start (the runtime's modules),
   * and each one started uses up one of the 65,535 thread ids a system has over its life, so a
   * program that spawns and stops actors of their own, a few at a time, for days, must not start
   * one per spawn. At most {@link SPARE_WORKERS}; not counted in {@link size}.
   */
  readonly #spares: WorkerHandle[] = [];
  /**
   * The directory's kept slots (see Directory.create) that no spare's agent holds, each held
   * here with no actor in it: spares and these are {@link SPARE_WORKERS} slots, none of them
   * among the program's maxActors, so an idle spare never makes a spawn fail for want of a slot
   * — a claim in a Worker (an actor's child) could not wait for a spare to give its slot back.
   */
  readonly #keptSlots: number[] = [];
  /**
   * Workers told to retire (see {@link outOfRoom}, {@link idle}): each ends, for nothing is placed
   * in a Worker that is neither a spare nor an actor's. A spare's own idle report may come after
   * its retirement (the end of its last actor made it the spare: see {@link emptied}); kept
   * again, a spawn would be placed in a Worker that ends, and moved (its start held up) when it
   * did, or fail then for want of memory.
   */
  readonly #retired = new WeakSet<WorkerHandle>();
  /**
   * Kept slots neither held here nor by a spare (taken while the system was full, or held by a
   * spare retired for want of memory until its Worker ends, or by a spare that died until its
   * recovery frees its agent's slot): taken as slots come back
   * ({@link freeSlot}). Only a slot another thread frees (a Bridge's, a child's
   * claim in a Worker that failed), or takes first, leaves one owed until the next comes back:
   * until then the program may have that many actors beyond its maxActors.
   */
  #owed = SPARE_WORKERS;

  constructor(parts: SystemParts, system: ActorSystem) {
    this.#parts = parts;
    this.#system = system;
  }

  /** How many Workers run (or wait to start), the spares not counted. */
  get size(): number {
    return this.#workers.size - this.#spares.length;
  }

  /**
   * A Worker for an actor of its own: a spare, if one is ready, else a new one.
   * @throws {ArenaFullError} when the system has no slot for the Worker's agent, as a new
   * Worker's start does: a spare's slot becomes the program's, and a kept slot is taken for it.
   */
  takeDedicated(): WorkerHandle {
    const spare = this.#spares.at(-1);
    if (spare === undefined) return this.start(true);
    this.#holdKeptSlot(); // throws when full: the spare stays one
    this.#spares.pop();
    return spare;
  }

  /**
   * A dedicated Worker hosts no actor any more: it becomes a spare, unless there are enough,
   * or the system shuts down; then it is retired.
   */
  idle(handle: WorkerHandle): void {
    // Made a spare already, as the end of its last actor was heard (see emptied).
    if (this.#spares.includes(handle)) return;
    if (this.#retired.has(handle)) return; // told once: it ends
    // An actor placed in it since it reported (`near` its last one, as that one stopped): not
    // idle after all; it reports again once that one ends.
    if (this.#parts.registry.hostedBy(handle).length > 0) return;
    if (!handle.dead && !this.#parts.shutdown.begun && this.#keep(handle)) return;
    this.#retire(handle);
  }

  /**
   * The system has heard of the end of an actor of `handle`: a dedicated Worker that hosts no
   * actor any more becomes a spare now, if it would once its own report (WorkerIdle) comes.
   * That report follows the end report, and often comes after whatever the program does once
   * it hears of the end: a spawn made then found no spare and started a Worker of its own (one
   * cycle in three of spawning and stopping an actor in a row did), each using up one of the
   * system's thread ids for good. Otherwise its report decides (a Worker retired twice would
   * be told twice).
   */
  emptied(handle: WorkerHandle): void {
    if (
      !handle.dedicated || handle.dead || this.#parts.shutdown.begun ||
      !this.#workers.has(handle.threadId) || this.#spares.includes(handle) ||
      this.#retired.has(handle) || this.#parts.registry.hostedBy(handle).length > 0
    ) return;
    this.#keep(handle);
  }

  /**
   * Makes `handle` a spare, if there are fewer than {@link SPARE_WORKERS}: its agent's slot
   * stands for a kept slot from now on, which goes back to the program's.
   */
  #keep(handle: WorkerHandle): boolean {
    if (this.#spares.length >= SPARE_WORKERS) return false;
    const slot = this.#keptSlots.pop();
    // None held: one is owed (spares, held and owed are SPARE_WORKERS), and this one pays it.
    if (slot === undefined) this.#owed--;
    else this.#parts.directory.free(slot);
    this.#spares.push(handle);
    return true;
  }

  /**
   * Takes one kept slot, for a spare that became the program's Worker.
   * @throws {ArenaFullError} when every slot is taken.
   */
  #holdKeptSlot(): void {
    const { directory } = this.#parts;
    const slot = directory.allocate(0, 0);
    directory.retire(slot); // no actor: dead to any ref, with no mailbox
    this.#keptSlots.push(slot);
  }

  /**
   * Takes the kept slots owed (all of them as the system starts), as far as there is room: a
   * spare that left while the system was full owes one until a slot comes back.
   */
  holdKeptSlots(): void {
    while (this.#owed > 0) {
      try {
        this.#holdKeptSlot();
      } catch (error) {
        // Owed still: taken as the next slot comes back (see freeSlot).
        if (error instanceof ArenaFullError) return;
        throw error;
      }
      this.#owed--;
    }
  }

  /**
   * Frees `slot` (an ended actor's, a Worker's agent's) on the system's thread; a kept slot owed
   * takes it at once. Freed to the program instead, the slots of spares retired while the system
   * was full, or of a spare that died then, were the program's beyond its maxActors: they came
   * back as those Workers ended, and the program, keeping the system full, took each before an
   * actor's end could pay what was owed.
   */
  freeSlot(slot: number): void {
    this.#parts.directory.free(slot);
    if (this.#owed > 0) this.holdKeptSlots();
  }

  /**
   * A claim found the system full. With slots left, its memory ran out: the spares' agents'
   * mailboxes are the system's, and go back to the pool as their Workers end (a spawn tried
   * again then finds them). With none left, retiring them would give the program no slot (theirs
   * are kept ones): they stay. Their agents' slots stand for the kept ones until they come back
   * ({@link freeSlot}): taken from the free ones now, the system held up to twice its kept
   * slots while the spares ended, and a spawn into a system not yet full failed.
   */
  outOfRoom(): void {
    const { directory } = this.#parts;
    if (this.#spares.length === 0 || directory.live >= directory.capacity - 1) return;
    for (const spare of this.#spares.splice(0)) {
      this.#owed++;
      this.#retire(spare);
    }
  }

  #retire(handle: WorkerHandle): void {
    const { courier, guardian, spawner } = this.#parts;
    this.#retired.add(handle);
    spawner.sendStarts(handle); // a start placed in it before goes first
    courier.deliver(handle.agent, new Retire(), guardian);
  }

  /** No more spares (the system shuts down); the spares end with the other Workers. */
  stopSpares(): void {
    this.#spares.length = 0;
  }

  /** The system has shut down: its pools have no Worker any more, nor a place for one. */
  endPools(): void {
    for (const pool of this.#pools) pool.endAll();
    this.#pools.clear();
  }

  /** The running Workers, the idle spares left out. */
  inUse(): WorkerHandle[] {
    const spares = this.#spares;
    return Array.from(this.#workers.values()).filter((handle) => !spares.includes(handle));
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
    const spare = this.#spares.indexOf(handle);
    if (spare < 0) return;
    // A spare died: its agent's slot stands for the kept slot owed until its recovery frees it
    // (see freeSlot). Taken from the free ones now, the system held one more kept slot meanwhile,
    // and a spawn into a system not yet full (the program's last slot) failed.
    this.#spares.splice(spare, 1);
    this.#owed++;
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
    const handle = spawner.withClaim(AGENT_MAILBOX_BYTES, 0, AGENT_NAME, (claim) => {
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
