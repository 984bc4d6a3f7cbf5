/**
 * What a module that defines actors needs, and nothing of the system that runs them: `Actor`,
 * `handles`, `message`, `Request`, `ActorRef` and the messages actors exchange with ringmail.
 * Everything here is in the main entry too; use this one in modules of actors that do not start
 * the system themselves. Each Worker loads its actors' modules again, and through the main entry
 * it would also load the system's and the Bridge's side, which a Worker never uses: this entry
 * takes ~3–5 ms off each Worker's start (of ~40 ms; `bench/worker_start_bench.ts`).
 *
 * @example An actor in a module of its own
 * ```ts
 * import { Actor, handles, message, type ReplyTo, Request } from "@ringmail/actors/actor";
 *
 * @message()
 * export class Double extends Request<number> {
 *   constructor(readonly value = 0) {
 *     super();
 *   }
 * }
 *
 * export class Doubler extends Actor<Double> {
 *   static readonly module = import.meta.url;
 *   @handles(Double)
 *   onDouble(request: Double, sender: ReplyTo<Double>) {
 *     sender?.send(request.value * 2);
 *   }
 * }
 * ```
 *
 * @module
 */

export {
  Actor,
  type ActorClass,
  type ActorContext,
  type AskOptions,
  type BecomeOptions,
  type ChildOptions,
  type MessagesOf,
  type Received,
} from "./src/actor/actor.ts";
export { ActorRef, type SendOptions } from "./src/actor/actor_ref.ts";
export {
  type Handler,
  type HandlerDecorator,
  handles,
  type MessageType,
} from "./src/actor/handles.ts";
export {
  message,
  type MessageClass,
  messageName,
  type MessageOptions,
  registerMessage,
} from "./src/codec/mod.ts";
export { type ReplyOf, type ReplyTo, Request } from "./src/actor/request.ts";
export {
  DEAD_LETTER_KINDS,
  type DeadLetterKind,
  OtherMessage,
  ReceiveTimeout,
  Stop,
  Stopped,
  Terminated,
  type TerminationKind,
} from "./src/actor/messages.ts";
export type { Directive, SupervisionStrategy } from "./src/actor/supervision.ts";
export type { RepeatOptions, Timer } from "./src/actor/timers.ts";
export { RingmailError } from "./src/errors.ts";
