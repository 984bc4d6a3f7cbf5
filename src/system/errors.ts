import { RingmailError } from "../errors.ts";

/**
 * The actor a call or a send was waiting on is gone: it stopped, failed to start, or its Worker
 * died. Raised at once, never after a timeout.
 *
 * @example
 * ```ts
 * import { ActorDeadError } from "@ringmail/actors";
 *
 * function retryable(error: unknown): boolean {
 *   return !(error instanceof ActorDeadError); // a dead actor will not answer a retry either
 * }
 * console.log(retryable(new ActorDeadError("gone")));
 * ```
 */
export class ActorDeadError extends RingmailError {}

/**
 * A Bridge call got no reply before its timeout (and no `default` was given).
 *
 * @example
 * ```ts
 * import { CallTimeoutError } from "@ringmail/actors";
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
 * import { SpawnError } from "@ringmail/actors";
 *
 * const error = new SpawnError("cannot load ./missing.ts");
 * console.log(error.name); // "SpawnError"
 * ```
 */
export class SpawnError extends RingmailError {}

/**
 * The actor system was shut down: it starts no more actors and sends no more messages.
 *
 * @example
 * ```ts
 * import { SystemClosedError } from "@ringmail/actors";
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
 * in it end. Find what kills its Workers (often an actor's module or its `onStart`), then spawn
 * into a new pool.
 *
 * @example
 * ```ts
 * import { type ActorPool, PoolFailedError } from "@ringmail/actors";
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
