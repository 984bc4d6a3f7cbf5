/**
 * The Workers of a pool, and how a pool heals. Each Worker that dies is replaced at once, in its
 * place, by a new one with the same settings: the pool keeps its size, and the actors their
 * supervisors restart find live Workers to land on.
 *
 * Healing is bounded. A Worker that dies young (within {@link YOUNG_MS} of its start) may have
 * been killed by something every new Worker meets again (an actor's module or `preStart`, a
 * resource it cannot get): its replacement waits before it starts, {@link FIRST_BACKOFF_MS}
 * doubled for each young death in a row in that place, and after {@link MAX_YOUNG_DEATHS} in a
 * row the place is given up. A pool with no place left has failed: spawning into it throws
 * `PoolFailedError`. Deaths the program asked for (`system.kill`) do not count.
 *
 * A replacement that cannot start because the system is full (its slots and memory all taken:
 * the dead Worker's own come back only once its recovery is done) keeps its place: the place is
 * filled again at the next look for a Worker in it, once there is room.
 *
 * @module
 */

import { ArenaFullError } from "../ring/mod.ts";
import { couldNotStart, PoolFailedError } from "./errors.ts";
import type { WorkerHandle } from "./workers.ts";

/** A Worker that dies within this many ms of its start died young. */
export const YOUNG_MS = 1000;
/** How long the replacement of a Worker that died young waits; doubled for each in a row. */
export const FIRST_BACKOFF_MS = 50;
/** Young deaths in a row in one place before the pool gives that place up. */
export const MAX_YOUNG_DEATHS = 5;

interface Place {
  /** Its Worker: a dead one while the place waits for room (see {@link PoolWorkers.next}). */
  worker: WorkerHandle;
  /** Young deaths in a row of the Workers in this place. */
  youngDeaths: number;
  /** Whether its Worker died while the system was full: it is started again once there is room. */
  waitsForRoom: boolean;
}

/** Starts a Worker for the pool, at once or after `delayMs`. */
export type StartPoolWorker = (delayMs: number) => WorkerHandle;

/** The Workers of one pool, for the system that made it. */
export class PoolWorkers {
  /** Messages an actor handles in a turn (every Worker of the pool, replacements too). */
  readonly batch: number;
  readonly #places: Place[];
  #next = 0;
  /** Why the pool failed, once it has. */
  #failure: string | null = null;

  readonly #start: StartPoolWorker;

  constructor(batch: number, workers: readonly WorkerHandle[], start: StartPoolWorker) {
    this.batch = batch;
    this.#start = start;
    this.#places = workers.map((worker) => ({ worker, youngDeaths: 0, waitsForRoom: false }));
  }

  /** How many Workers the pool has now: one per place it still keeps (started or starting). */
  get size(): number {
    return this.#places.length;
  }

  /**
   * The Worker for the next actor, round-robin.
   * @throws {PoolFailedError} once the pool has given up its last place.
   */
  next(): WorkerHandle {
    const places = this.#places;
    const first = this.#next++;
    let full: ArenaFullError | null = null;
    for (let i = 0; i < places.length; i++) {
      const place = places[(first + i) % places.length];
      if (place.waitsForRoom) {
        try {
          place.worker = this.#start(0);
          place.waitsForRoom = false;
        } catch (error) {
          if (!(error instanceof ArenaFullError)) throw error;
          full = error;
          continue;
        }
      }
      if (!place.worker.dead) return place.worker;
    }
    // Still full: the spawn meets what any spawn into a full system does.
    if (full !== null) throw full;
    throw new PoolFailedError(
      this.#failure ?? "every Worker of the pool has died",
    );
  }

  /**
   * `dead`, a Worker of this pool, died: puts a replacement in its place, or leaves the place
   * waiting for room (the system is full), or gives it up.
   * @param deliberate whether the program asked for the death (it never counts as young).
   * @returns the replacement, or null when there is none now.
   */
  replace(dead: WorkerHandle, reason: string, deliberate: boolean): WorkerHandle | null {
    const index = this.#places.findIndex((place) => place.worker === dead);
    if (index < 0) return null;
    const place = this.#places[index];
    // NaN (it never started) is young too.
    const young = !deliberate &&
      !(performance.now() - dead.startedAt >= YOUNG_MS);
    place.youngDeaths = young ? place.youngDeaths + 1 : 0;
    if (place.youngDeaths > MAX_YOUNG_DEATHS) {
      this.#giveUp(
        index,
        `every Worker started in one of the pool's places died within ${YOUNG_MS} ms of its ` +
          `start, ${place.youngDeaths} times in a row (the last: ${reason})`,
      );
      return null;
    }
    const delayMs = place.youngDeaths === 0 ? 0 : FIRST_BACKOFF_MS * 2 ** (place.youngDeaths - 1);
    try {
      place.worker = this.#start(delayMs);
    } catch (error) {
      if (error instanceof ArenaFullError) {
        // The dead Worker's slots come back with its recovery: the place waits for them.
        place.waitsForRoom = true;
        return null;
      }
      this.#giveUp(
        index,
        couldNotStart(`a Worker to replace one that died (${reason})`, error),
      );
      return null;
    }
    return place.worker;
  }

  /** The system has shut down: every place goes with it. */
  endAll(): void {
    this.#places.length = 0;
    this.#failure ??= "the actor system shut down";
  }

  #giveUp(index: number, why: string): void {
    this.#places.splice(index, 1);
    if (this.#places.length > 0) return;
    this.#failure = `${why}: the pool gave up on its Workers. Find what kills them (often an ` +
      `actor's module or its preStart), then spawn into a new pool`;
  }
}
