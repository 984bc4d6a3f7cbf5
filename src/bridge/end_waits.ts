/**
 * The Bridge's waits for actors' ends (`Bridge.whenTerminated`): each settles once — with the
 * actor's end, its signal's reason, or an error when the Bridge closes first, so that no wait
 * outlives its Bridge.
 *
 * @module
 */

import type { ActorRef, Terminated } from "../actor/mod.ts";
import { SystemClosedError } from "../system/errors.ts";

/** Resolves when the actor ends; once `signal` aborts, the system lets go of the wait. */
type WhenEnded = (ref: ActorRef<unknown>, signal: AbortSignal) => Promise<Terminated>;

/** The waits here on one actor's end, and how to give up the one wait on the system for them. */
interface TargetWaits {
  readonly waits: Set<(end: Terminated) => void>;
  readonly given: AbortController;
}

/** One Bridge's waits for actors' ends. */
export class EndWaits {
  readonly #whenEnded: WhenEnded;
  /** How to reject each wait still pending. */
  readonly #pending = new Set<(error: unknown) => void>();
  /**
   * The waits on each actor's end, by the actor (`node:slot.generation`): one wait on the system
   * per actor, however many here. A wait given up (its signal aborted) leaves its set; it left
   * a waiter in the system for good before, so a loop of waits with a timeout on a long-lived
   * actor grew without bound. The wait on the system is given up when the Bridge closes: the
   * system held it, and through it the whole Bridge, until the actor ended, so a program that
   * made a Bridge per request to wait on a long-lived actor kept every one of them.
   */
  readonly #byTarget = new Map<string, TargetWaits>();

  /** @param whenEnded resolves when the actor ends (the system's registry), until given up. */
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
        this.#byTarget.get(key)?.waits.delete(ended);
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
      let these = this.#byTarget.get(key);
      if (these === undefined) {
        const made: TargetWaits = these = { waits: new Set(), given: new AbortController() };
        this.#byTarget.set(key, made);
        this.#whenEnded(target, made.given.signal).then((end) => {
          if (this.#byTarget.get(key) === made) this.#byTarget.delete(key);
          for (const each of [...made.waits]) each(end);
        });
      }
      these.waits.add(ended);
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
    for (const { given } of this.#byTarget.values()) given.abort();
    this.#byTarget.clear();
  }
}
