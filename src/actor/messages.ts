/**
 * The messages every actor understands.
 *
 * @module
 */

import { registerMessage } from "../codec/mod.ts";

/**
 * Asks an actor to stop. The actor runs its `onStop()` hook (if it has one), answers
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
export class Stop {
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
 *   override onStart() {
 *     this.setReceiveTimeout(30_000); // close the session after 30 s of silence
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
}
registerMessage(ReceiveTimeout, { name: "ringmail.ReceiveTimeout", fields: [] });
