/**
 * Every error ringmail throws, for `instanceof` checks: all extend {@link RingmailError}, and
 * each message says what was wrong and what to do, with the error behind it as `cause`.
 *
 * Which to expect where:
 * - A Bridge call: {@link ActorDeadError} (the actor is gone: do not retry this ref),
 *   {@link MailboxFullError} (it is alive but its mailbox stayed full: retry later),
 *   {@link CallTimeoutError} (no reply in time), {@link UndeliverableError} (it cannot take this
 *   request: fix the request or the actor), {@link HandlerFailedError} (its handler of the
 *   request threw: the cause says what), {@link SystemClosedError}.
 * - `send`: {@link CodecError} (the message cannot be written, with the path inside it),
 *   {@link MessageTooLargeError}, and inside an actor {@link MailboxFullError};
 *   {@link ActorNotStartedError} for an actor made with `new`; `this.context.stash()` past the
 *   stash's capacity: {@link StashOverflowError}.
 * - Starting actors: {@link SpawnError} (from `system.started(ref)`), {@link ActorDefinitionError}
 *   (a class that cannot work), {@link SystemInWorkerError} (top-level code in an actor module).
 * - Supervision: {@link WorkerDiedError} is what a strategy decides on when a Worker died,
 *   {@link ActorKilledError} when `system.kill` ended the actor; {@link PoolFailedError} when a
 *   pool gave up replacing Workers that kept dying.
 * - A cluster: {@link ClusterJoinError} (no NATS server there), {@link NameTakenError} and
 *   {@link NameNotFoundError} (`register`, `lookup`), {@link NodeFoundDownError} (`register` on a
 *   node the others found down: restart it); a call to an actor of a node that went down fails
 *   with {@link ActorDeadError}.
 * - A live view (`system.observe`): {@link ObserveError} (an address off loopback without a
 *   token, a port taken).
 *
 * @example Tell a retryable failure from a final one
 * ```ts
 * import { ActorDeadError, CallTimeoutError, MailboxFullError } from "@ringmail/actors/errors";
 *
 * function retryable(error: unknown): boolean {
 *   return error instanceof MailboxFullError || error instanceof CallTimeoutError;
 * }
 * console.log(retryable(new ActorDeadError("gone")), retryable(new MailboxFullError("full")));
 * ```
 *
 * @module
 */

export { RingmailError } from "./src/errors.ts";
export { ActorDefinitionError, StashOverflowError } from "./src/actor/errors.ts";
export { ActorNotStartedError } from "./src/actor/actor_ref.ts";
export {
  ActorDeadError,
  ActorKilledError,
  CallTimeoutError,
  ClusterJoinError,
  HandlerFailedError,
  PoolFailedError,
  SpawnError,
  SystemClosedError,
  SystemInWorkerError,
  UndeliverableError,
  WorkerDiedError,
} from "./src/system/errors.ts";
export {
  ClusterUnavailableError,
  NameNotFoundError,
  NameTakenError,
  NodeFoundDownError,
} from "./src/remote/errors.ts";
export { ObserveError } from "./src/observe/live/errors.ts";
export { CodecError, type CodecErrorOptions, WriterFullError } from "./src/codec/mod.ts";
export {
  ArenaFullError,
  MailboxClosedError,
  MailboxFullError,
  MessageTooLargeError,
} from "./src/ring/errors.ts";
