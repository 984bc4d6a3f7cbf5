/**
 * The messages every actor understands.
 *
 * @module
 */

import { registerMessage } from "../codec/mod.ts";
import type { ActorRef } from "./actor_ref.ts";
import { Request } from "./request.ts";

/**
 * Asks an actor to stop. The actor runs its `postStop()` hook (if it has one), answers
 * {@link Stopped} to the sender, and stops; messages sent to it afterwards are dead letters.
 * Every actor accepts `Stop`; it cannot be handled with `@handles`.
 *
 * @example
 * ```ts
 * import { Actor, ActorSystem, Bridge, Stop, Stopped } from "@ringmail/actors";
 *
 * export class Idle extends Actor {
 *   static readonly module = import.meta.url;
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const idle = system.spawn(Idle);
 *   const reply = await bridge.call(idle, new Stop(), { timeout: 5000 });
 *   console.log(reply instanceof Stopped); // true
 * }
 * ```
 */
export class Stop extends Request<Stopped> {
  /** Makes the type nominal: TypeScript would take any value for an empty class. */
  readonly #stop = true;
}
registerMessage(Stop, { name: "ringmail.Stop", fields: [] });

/**
 * An actor's answer to {@link Stop}: it has stopped and will handle nothing more.
 *
 * @example
 * ```ts
 * import { Stopped } from "@ringmail/actors";
 *
 * function isStopped(reply: unknown): boolean {
 *   return reply instanceof Stopped;
 * }
 * console.log(isStopped(new Stopped())); // true
 * ```
 */
export class Stopped {
  /** Makes the type nominal: TypeScript would take any value for an empty class. */
  readonly #stopped = true;
}
registerMessage(Stopped, { name: "ringmail.Stopped", fields: [] });

/**
 * Stands for "any message without a handler of its own" in `@handles(OtherMessage)`: other
 * classes, and plain values (numbers, strings, arrays, objects). Never instantiated.
 *
 * @example
 * ```ts
 * import { Actor, type ActorRef, handles, OtherMessage } from "@ringmail/actors";
 *
 * export class Logger extends Actor<unknown> {
 *   static readonly module = import.meta.url;
 *   @handles(OtherMessage)
 *   onAnything(message: unknown, _sender: ActorRef | null) {
 *     console.log("got", message);
 *   }
 * }
 * ```
 */
export class OtherMessage {
  /** Makes the type nominal: no other class can pass for it in `@handles`. */
  readonly #otherMessage = true;
  private constructor() {}
}

/**
 * What an actor gets when it has handled no message for the time it set with
 * `setReceiveTimeout(ms)`; again after each further `ms` of quiet, until it sets `null`.
 *
 * @example
 * ```ts
 * import { Actor, handles, ReceiveTimeout, Stop } from "@ringmail/actors";
 *
 * export class Session extends Actor<string | ReceiveTimeout> {
 *   static readonly module = import.meta.url;
 *   override preStart() {
 *     this.context.setReceiveTimeout(30_000); // close the session after 30 s of silence
 *   }
 *   @handles(ReceiveTimeout)
 *   onQuiet(_: ReceiveTimeout) {
 *     this.self.send(new Stop());
 *   }
 * }
 * ```
 */
export class ReceiveTimeout {
  /** Makes the type nominal: TypeScript would take any value for an empty class. */
  readonly #receiveTimeout = true;
  /**
   * Makes a receive timeout; user code makes one with no time (the runtime gives its own one).
   * @param at when the runtime sent it, on the actor's thread's clock (`performance.now()`);
   * 0 for one that user code makes.
   */
  constructor(readonly at: number = 0) {}
}
registerMessage(ReceiveTimeout, {
  name: "ringmail.ReceiveTimeout",
  fields: ["at"],
});

/**
 * Why an actor ended, as {@link Terminated} reports it:
 * - `"stopped"`: it handled `Stop`, or its supervisor or parent stopped it.
 * - `"failed"`: a handler threw and its supervisor stopped it (directly, past the restart
 *   limit, or by escalating).
 * - `"start-failed"`: it never ran: its module did not load, or its constructor threw.
 * - `"worker-died"`: its Worker ended under it (an uncaught error, `Deno.exit`, a terminate).
 * - `"killed"`: `system.kill` ended it (its Worker was terminated), and it was not restarted.
 * - `"shutdown"`: the actor system shut down while it ran.
 * - `"not-running"`: it had already ended, or never was an actor of this system, when it was
 *   watched.
 */
export type TerminationKind =
  | "stopped"
  | "failed"
  | "start-failed"
  | "worker-died"
  | "killed"
  | "shutdown"
  | "not-running"
  | "node-down";

/**
 * What a watcher gets when an actor it watches (`this.context.watch(ref)`) has ended, once: it
 * stopped, failed for good, failed to start, or its Worker died. `kind` says which; `reason`
 * says it in words; `error` is what failed, if something did.
 *
 * @example
 * ```ts
 * import { Actor, type ActorRef, handles, Terminated } from "@ringmail/actors";
 *
 * export class Monitor extends Actor<ActorRef | Terminated> {
 *   static readonly module = import.meta.url;
 *   @handles(Terminated)
 *   onEnd(end: Terminated) {
 *     console.log(`${end.actor} ended (${end.kind}): ${end.reason}`);
 *   }
 * }
 * ```
 */
export class Terminated {
  /**
   * Made by the actor system for watchers.
   * @param actor the actor that ended.
   * @param kind why, as a value to branch on.
   * @param reason why, in words.
   * @param error what failed, when something did.
   */
  constructor(
    readonly actor: ActorRef<unknown> | null = null,
    readonly kind: TerminationKind = "stopped",
    readonly reason: string = "",
    readonly error: Error | null = null,
  ) {}
}
registerMessage(Terminated, { name: "ringmail.Terminated" });

/**
 * @internal A child's failure escalated to its parent: the parent fails with `error`. The child's
 * name travels with it: the parent's Worker may not know the names of actors elsewhere.
 */
export class Failed {
  constructor(
    readonly child: ActorRef<unknown> | null = null,
    readonly error: Error = new Error(),
    readonly childName: string = "",
  ) {}
}
registerMessage(Failed, { name: "ringmail.Failed" });

/**
 * @internal An actor to whoever waits for a reply to the message it was handling (a Bridge call,
 * an ask): its handler failed with `error`, so no reply will come of it.
 */
export class RequestFailed {
  constructor(
    readonly error: Error = new Error(),
    readonly actorName: string = "",
    readonly messageClass: string = "",
  ) {}
}
registerMessage(RequestFailed, { name: "ringmail.RequestFailed" });

/** @internal The system to a parent: this child of yours has ended. */
export class ChildGone {
  constructor(readonly child: ActorRef<unknown> | null = null) {}
}
registerMessage(ChildGone, { name: "ringmail.ChildGone" });

/**
 * Why a message became a dead letter, as a value to branch on (the report's `reason` says it in
 * words):
 * - `"stopped"`: its target had stopped, or was stopping, or never started.
 * - `"stale"`: it was sent through a ref to an earlier actor in the same slot.
 * - `"deadline"`: its deadline passed before its target started handling it.
 * - `"worker-died"`: its target's Worker died with it still in the mailbox.
 * - `"start-failed"`: its target failed to start.
 * - `"no-handler"`: its target has no handler for its class (and no `OtherMessage` handler).
 * - `"mailbox-full"`: its target's mailbox stayed full for the whole send timeout.
 * - `"undecodable"`: its bytes could not be decoded (a codec error, reported in `reason`).
 * - `"unanswered"`: a reply to a Bridge call that had already settled (one that reaches a closed
 *   Bridge is `"stopped"`: the Bridge's address is gone, as a stopped actor's is).
 * - `"shutdown"`: the actor system was shutting down.
 * - `"node-down"`: its target's node (another process of the cluster) is down or unreachable.
 * - `"lost-in-transit"`: it was on its way to or from another node when the link between them
 *   broke (counted: the node that lost it cannot say which it was).
 */
export type DeadLetterKind = typeof DEAD_LETTER_KINDS[number];

/**
 * Every {@link DeadLetterKind}, in a fixed order (the order the system counts them in).
 *
 * @example Dead letters so far, every kind listed
 * ```ts
 * import { ActorSystem, DEAD_LETTER_KINDS } from "@ringmail/actors";
 *
 * await using system = new ActorSystem();
 * const { byKind } = system.inspect().deadLetters;
 * for (const kind of DEAD_LETTER_KINDS) console.log(kind, byKind[kind] ?? 0);
 * ```
 */
export const DEAD_LETTER_KINDS = [
  "stopped",
  "stale",
  "deadline",
  "worker-died",
  "start-failed",
  "no-handler",
  "mailbox-full",
  "undecodable",
  "unanswered",
  "shutdown",
  "node-down",
  "lost-in-transit",
] as const;

/** A message that will never be handled, and why: what a dead letter reports. */
export interface Undelivered {
  /** Where it was sent. */
  readonly target: ActorRef<unknown>;
  /** Who sent it (`null`: sent from outside any actor). */
  readonly sender: ActorRef<unknown> | null;
  /** The message; `undefined` when it could not be decoded. */
  readonly message: unknown;
  /** Why it was not handled, as a value to branch on. */
  readonly kind: DeadLetterKind;
  /** Why it was not handled, in words. */
  readonly reason: string;
}

/**
 * @internal Whether a message left for an actor that is stopping is the runtime's own notice to
 * it — a child's escalation or end, its receive timeout — which is nobody's lost message (the
 * sends of notices that meet a closed mailbox say the same: see Courier.deliver's `notice`).
 */
export function isRuntimeNotice(message: unknown, sender: ActorRef<unknown> | null): boolean {
  return message instanceof Failed || message instanceof ChildGone ||
    (message instanceof ReceiveTimeout && sender === null && message.at !== 0);
}
