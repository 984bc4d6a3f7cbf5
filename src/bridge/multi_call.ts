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
  /**
   * The `next()`s that wait for a result to arrive, oldest first: one made before the last one
   * settled waits behind it, as with an async generator (each gets a result of its own).
   */
  readonly #waiting = new Fifo<(result: IteratorResult<MultiCallResult<R>>) => void>();
  /** Results not yet handed to a `next()`: expected, or arrived and unread. */
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
        // As a generator's body would (the calls' iterable threw): the iteration is over; the
        // calls sent before settle unread.
        this.#finished = true;
        return Promise.reject(error);
      }
    }
    if (this.#finished) return Promise.resolve(DONE);
    // (Results wait unread only while no next() waits.)
    if (this.#arrived.length > 0) {
      this.#outstanding--;
      return Promise.resolve({ value: this.#arrived.shift()!, done: false });
    }
    // Every result still expected is promised to a next() made before this one.
    if (this.#outstanding <= this.#waiting.length) return Promise.resolve(DONE);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Stops the iteration (a `break` out of `for await`); the calls still settle, unread. */
  return(): Promise<IteratorResult<MultiCallResult<R>>> {
    this.#finished = true;
    this.#send = null;
    while (this.#waiting.length > 0) this.#waiting.shift()!(DONE);
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #arrive(result: MultiCallResult<R>): void {
    if (this.#waiting.length === 0) {
      this.#arrived.push(result);
      return;
    }
    this.#outstanding--;
    this.#waiting.shift()!({ value: result, done: false });
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
