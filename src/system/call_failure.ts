/**
 * Why a Bridge call got no reply, as the error its caller sees. The one place that maps a cause
 * — the kind of the request's dead letter, the Bridge's own timer, the end of the actor — to an
 * error class, and decides whether the call's `default` stands in for the reply.
 *
 * The classes tell a caller what a retry can do:
 *
 * - `ActorDeadError`: the actor is gone (stopped, failed to start, its Worker died, cut off by a
 *   shutdown, a stale ref). A retry to the same ref never succeeds.
 * - `MailboxFullError`: the actor is alive but its mailbox stayed full for the send timeout. A
 *   retry later may succeed.
 * - `CallTimeoutError`: the actor did not reach the request in time, whether the Bridge's timer
 *   said so or the actor did (the request's deadline is the call's timeout). A retry may succeed.
 * - `UndeliverableError`: the actor is alive but cannot take the request as it is (its Worker
 *   cannot decode it, or it has no handler for it), or the reply could not be decoded. The same
 *   request fails the same way: a bug to fix, so a `default` does not hide it.
 *
 * @module
 */

import { type DeadLetterKind, describeError, type RequestFailed } from "../actor/mod.ts";
import type { RingmailError } from "../errors.ts";
import { MailboxFullError } from "../ring/mod.ts";
import {
  ActorDeadError,
  CallTimeoutError,
  HandlerFailedError,
  UndeliverableError,
} from "./errors.ts";

/** How a call with no reply ends: its error, and whether a `default` answers in its place. */
export interface CallFailure {
  readonly error: RingmailError;
  /** Whether the call's `default` (when it has one) is its result instead of the error. */
  readonly defaultStandsIn: boolean;
}

/** What a call needs to name its failure. */
interface FailedCall {
  /** The actor, for the message: its name and ref. */
  readonly subject: string;
  /** The call's timeout in ms. */
  readonly timeout: number;
}

type Make = (call: FailedCall, reason: string, cause: unknown) => RingmailError;

const gone: Make = ({ subject }, reason, cause) =>
  new ActorDeadError(`no reply from ${subject}: ${reason}`, withCause(cause));

/** Every dead letter kind, so that a new kind cannot be left out (the compiler checks). */
const BY_KIND: Record<
  DeadLetterKind,
  { make: Make; defaultStandsIn: boolean }
> = {
  "stopped": { make: gone, defaultStandsIn: true },
  "stale": { make: gone, defaultStandsIn: true },
  "worker-died": { make: gone, defaultStandsIn: true },
  "node-down": { make: gone, defaultStandsIn: true },
  "lost-in-transit": { make: gone, defaultStandsIn: true },
  "start-failed": { make: gone, defaultStandsIn: true },
  // Cut off, or refused, because the system is stopping its actors: gone for the caller.
  "shutdown": { make: gone, defaultStandsIn: true },
  "deadline": {
    make: ({ subject, timeout }, reason, cause) =>
      new CallTimeoutError(
        `no reply from ${subject} within ${timeout} ms${reason === "" ? "" : `: ${reason}`}`,
        withCause(cause),
      ),
    defaultStandsIn: true,
  },
  "mailbox-full": {
    make: ({ subject }, reason, cause) =>
      new MailboxFullError(
        `no reply from ${subject}: ${reason}; retry later, or give the actor a larger ` +
          `mailbox (mailboxCapacity), or, where its whenFull policy waits for room, a longer ` +
          `sendTimeout`,
        withCause(cause),
      ),
    defaultStandsIn: true,
  },
  "undecodable": { make: undeliverable("undecodable"), defaultStandsIn: false },
  "no-handler": {
    make: undeliverable(
      "no-handler",
      "; give the actor a handler for it (@handles)",
    ),
    defaultStandsIn: false,
  },
  // Only replies are unanswered; a request reported so was misrouted, whatever the actor's state.
  "unanswered": { make: undeliverable("unanswered"), defaultStandsIn: false },
};

/**
 * The failure of a call whose request became a dead letter of `kind` (`reason` says why), or —
 * with `"deadline"` and no reason — whose timer fired.
 * @param kind the dead letter's kind.
 * @param call the actor's name and ref (`subject`) and the call's timeout.
 * @param reason why, as the dead letter says it; empty when the Bridge's own timer fired.
 * @param cause the error behind it, when there is one on this thread.
 */
export function callFailure(
  kind: DeadLetterKind,
  call: FailedCall,
  reason: string,
  cause?: unknown,
): CallFailure {
  // The kind crossed threads as a string: one outside the list (a bug) must still settle.
  const entry = BY_KIND[kind] ??
    { make: undeliverable(kind), defaultStandsIn: false };
  return {
    error: entry.make(call, reason, cause),
    defaultStandsIn: entry.defaultStandsIn,
  };
}

function undeliverable(kind: DeadLetterKind, advice = ""): Make {
  return ({ subject }, reason, cause) =>
    new UndeliverableError(
      kind,
      `no reply from ${subject}: ${reason}${advice}`,
      withCause(cause),
    );
}

function withCause(cause: unknown): ErrorOptions | undefined {
  return cause === undefined ? undefined : { cause };
}

/**
 * The error of a call (or an ask) whose handler failed: `subject` names the actor asked; the
 * answer says which actor failed while handling what, and carries what it threw.
 */
export function handlerFailure(subject: string, failed: RequestFailed): HandlerFailedError {
  return new HandlerFailedError(
    `no reply from ${subject}: ${failed.actorName} failed while handling ${failed.messageClass}: ` +
      `${describeError(failed.error)} (see the cause; the actor goes on as its supervisor decided)`,
    { cause: failed.error },
  );
}
