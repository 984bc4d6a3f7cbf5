/**
 * `ActorPool`: a set of Workers that host many actors each. A Worker costs ~8 ms to start and
 * ~7 MiB, so thousands of actors need many per Worker; each Worker serves its actors' mailboxes
 * in turns of a batch of messages, so a flooded actor cannot starve the others.
 *
 * @module
 */

import type { ActorRef, MessagesOf } from "../actor/mod.ts";
import type { ActorClass, ActorSystem } from "./actor_system.ts";
import type { SpawnOptions } from "./options.ts";
import { INTERNALS } from "./internal.ts";
import type { PoolWorkers } from "./pool_workers.ts";

/** How to make a pool (see `ActorSystem.createPool`). */
export interface PoolOptions {
  /** How many Workers. Default: one per core (`navigator.hardwareConcurrency`). */
  workers?: number;
  /** Bytes in each pooled actor's mailbox ring, a power of two. Default 1024. */
  mailboxCapacity?: number;
  /** Messages an actor handles in a turn before its Worker moves to the next one. Default 64. */
  batch?: number;
}

/** @internal The Workers of a pool, for the system that made it. */
export function poolWorkers(pool: ActorPool, system: ActorSystem): PoolWorkers {
  const inside = pool[INTERNALS];
  if (inside.system !== system) {
    throw new TypeError("that pool belongs to another actor system");
  }
  return inside.workers;
}

/**
 * Workers that host many actors each. Make one with `system.createPool()`.
 *
 * A pool heals: a Worker of it that dies (an uncaught error, `Deno.exit`, `system.kill`) is
 * replaced by a new one, and the actors its supervisors restart land on live Workers. A Worker
 * that dies within a second of its start is replaced after a short wait (50 ms, doubled each
 * time in a row); when a sixth such death comes in a row in one place, the pool gives that place up, and
 * once it has none left spawning into it throws `PoolFailedError`.
 *
 * @example 10,000 actors on two Workers
 * ```ts
 * import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "@ringmail/actors";
 *
 * export class Counter extends Actor<number> {
 *   static readonly module = import.meta.url;
 *   #total = 0;
 *   @handles(Number)
 *   add(n: number, sender: ActorRef | null) {
 *     this.#total += n;
 *     sender?.send(this.#total);
 *   }
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const pool = system.createPool({ workers: 2 });
 *   const counters = Array.from({ length: 10_000 }, () => pool.spawn(Counter));
 *   console.log(await bridge.call(counters[9_999], 5, { timeout: 10_000 })); // 5
 * }
 * ```
 */
export class ActorPool {
  /** Bytes in the mailbox ring of each actor spawned here (unless a spawn says otherwise). */
  readonly mailboxCapacity: number;
  readonly #system: ActorSystem;
  /**
   * Its system and Workers, for the system (see internal.ts); not for users.
   *
   * @ignore
   */
  readonly [INTERNALS]: {
    readonly system: ActorSystem;
    readonly workers: PoolWorkers;
  };

  /** @internal Pools are made by `ActorSystem.createPool`. */
  constructor(
    system: ActorSystem,
    workers: PoolWorkers,
    mailboxCapacity: number,
  ) {
    this.#system = system;
    this.mailboxCapacity = mailboxCapacity;
    this[INTERNALS] = { system, workers };
  }

  /**
   * How many Workers the pool has: as many as it was made with, since a dead one is replaced at
   * once, unless it gave up on some that kept dying at their start; none once the system has
   * shut down.
   */
  get size(): number {
    return this[INTERNALS].workers.size;
  }

  /**
   * Starts an actor of `actorClass` on one of the pool's Workers (round-robin) and returns its
   * ref at once, as `ActorSystem.spawn` does.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param args the constructor's arguments; they travel to the Worker through the codec.
   * @returns the new actor's ref.
   * @throws {PoolFailedError} when the pool gave up on its Workers (they kept dying at start).
   */
  spawn<C extends ActorClass>(
    actorClass: C,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    return this.#system.spawnWith(actorClass, { pool: this }, ...args);
  }

  /**
   * {@link spawn} with options: a name, a mailbox size, a send timeout, or `near` another actor.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param options the spawn's options.
   * @param args the constructor's arguments.
   * @returns the new actor's ref.
   */
  spawnWith<C extends ActorClass>(
    actorClass: C,
    options: Omit<SpawnOptions, "pool">,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    return this.#system.spawnWith(
      actorClass,
      { ...options, pool: this },
      ...args,
    );
  }
}
