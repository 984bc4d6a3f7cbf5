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
      let done = false;
      const settle = (ok: boolean, value: unknown) => {
        if (done) return;
        done = true;
        this.#pending.delete(fail);
        signal?.removeEventListener("abort", onAbort);
        if (ok) resolve(value as Terminated);
        else reject(value);
      };
      const fail = (error: unknown) => settle(false, error);
      const onAbort = () => fail(signal!.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.add(fail);
      this.#whenEnded(target).then((end) => settle(true, end));
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
