/**
 * ringmail: actors for Deno with real parallelism. An actor is an object you send messages to: it
 * handles them one at a time, in the order each sender sent them, always knowing who sent each
 * one. Actors run in Workers; their mailboxes are lock-free rings in shared memory and messages
 * cross threads as compact bytes, not `postMessage` — a call is about 9–15× faster than a
 * `postMessage` round trip, and two actors of one Worker exchange millions of messages a second.
 *
 * - {@link Actor}: subclass it, mark handlers with {@link handles}; `this.context` holds the rest
 *   (spawning children, watching, timers, stopping itself).
 * - {@link ActorSystem}: spawns actors (a Worker each, or many per Worker in a {@link ActorPool}),
 *   supervises them, and shuts everything down.
 * - {@link Bridge}: how plain code calls actors — `call`, `multiCall`, `stop` — typed by the
 *   reply a {@link Request} names, and never left hanging: every call settles with its reply, its
 *   default, or an error saying why.
 * - {@link message}: registers a class, so its instances cross Workers as real instances.
 *
 * Errors are in `@ringmail/actors/errors` (all extend {@link RingmailError}); the codec on its
 * own is `@ringmail/actors/codec`. Programs run with `deno run --allow-read`.
 *
 * @example A doubler, called from the main program
 * ```ts
 * import {
 *   Actor,
 *   ActorSystem,
 *   Bridge,
 *   handles,
 *   message,
 *   type ReplyTo,
 *   Request,
 * } from "@ringmail/actors";
 *
 * @message()
 * export class Double extends Request<number> {
 *   constructor(readonly value = 0) {
 *     super();
 *   }
 * }
 *
 * export class Doubler extends Actor<Double> {
 *   static readonly module = import.meta.url; // where its Worker finds the class
 *   @handles(Double)
 *   onDouble(request: Double, sender: ReplyTo<Double>) {
 *     sender?.send(request.value * 2);
 *   }
 * }
 *
 * if (import.meta.main) { // a Worker loads this module again: not there
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const doubler = system.spawn(Doubler);
 *   const doubled: number = await bridge.call(doubler, new Double(21), { timeout: 5000 });
 *   console.log(doubled); // 42
 * }
 * ```
 *
 * @module
 */

// What actor modules need (also `@ringmail/actors/actor`, which a Worker loads faster).
export * from "./actor.ts";
export { ActorSystem } from "./src/system/actor_system.ts";
export {
  Bridge,
  type CallOptions,
  type MultiCallResult,
  type StopOptions,
} from "./src/bridge/bridge.ts";
export { ActorPool, type PoolOptions } from "./src/system/actor_pool.ts";
export type {
  ActorFailure,
  ActorSystemOptions,
  ClusterOptions,
  ClusterStatus,
  CutOffActor,
  DeadLetter,
  LinkStatus,
  ShutdownOptions,
  ShutdownReport,
  SpawnOptions,
} from "./src/system/options.ts";
export type { LiveView, ObserveOptions } from "./src/system/observe_options.ts";
export type {
  ActorSnapshot,
  ActorState,
  FailureSnapshot,
  MailboxSnapshot,
  Rate,
  SystemSnapshot,
  WorkerSnapshot,
} from "./src/system/snapshot.ts";
export type {
  AttachedObserver,
  CallObserver,
  MessageTracing,
  SystemObserver,
  TraceContext,
  TracedActor,
} from "./src/system/observer.ts";
