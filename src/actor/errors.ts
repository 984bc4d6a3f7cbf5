import { RingmailError } from "../errors.ts";

/**
 * An actor class is defined in a way that cannot work, found when the class is defined (a
 * handler on a reserved name, two handlers for one message class, a handler for `Stop`) or when
 * it is first spawned (a member that hides `self` or `context`). The message says what to rename.
 *
 * @example
 * ```ts
 * import { ActorDefinitionError } from "@ringmail/actors/errors";
 *
 * // A handler named `context` fails when its class is defined (and does not compile):
 * // handlers may have any name but self, context, preStart and postStop.
 * function isDefinitionBug(error: unknown): boolean {
 *   return error instanceof ActorDefinitionError;
 * }
 * console.log(isDefinitionBug(new ActorDefinitionError("rename it"))); // true
 * ```
 */
export class ActorDefinitionError extends RingmailError {}

/**
 * An actor stashed more messages than its stash holds (its class's `static readonly
 * stashCapacity`): thrown by `this.context.stash()`, so the handler fails and the actor's
 * supervisor decides. The stash keeps what it held. Unstash sooner, or raise the capacity.
 *
 * @example
 * ```ts
 * import { RingmailError, StashOverflowError } from "@ringmail/actors/errors";
 *
 * const error = new StashOverflowError("Door's stash is full (3 messages)");
 * console.log(error instanceof RingmailError, error.name); // true StashOverflowError
 * ```
 */
export class StashOverflowError extends RingmailError {}
