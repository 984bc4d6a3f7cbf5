/**
 * The results of one `Bridge.multiCall`: the calls' outcomes come in as they settle, the caller's
 * `for await` takes them out in that order, and the loop ends once every call has one.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import { Fifo } from "../util/fifo.ts";

/**
 * One result of {@link Bridge.multiCall}: the reply, or why there is none, with the call it
 * answers — its target and its `index` in the calls given (many calls may go to one actor).
 */
export type MultiCallResult<R> =
  | {
    readonly index: number;
    readonly target: ActorRef<never>;
    readonly reply: R;
    readonly error?: undefined;
  }
  | {
    readonly index: number;
    readonly target: ActorRef<never>;
    readonly reply?: undefined;
    readonly error: Error;
  };

/** The results of one multiCall, in the order they arrive. */
export class MultiCallResults<R> implements AsyncIterable<MultiCallResult<R>> {
  readonly #arrived = new Fifo<MultiCallResult<R>>();
  #wake: (() => void) | null = null;
  #outstanding = 0;

  /** Counts one more call; returns its index. */
  expect(): number {
    return this.#outstanding++;
  }

  /** The call `index` to `target` got `reply` (or its default). */
  replied(index: number, target: ActorRef<never>, reply: R): void {
    this.#arrived.push({ index, target, reply });
    this.#wake?.();
  }

  /** The call `index` to `target` failed with `error`. */
  failed(index: number, target: ActorRef<never>, error: unknown): void {
    this.#arrived.push({
      index,
      target,
      error: error instanceof Error ? error : new Error(String(error)),
    });
    this.#wake?.();
  }

  /** Yields the results as they arrive, until every call expected has one. */
  async *[Symbol.asyncIterator](): AsyncIterator<MultiCallResult<R>> {
    const arrived = this.#arrived;
    while (this.#outstanding > 0) {
      if (arrived.length === 0) {
        await new Promise<void>((resolve) => this.#wake = resolve);
      }
      this.#wake = null;
      while (arrived.length > 0) {
        this.#outstanding--;
        yield arrived.shift()!;
      }
    }
  }
}
