/**
 * The Bridge's waits for actors' ends (`Bridge.whenTerminated`): each settles once — with the
 * actor's end, its signal's reason, or an error when the Bridge closes first, so that no wait
 * outlives its Bridge.
 *
 * @module
 */

import type { ActorRef, Terminated } from "../actor/mod.ts";
import { SystemClosedError } from "../system/errors.ts";

type WhenEnded = (ref: ActorRef<unknown>) => Promise<Terminated>;

/** One Bridge's waits for actors' ends. */
export class EndWaits {
  readonly #whenEnded: WhenEnded;
  /** How to reject each wait still pending. */
  readonly #pending = new Set<(error: unknown) => void>();
  /**
   * The waits on each actor's end, by the actor (`node:slot.generation`): one wait on the system
   * per actor, however many here. A wait given up (its signal aborted) leaves its set; it left
   * a waiter in the system for good before, so a loop of waits with a timeout on a long-lived
   * actor grew without bound.
   */
  readonly #byTarget = new Map<string, Set<(end: Terminated) => void>>();

  /** @param whenEnded resolves when the actor ends (the system's registry). */
  constructor(whenEnded: WhenEnded) {
    this.#whenEnded = whenEnded;
  }

  /** Resolves when `target` ends; rejects with `signal`'s reason when it aborts first. */
  wait(
    target: ActorRef<unknown>,
    signal: AbortSignal | undefined,
  ): Promise<Terminated> {
    return new Promise<Terminated>((resolve, reject) => {
      const key = `${target.node}:${target.slot}.${target.generation}`;
      let done = false;
      const settle = (ok: boolean, value: unknown) => {
        if (done) return;
        done = true;
        this.#pending.delete(fail);
        this.#byTarget.get(key)?.delete(ended);
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
        const these = waits = new Set();
        this.#byTarget.set(key, these);
        this.#whenEnded(target).then((end) => {
          if (this.#byTarget.get(key) === these) this.#byTarget.delete(key);
          for (const each of [...these]) each(end);
        });
      }
      waits.add(ended);
    });
  }

  /** The Bridge closed: every pending wait rejects with `SystemClosedError`. */
  close(): void {
    for (const fail of [...this.#pending]) {
      fail(
        new SystemClosedError(
          "stopped waiting for an actor: the Bridge was closed",
        ),
      );
    }
  }
}
