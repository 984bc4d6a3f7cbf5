/**
 * The Bridge's waits for actors' ends (`Bridge.whenTerminated`): each settles once — with the
 * actor's end, its signal's reason, or an error when the Bridge closes first, so that no wait
 * outlives its Bridge.
 *
 * @module
 */

import { actorKey, type ActorRef, type Terminated } from "../actor/mod.ts";
import { SystemClosedError } from "../system/errors.ts";
import { LingeringWaits, type WhenEnded } from "./lingering_waits.ts";

/** One Bridge's waits for actors' ends. */
export class EndWaits {
  /** How to reject each wait still pending. */
  readonly #pending = new Set<(error: unknown) => void>();
  /**
   * The waits on each actor's end, by the actor (`node:slot.generation`): one wait on the system
   * per actor, however many here. A wait given up (its signal aborted) leaves its set; it left
   * a waiter in the system for good before, so a loop of waits with a timeout on a long-lived
   * actor grew without bound. The wait on the system is held while a wait here is on, and for a
   * while after (see lingering_waits.ts): it held, until the actor ended, the whole Bridge before
   * (a program that made a Bridge per request to wait on a long-lived actor kept every one of
   * them), and for an actor of another node a watch of it on both nodes.
   */
  readonly #byTarget = new Map<string, Set<(end: Terminated) => void>>();
  readonly #system: LingeringWaits;

  /**
   * @param whenEnded resolves when the actor ends (the system's registry), until given up.
   * @param lingerMs how long the system's wait stays once no wait here is on (default: see
   * lingering_waits.ts).
   */
  constructor(whenEnded: WhenEnded, lingerMs?: number) {
    this.#system = new LingeringWaits(whenEnded, (target, end) => {
      const key = actorKey(target);
      const waits = this.#byTarget.get(key);
      if (waits === undefined) return;
      this.#byTarget.delete(key);
      for (const each of [...waits]) each(end);
    }, lingerMs);
  }

  /** Resolves when `target` ends; rejects with `signal`'s reason when it aborts first. */
  wait(
    target: ActorRef<unknown>,
    signal: AbortSignal | undefined,
  ): Promise<Terminated> {
    return new Promise<Terminated>((resolve, reject) => {
      const key = actorKey(target);
      let done = false;
      const settle = (ok: boolean, value: unknown) => {
        if (done) return;
        done = true;
        this.#pending.delete(fail);
        const waits = this.#byTarget.get(key);
        if (waits?.delete(ended) && waits.size === 0) {
          // The last wait here gave up: the system's one for them is let go (in a while).
          this.#byTarget.delete(key);
          this.#system.release(target);
        }
        signal?.removeEventListener("abort", onAbort);
        if (ok) resolve(value as Terminated);
        else reject(value);
      };
      const fail = (error: unknown) => settle(false, error);
      const ended = (end: Terminated) => settle(true, end);
      const onAbort = () => fail(signal!.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.add(fail);
      let waits = this.#byTarget.get(key);
      if (waits === undefined) {
        this.#byTarget.set(key, waits = new Set());
        this.#system.hold(target);
      }
      waits.add(ended);
    });
  }

  /**
   * The Bridge closed: every pending wait rejects with `SystemClosedError`, and the system lets
   * go of this Bridge's waits.
   */
  close(): void {
    for (const fail of [...this.#pending]) {
      fail(
        new SystemClosedError(
          "stopped waiting for an actor: the Bridge was closed",
        ),
      );
    }
    this.#system.close();
    this.#byTarget.clear();
  }
}
