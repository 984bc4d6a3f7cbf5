/**
 * The observer seam of a system: how code outside the core (OpenTelemetry's, in
 * `@ringmail/actors/otel`) watches a system without the core importing any of it. A system made
 * without the `observer` option loads nothing more, and its threads trace nothing and wrap no
 * call.
 *
 * An observer object cannot cross to a Worker, a module URL can: a Worker imports the
 * observer's `workerModule` as it starts, before its first actor, and calls its export
 * `observeWorker(workerOptions, threadId)` for the tracing of its own handlers and sends.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { MessageTracing } from "../delivery/mod.ts";
import type { ActorSystem } from "./actor_system.ts";

export type { MessageTracing, TraceContext, TracedActor } from "../delivery/mod.ts";

/**
 * What watches an actor system from outside its core, given as {@link ActorSystemOptions.observer}.
 * `openTelemetry()` of `@ringmail/actors/otel` makes one; implement it to plug in another.
 *
 * @example An observer that counts Bridge calls
 * ```ts
 * import { ActorSystem, type SystemObserver } from "@ringmail/actors";
 *
 * let calls = 0;
 * const counting: SystemObserver = {
 *   attach: () => ({
 *     calls: { started: () => () => calls++ },
 *     [Symbol.dispose]() {},
 *   }),
 * };
 * await using system = new ActorSystem({ observer: counting });
 * ```
 */
export interface SystemObserver {
  /**
   * Called once on the system's thread while the system is made (before any Worker starts):
   * what it returns serves that thread, and is disposed when the system begins to shut down.
   */
  attach(system: ActorSystem): AttachedObserver;
  /**
   * The URL of a module each Worker imports as it starts; its export
   * `observeWorker(workerOptions, threadId)` returns that Worker's {@link MessageTracing} (or
   * null). Leave it out and Workers load nothing more.
   */
  readonly workerModule?: string;
  /** What each Worker's `observeWorker` gets: a value `postMessage` can copy. */
  readonly workerOptions?: unknown;
}

/** What an observer does on the system's own thread (see {@link SystemObserver.attach}). */
export interface AttachedObserver extends Disposable {
  /** The trace context of the system thread's sends (Bridge calls); none if left out. */
  readonly tracing?: MessageTracing | null;
  /** Told of each Bridge call; none if left out. */
  readonly calls?: CallObserver | null;
}

/** An observer of Bridge calls (their latency, their outcome). */
export interface CallObserver {
  /**
   * A Bridge call of `request` to `target` begins; what it returns is called once, when it
   * settles: `ok` when it got its reply (or its `default`), false when it failed.
   */
  started(target: ActorRef<unknown>, request: unknown): (ok: boolean) => void;
}

/** What a Worker is told of its system's observer, in its bootstrap. */
export interface WorkerObserver {
  readonly module: string;
  readonly options: unknown;
}

/**
 * Checks an observer's shape, so that a wrong one fails where the system is made.
 * @throws {TypeError} when it has no `attach`, or a `workerModule` that is no absolute URL.
 */
export function checkObserver(observer: SystemObserver): void {
  if (typeof observer?.attach !== "function") {
    throw new TypeError(
      "observer must have an attach(system) method: give it openTelemetry() of " +
        "@ringmail/actors/otel, or a SystemObserver of your own",
    );
  }
  const module = observer.workerModule;
  if (module !== undefined && !(typeof module === "string" && URL.canParse(module))) {
    throw new TypeError(
      `observer.workerModule must be a module's absolute URL ` +
        `(new URL("./worker.ts", import.meta.url).href), got ${String(module)}`,
    );
  }
}

/** The bootstrap's part for an observer's Worker side; null when Workers load nothing. */
export function workerObserverOf(observer: SystemObserver | undefined): WorkerObserver | null {
  if (observer?.workerModule === undefined) return null;
  return { module: observer.workerModule, options: observer.workerOptions };
}

/**
 * In a Worker: imports the observer's module and returns the Worker's tracing (null: none).
 * @throws {TypeError} when the module has no `observeWorker` export.
 */
export async function observeWorker(
  observer: WorkerObserver,
  threadId: number,
): Promise<MessageTracing | null> {
  const module = await import(observer.module);
  if (typeof module.observeWorker !== "function") {
    throw new TypeError(
      `the observer module ${observer.module} exports no observeWorker(options, threadId): ` +
        `give SystemObserver.workerModule the URL of a module that does`,
    );
  }
  return module.observeWorker(observer.options, threadId) ?? null;
}
