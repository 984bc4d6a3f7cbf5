/**
 * ringmail: actors for Deno with real parallelism. Each actor is an object you send messages to;
 * it handles them one at a time, in the order each sender sent them, and always knows who sent
 * each one. Actors live in Workers, their mailboxes are lock-free rings in shared memory, and
 * messages cross threads as compact bytes instead of `postMessage`.
 *
 * @example A doubler, called from the main program
 * ```ts
 * import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "@ringmail/actors";
 *
 * export class Doubler extends Actor<number> {
 *   static readonly module = import.meta.url; // where its Worker finds the class
 *   @handles(Number)
 *   onNumber(n: number, sender: ActorRef | null) {
 *     sender?.send(n * 2);
 *   }
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const doubler = system.spawn(Doubler);
 *   console.log(await bridge.call(doubler, 21, { timeout: 5000 })); // 42
 * }
 * ```
 *
 * @module
 */

export { RingmailError } from "./src/errors.ts";
export {
  Actor,
  type ActorClass,
  type ChildOptions,
  type MessagesOf,
  type Received,
} from "./src/actor/actor.ts";
export { ActorNotStartedError, ActorRef, type SendOptions } from "./src/actor/actor_ref.ts";
export {
  type Handler,
  type HandlerDecorator,
  handles,
  type MessageType,
} from "./src/actor/handles.ts";
export {
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
export { ActorPool, type PoolOptions } from "./src/system/actor_pool.ts";
export { ActorSystem } from "./src/system/actor_system.ts";
export type {
  ActorFailure,
  ActorSystemOptions,
  CutOffActor,
  DeadLetter,
  ShutdownOptions,
  ShutdownReport,
  SpawnOptions,
} from "./src/system/options.ts";
export {
  ActorDeadError,
  ActorKilledError,
  CallTimeoutError,
  PoolFailedError,
  SpawnError,
  SystemClosedError,
  WorkerDiedError,
} from "./src/system/errors.ts";
export { Bridge, type CallOptions, type MultiCallResult, type StopOptions } from "./src/bridge.ts";
export {
  CodecError,
  type CodecErrorOptions,
  decode,
  decodeFrame,
  encode,
  encodeFrame,
  MAX_DEPTH,
  MAX_MESSAGE_BYTES,
  message,
  type MessageClass,
  messageName,
  type MessageOptions,
  Reader,
  registerMessage,
  Writer,
  WriterFullError,
} from "./src/codec/mod.ts";
export {
  ArenaFullError,
  MailboxClosedError,
  MailboxFullError,
  MessageTooLargeError,
} from "./src/ring/errors.ts";
