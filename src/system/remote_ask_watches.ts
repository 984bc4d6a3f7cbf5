/**
 * `RemoteAskWatches`: on the system's thread, which Workers have asks pending on which actors of
 * other nodes (see asks.ts), so that when one of those actors ends, or loses its Worker with
 * their requests (its node's `CallsLost`), the Workers asking it hear of it at once, as a Bridge
 * call does: the system waits on each such actor's end (`SystemCluster.whenEnded`: the guardian
 * watches it) while a Worker asks it. An end is told once, then forgotten, as in AskWatches; a
 * lost Worker is told to the desks whose asks it took, and the watch goes on.
 *
 * @module
 */

import { actorKey, type ActorRef, type Terminated } from "../actor/mod.ts";

/** Sends a desk an AskLost: `upTo` 0, the actor is gone; else the asks up to that tag are lost. */
type AskLostTeller = (
  desk: ActorRef<unknown>,
  target: ActorRef<unknown>,
  reason: string,
  upTo?: number,
) => void;

/** The Workers asking one actor of another node, by their agent's slot, and the system's wait. */
interface Watchers {
  readonly target: ActorRef<unknown>;
  readonly desks: Map<number, ActorRef<unknown>>;
  /** Aborted to give the system's wait up (the guardian then unwatches the actor). */
  readonly given: AbortController;
}

/** The Workers' watches on actors of other nodes they ask, by `node:slot.generation`. */
export class RemoteAskWatches {
  readonly #byTarget = new Map<string, Watchers>();
  readonly #whenEnded: (target: ActorRef<unknown>, signal: AbortSignal) => Promise<Terminated>;
  readonly #tell: AskLostTeller;

  /**
   * @param whenEnded the system's wait for an actor's end (given up when `signal` aborts).
   * @param tell sends the desk news that `target` is lost (an AskLost).
   */
  constructor(
    whenEnded: (target: ActorRef<unknown>, signal: AbortSignal) => Promise<Terminated>,
    tell: AskLostTeller,
  ) {
    this.#whenEnded = whenEnded;
    this.#tell = tell;
  }

  /** How many actors are watched. */
  get size(): number {
    return this.#byTarget.size;
  }

  /** `desk` wants to hear when `target`, an actor of another node, is lost. */
  watch(desk: ActorRef<unknown>, target: ActorRef<unknown>): void {
    const key = actorKey(target);
    let watchers = this.#byTarget.get(key);
    if (watchers === undefined) {
      const made: Watchers = watchers = { target, desks: new Map(), given: new AbortController() };
      this.#byTarget.set(key, made);
      this.#whenEnded(target, made.given.signal).then((end) => {
        if (this.#byTarget.get(key) === made) this.#lost(key, made, end.reason);
      });
    }
    watchers.desks.set(desk.slot, desk);
  }

  /** `desk` no longer asks `target`. */
  unwatch(desk: ActorRef<unknown>, target: ActorRef<unknown>): void {
    const key = actorKey(target);
    const watchers = this.#byTarget.get(key);
    // A desk in the same slot is another Worker's agent: its watch stays.
    if (watchers?.desks.get(desk.slot)?.generation !== desk.generation) return;
    watchers.desks.delete(desk.slot);
    if (watchers.desks.size > 0) return;
    this.#byTarget.delete(key);
    watchers.given.abort();
  }

  /**
   * `target`'s node says it lost its Worker with the calls it had taken (`calls`: for each reply
   * address, slot, generation and last tag; see CallsLost): each desk among them is told up to
   * which tag its asks get no reply. It is being restarted: the watches go on.
   */
  callsLost(target: ActorRef<unknown>, reason: string, calls: readonly number[]): void {
    const watchers = this.#byTarget.get(actorKey(target));
    if (watchers === undefined) return;
    for (let i = 0; i < calls.length; i += 3) {
      if (calls[i] === 0) { // every address of this node (see CallsLost): every ask
        for (const desk of watchers.desks.values()) this.#tell(desk, target, reason, -1);
        return;
      }
      const desk = watchers.desks.get(calls[i]);
      if (desk?.generation === calls[i + 1]) this.#tell(desk, target, reason, calls[i + 2]);
    }
  }

  /** The Worker whose agent is `desk` is gone: nobody there asks any more. */
  forget(desk: ActorRef<unknown>): void {
    for (const [key, watchers] of this.#byTarget) {
      const known = watchers.desks.get(desk.slot);
      if (known === undefined || known.generation !== desk.generation) continue;
      watchers.desks.delete(desk.slot);
      if (watchers.desks.size > 0) continue;
      this.#byTarget.delete(key);
      watchers.given.abort();
    }
  }

  #lost(key: string, watchers: Watchers, reason: string): void {
    this.#byTarget.delete(key);
    watchers.given.abort();
    for (const desk of watchers.desks.values()) this.#tell(desk, watchers.target, reason);
  }
}
