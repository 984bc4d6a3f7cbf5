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

/**
 * The results of one multiCall, in the order they arrive: an async iterator written out, not an
 * async generator, so a result that is already in costs one settled promise, not the few hops
 * of a generator's `yield` (a fan-out of 10,000 calls takes 10,000 of them). Its calls are sent
 * when the first result is asked for, as the generator's body would.
 */
export class MultiCallResults<R> implements AsyncIterableIterator<MultiCallResult<R>> {
  readonly #arrived = new Fifo<MultiCallResult<R>>();
  /** Resolves the `next()` that waits for a result to arrive. */
  #waiting: ((result: IteratorResult<MultiCallResult<R>>) => void) | null = null;
  #outstanding = 0;
  #send: (() => void) | null;
  #finished = false;

  /** @param send sends the calls, at the first `next()`. */
  constructor(send: () => void) {
    this.#send = send;
  }

  /** Counts one more call; returns its index. */
  expect(): number {
    return this.#outstanding++;
  }

  /** The call `index` to `target` got `reply` (or its default). */
  replied(index: number, target: ActorRef<never>, reply: R): void {
    this.#arrive({ index, target, reply });
  }

  /** The call `index` to `target` failed with `error`. */
  failed(index: number, target: ActorRef<never>, error: unknown): void {
    this.#arrive({
      index,
      target,
      error: error instanceof Error ? error : new Error(String(error)),
    });
  }

  /** The next result once it arrives; done once every call expected has one. */
  next(): Promise<IteratorResult<MultiCallResult<R>>> {
    const send = this.#send;
    if (send !== null) {
      this.#send = null;
      try {
        send();
      } catch (error) {
        return Promise.reject(error); // as a generator's body would (the calls' iterable threw)
      }
    }
    if (this.#arrived.length > 0) {
      this.#outstanding--;
      return Promise.resolve({ value: this.#arrived.shift()!, done: false });
    }
    if (this.#outstanding === 0 || this.#finished) return Promise.resolve(DONE);
    return new Promise((resolve) => this.#waiting = resolve);
  }

  /** Stops the iteration (a `break` out of `for await`); the calls still settle, unread. */
  return(): Promise<IteratorResult<MultiCallResult<R>>> {
    this.#finished = true;
    this.#send = null;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #arrive(result: MultiCallResult<R>): void {
    const waiting = this.#waiting;
    if (waiting === null) {
      this.#arrived.push(result);
      return;
    }
    this.#waiting = null;
    this.#outstanding--;
    waiting({ value: result, done: false });
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
