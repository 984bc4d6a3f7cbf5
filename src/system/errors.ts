import { RingmailError } from "../errors.ts";
import { CodecError, knowErrorClass } from "../codec/mod.ts";
import {
  ActorDefinitionError,
  ActorNotStartedError,
  type DeadLetterKind,
  messageOf,
  StashOverflowError,
} from "../actor/mod.ts";
import {
  ArenaFullError,
  MailboxClosedError,
  MailboxFullError,
  MessageTooLargeError,
} from "../ring/mod.ts";

/**
 * The reason an actor or a Worker (`what`) ends before it ever ran: "`what` could not be
 * started: " and what was thrown. One wording, whichever part found it could not start.
 */
export function couldNotStart(what: string, error: unknown): string {
  return `${what} could not be started: ${messageOf(error)}`;
}

/**
 * The actor a call or a send was waiting on is gone: it stopped, failed to start, was killed,
 * its Worker died, its node went down, or a shutdown cut it off — or, for the calls its lost
 * instance had taken, it is being restarted after its Worker died. Raised as soon as that is
 * known, never by a call's timeout. Never for an actor that is only busy: a Bridge call to one
 * gets `MailboxFullError` (its mailbox stayed full) or `CallTimeoutError` (it was too late), and
 * one it cannot take gets `UndeliverableError`.
 *
 * @example
 * ```ts
 * import { ActorDeadError } from "@ringmail/actors/errors";
 *
 * function retryable(error: unknown): boolean {
 *   return !(error instanceof ActorDeadError); // a dead actor will not answer a retry either
 * }
 * console.log(retryable(new ActorDeadError("gone")));
 * ```
 */
export class ActorDeadError extends RingmailError {}

/**
 * A Bridge call got no reply before its timeout (and no `default` was given): the Bridge's timer
 * fired, or the actor reached the request after its deadline (the call's timeout) and said so
 * first. The actor may still be running: a retry may succeed.
 *
 * @example
 * ```ts
 * import { CallTimeoutError } from "@ringmail/actors/errors";
 *
 * const error: unknown = new CallTimeoutError("no reply within 10 ms");
 * console.log(error instanceof CallTimeoutError); // true
 * ```
 */
export class CallTimeoutError extends RingmailError {}

/**
 * An actor could not be started: its module could not be loaded in the Worker, its class is not
 * exported there, its constructor threw, or its arguments could not cross.
 *
 * @example
 * ```ts
 * import { SpawnError } from "@ringmail/actors/errors";
 *
 * const error = new SpawnError("cannot load ./missing.ts");
 * console.log(error.name); // "SpawnError"
 * ```
 */
export class SpawnError extends RingmailError {}

/**
 * The actor system was shut down, or the Bridge used was closed (`bridge.close()`, or its
 * `using` ended): it starts no more actors and sends no more messages. A call still pending when
 * its Bridge closes fails with it too (the actor may still handle the request; no `default`
 * stands in).
 *
 * @example
 * ```ts
 * import { SystemClosedError } from "@ringmail/actors/errors";
 *
 * console.log(new SystemClosedError("closed") instanceof Error); // true
 * ```
 */
export class SystemClosedError extends RingmailError {}

/**
 * The Worker an actor ran in died under it (an uncaught error, `Deno.exit`, a terminate): what a
 * supervisor decides on for each of that Worker's actors. A strategy can single it out, e.g.
 * `byError: { WorkerDiedError: "restart" }`; `"resume"` cannot keep state that died with the
 * Worker, so it ends the actor.
 *
 * @example
 * ```ts
 * import type { SupervisionStrategy } from "@ringmail/actors";
 *
 * // Restart children whose Worker died; stop them on any other failure.
 * export const strategy: SupervisionStrategy = {
 *   onFailure: "stop",
 *   byError: { WorkerDiedError: "restart" },
 * };
 * ```
 */
export class WorkerDiedError extends RingmailError {}

/**
 * An `ActorSystem` was made inside a Worker of an actor system: almost always top-level code in a
 * module that defines an actor class, which runs again in every Worker that loads that module.
 * The actor whose module did it fails to start with this error as the cause. Put such code under
 * `if (import.meta.main) { ... }`.
 *
 * @example
 * ```ts
 * import { Actor, ActorSystem } from "@ringmail/actors";
 *
 * export class Greeter extends Actor<string> {
 *   static readonly module = import.meta.url;
 * }
 *
 * if (import.meta.main) { // not run again when a Worker loads this module for Greeter
 *   await using system = new ActorSystem();
 *   system.spawn(Greeter);
 * }
 * ```
 */
export class SystemInWorkerError extends RingmailError {}

/**
 * A Bridge call's request reached a running actor that cannot take it as it is: its Worker could
 * not decode it (`kind` `"undecodable"`: a class registered only where the call was made), or the
 * actor has no handler for it (`"no-handler"`). Retrying the same request fails the same way;
 * fix the request or the actor. A call's `default` does not stand in for it.
 *
 * @example
 * ```ts
 * import { UndeliverableError } from "@ringmail/actors/errors";
 *
 * const error: unknown = new UndeliverableError("no-handler", "Shop has no handler for it");
 * if (error instanceof UndeliverableError) console.log(error.kind); // "no-handler"
 * ```
 */
export class UndeliverableError extends RingmailError {
  /** Why the request was not handled: the kind of its dead letter. */
  readonly kind: DeadLetterKind;

  /**
   * Makes the error.
   * @param kind the kind of the request's dead letter.
   * @param message what went wrong and what to do about it.
   * @param options the `cause`, when another error led to this one.
   */
  constructor(kind: DeadLetterKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

/**
 * The actor's handler of a Bridge call's request (or of an ask) failed: it threw, or its promise
 * rejected. The call fails at once, with what the handler threw as `cause`, rather than waiting
 * out its timeout; a `default` does not stand in (the same request would fail the same way).
 * The actor goes on as its supervisor decided; the failure goes to `system.onFailure` too. A
 * reply the handler sent before it failed has settled the call already; a request it stashed, or
 * passed on with its sender, is answered later, as it would have been.
 *
 * @example
 * ```ts
 * import { HandlerFailedError } from "@ringmail/actors/errors";
 *
 * const error: unknown = new HandlerFailedError("Calc failed while handling Div: division by zero");
 * if (error instanceof HandlerFailedError) console.log(error.message);
 * ```
 */
export class HandlerFailedError extends RingmailError {}

/**
 * An actor was killed (`system.kill`): its Worker was terminated under it. What its supervisor
 * decides on, so a strategy can single it out, e.g. `byError: { ActorKilledError: "stop" }`; the
 * `error` of the `Terminated` its watchers get when it ends (kind `"killed"`).
 *
 * @example
 * ```ts
 * import type { SupervisionStrategy } from "@ringmail/actors";
 *
 * // Restart children that fail; a child that was killed stays dead.
 * export const strategy: SupervisionStrategy = {
 *   onFailure: "restart",
 *   byError: { ActorKilledError: "stop" },
 * };
 * ```
 */
export class ActorKilledError extends RingmailError {}

/**
 * A pool gave up replacing its Workers: each one it started died soon after its start, time
 * after time (see `ActorPool`). Spawning into it throws this; actors that were to be restarted
 * in it end. Find what kills its Workers (often an actor's module or its `preStart`), then spawn
 * into a new pool.
 *
 * @example
 * ```ts
 * import type { ActorPool } from "@ringmail/actors";
 * import { PoolFailedError } from "@ringmail/actors/errors";
 *
 * function healthy(pool: ActorPool, spawn: () => void): boolean {
 *   try {
 *     spawn();
 *     return true;
 *   } catch (error) {
 *     if (error instanceof PoolFailedError) return false; // make a new pool
 *     throw error;
 *   }
 * }
 * console.log(typeof healthy);
 * ```
 */
export class PoolFailedError extends RingmailError {}

/**
 * A system made with the `cluster` option could not join its cluster (no NATS server at the
 * address, a refused connection), or a cluster feature was used without the option.
 *
 * @example
 * ```ts
 * import { ClusterJoinError } from "@ringmail/actors/errors";
 *
 * const error = new ClusterJoinError("could not join the cluster at nats://127.0.0.1:4222");
 * console.log(error instanceof ClusterJoinError); // true
 * ```
 */
export class ClusterJoinError extends RingmailError {}

/**
 * Ringmail's errors that cross threads (a `Terminated`'s error, a call's failure, what a Worker
 * threw as a start or a handler failed, as a cause): known by name in every thread, so that they
 * arrive as what they are (`instanceof ActorKilledError` holds in a Worker too, and a Worker's
 * `SystemInWorkerError` or `MailboxFullError` on the main thread), not as a plain `Error`
 * bearing the name (see portableError). Known, not registered: users may still register or
 * subclass them.
 */
for (
  const errorClass of [
    ActorDeadError,
    ActorDefinitionError,
    ActorKilledError,
    ActorNotStartedError,
    ArenaFullError,
    CallTimeoutError,
    ClusterJoinError,
    CodecError,
    HandlerFailedError,
    MailboxClosedError,
    MailboxFullError,
    MessageTooLargeError,
    PoolFailedError,
    SpawnError,
    StashOverflowError,
    SystemClosedError,
    SystemInWorkerError,
    UndeliverableError,
    WorkerDiedError,
  ]
) {
  knowErrorClass(errorClass);
}
