/**
 * `AskWatches`: on the system's thread, which Workers have asks pending on which actors (see
 * asks.ts), so that when one of those actors ends or loses its Worker, the Workers asking it
 * hear of it at once — what a Bridge learns from the system's loss notifications directly.
 * Each watch is told once, then forgotten.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";

/** Who watches one actor: its generation, and the desks (Worker agents) by their slot. */
interface Watchers {
  readonly generation: number;
  readonly desks: Map<number, ActorRef<unknown>>;
}

/** The Workers' watches on actors they ask, by the actor's slot. */
export class AskWatches {
  readonly #bySlot = new Map<number, Watchers>();
  readonly #tell: (
    desk: ActorRef<unknown>,
    target: ActorRef<unknown>,
    reason: string,
  ) => void;

  /** @param tell sends the desk news that `target` is lost (an AskLost). */
  constructor(
    tell: (
      desk: ActorRef<unknown>,
      target: ActorRef<unknown>,
      reason: string,
    ) => void,
  ) {
    this.#tell = tell;
  }

  /** How many actors are watched. */
  get size(): number {
    return this.#bySlot.size;
  }

  /** `desk` wants to hear when `target` (a live actor) is lost. */
  watch(desk: ActorRef<unknown>, target: ActorRef<unknown>): void {
    let watchers = this.#bySlot.get(target.slot);
    if (watchers === undefined || watchers.generation !== target.generation) {
      // A watch on an earlier actor of the slot is moot: that actor was lost already.
      watchers = { generation: target.generation, desks: new Map() };
      this.#bySlot.set(target.slot, watchers);
    }
    watchers.desks.set(desk.slot, desk);
  }

  /** `desk` no longer waits on `target`. */
  unwatch(desk: ActorRef<unknown>, target: ActorRef<unknown>): void {
    const watchers = this.#bySlot.get(target.slot);
    if (watchers === undefined || watchers.generation !== target.generation) {
      return;
    }
    // A desk in the same slot is another Worker's agent: its watch stays.
    if (watchers.desks.get(desk.slot)?.generation !== desk.generation) return;
    watchers.desks.delete(desk.slot);
    if (watchers.desks.size === 0) this.#bySlot.delete(target.slot);
  }

  /** Calls to the actor `slot`/`generation` will get no reply: tells its watchers, once. */
  lost(
    slot: number,
    generation: number,
    reason: string,
    target: () => ActorRef<unknown>,
  ): void {
    const watchers = this.#bySlot.get(slot);
    if (watchers === undefined || watchers.generation !== generation) return;
    this.#bySlot.delete(slot);
    const ref = target();
    for (const desk of watchers.desks.values()) this.#tell(desk, ref, reason);
  }

  /** The Worker whose agent is `desk` is gone: nobody there waits any more. */
  forget(desk: ActorRef<unknown>): void {
    for (const [slot, watchers] of this.#bySlot) {
      const known = watchers.desks.get(desk.slot);
      if (known === undefined || known.generation !== desk.generation) continue;
      watchers.desks.delete(desk.slot);
      if (watchers.desks.size === 0) this.#bySlot.delete(slot);
    }
  }
}
