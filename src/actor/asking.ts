/**
 * What an actor awaits besides its mailbox: the reply to an ask (`this.context.ask`), and a
 * promise whose outcome it has sent to itself (`this.context.pipeToSelf`).
 *
 * @module
 */

import type { AskOptions } from "./actor.ts";
import type { ActorCell } from "./actor_cell.ts";
import { type ActorRef, checkRef } from "./actor_ref.ts";
import { Activity, type CellHost, type CellLoop } from "./cell_host.ts";
import { describeValue } from "../util/describe_value.ts";
import { notMsError } from "../util/timer_ms.ts";

/** An ask's timeout when none is given, as a Bridge call's. */
const DEFAULT_ASK_TIMEOUT_MS = 5000;

/** `asker`'s `this.context.ask(target, request, options)`. */
export function ask(
  asker: ActorCell,
  host: CellHost,
  target: ActorRef<unknown>,
  request: unknown,
  options: AskOptions,
): Promise<never> {
  if (typeof options !== "object" || options === null) {
    return Promise.reject(
      new TypeError(
        `ask options must be an object ({ timeout }), got ${
          options === null ? "null" : typeof options
        }`,
      ),
    );
  }
  try {
    checkRef(target, "ask");
  } catch (error) {
    return Promise.reject(error);
  }
  const timeout = options.timeout ?? DEFAULT_ASK_TIMEOUT_MS;
  if (typeof timeout !== "number") return Promise.reject(notMsError("ask timeout", timeout));
  if (!(timeout > 0)) {
    return Promise.reject(
      new RangeError(
        `ask timeout must be a positive number of ms, got ${options.timeout}`,
      ),
    );
  }
  if (target.tag !== 0) {
    // It would take the request for the reply it waits for, and answer nothing.
    return Promise.reject(
      new TypeError(
        `${asker.name} cannot ask ${target}: it is the reply address of a call or an ask (a ` +
          `Bridge's, or an asking actor's), not an actor. Answer it with sender.send(reply); to ` +
          `ask the caller something, have it send its own ref (this.context.self) in the request`,
      ),
    );
  }
  if (host.ask === undefined) {
    return Promise.reject(
      new TypeError(`${asker.name} runs where actors cannot ask`),
    );
  }
  return host.ask(asker, target, request, timeout) as Promise<never>;
}

/** `cell`'s `this.context.pipeToSelf(promise, map)`. */
export function pipeToSelf<T>(
  cell: ActorCell,
  loop: CellLoop,
  host: CellHost,
  promise: PromiseLike<T>,
  map: (value: T | undefined, error: unknown) => unknown,
): void {
  // Refused now: `map` would otherwise fail only as the promise settles, as the actor's failure.
  if (typeof (promise as { then?: unknown } | null)?.then !== "function") {
    throw new TypeError(
      `pipeToSelf needs a promise (or any thenable), got ${describeValue(promise)}`,
    );
  }
  if (typeof map !== "function") {
    throw new TypeError(
      `pipeToSelf needs a function (value, error) => message as its map, got ${describeValue(map)}`,
    );
  }
  const self = cell.self;
  const send = (value: T | undefined, error: unknown) => {
    let message: unknown;
    try {
      message = map(value, error);
      // From the actor itself, through its mailbox; after it stopped, a dead letter.
      loop.courier.deliver(self, message, self);
    } catch (failure) {
      host.handlerFailed(
        cell,
        new Activity("pipeToSelf's map, or sending its message"),
        failure,
      );
    }
  };
  promise.then(
    (value) => send(value, undefined),
    (error) => send(undefined, error),
  );
}
