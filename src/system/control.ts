/**
 * The messages the actor system sends between its threads: the main thread's guardian and each
 * worker's agent. They travel through ordinary mailboxes, like any message.
 *
 * @module
 */

import { registerMessage } from "../codec/mod.ts";
import type { ActorRef } from "../actor/mod.ts";

/**
 * Guardian -> worker agent: where the class with this id is, sent to a worker once, before the
 * first StartActor of that class there (a pool starts many actors of a few classes).
 */
export class DefineClass {
  constructor(readonly id = 0, readonly module = "", readonly exportName = "") {}
}
registerMessage(DefineClass, { name: "ringmail.DefineClass" });

/**
 * Guardian -> worker agent: construct an actor of class `classId` (see DefineClass) in your
 * worker. The constructor arguments are encoded on their own: they may hold instances of
 * classes that the actor's module registers, so they can only be decoded once the agent has
 * loaded that module. An empty name means the class's name.
 */
export class StartActor {
  constructor(
    readonly slot = 0,
    readonly generation = 0,
    readonly mailbox = 0,
    readonly classId = 0,
    readonly name = "",
    readonly args: Uint8Array = new Uint8Array(0),
  ) {}
}
registerMessage(StartActor, { name: "ringmail.StartActor" });

/** Worker agent -> guardian: the actor is constructed and takes messages. */
export class ActorStarted {
  constructor(readonly slot = 0, readonly generation = 0) {}
}
registerMessage(ActorStarted, { name: "ringmail.ActorStarted" });

/** Worker agent -> guardian: the actor could not be started; its mailbox is closed. */
export class SpawnFailed {
  constructor(readonly slot = 0, readonly generation = 0, readonly error: Error = new Error()) {}
}
registerMessage(SpawnFailed, { name: "ringmail.SpawnFailed" });

/** Worker agent -> guardian: the actor stopped; its slot and mailbox are free again. */
export class ActorStopped {
  constructor(readonly slot = 0, readonly generation = 0) {}
}
registerMessage(ActorStopped, { name: "ringmail.ActorStopped" });

/** Any thread -> guardian: a handler threw. */
export class HandlerFailed {
  constructor(
    readonly actor: ActorRef<unknown> | null = null,
    readonly actorName = "",
    readonly messageClass = "",
    readonly error: Error = new Error(),
  ) {}
}
registerMessage(HandlerFailed, { name: "ringmail.HandlerFailed" });

/** Any thread -> guardian: a message could not be delivered or handled. */
export class DeadLetterNotice {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly sender: ActorRef<unknown> | null = null,
    readonly message = "",
    readonly reason = "",
  ) {}
}
registerMessage(DeadLetterNotice, { name: "ringmail.DeadLetterNotice" });

/**
 * Any thread -> the sender of an undeliverable message, when that sender is waiting for a reply
 * (a Bridge call): settles the call at once instead of at its timeout.
 */
export class Undeliverable {
  constructor(readonly target: ActorRef<unknown> | null = null, readonly reason = "") {}
}
registerMessage(Undeliverable, { name: "ringmail.Undeliverable" });

/** Worker agent -> guardian: the worker hosts no actor any more and closes itself. */
export class WorkerExited {
  constructor(readonly threadId = 0) {}
}
registerMessage(WorkerExited, { name: "ringmail.WorkerExited" });
