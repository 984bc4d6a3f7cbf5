/**
 * The worker agent: an actor every Worker of an actor system runs first. It starts actors in its
 * Worker when the guardian asks, loading their modules.
 *
 * @module
 */

import {
  Actor,
  ActorStat,
  handles,
  isEnding,
  messageOf,
  portableError,
  prepareFor,
  StrategyCache,
} from "../../actor/mod.ts";
import { decode } from "../../codec/mod.ts";
import { RingmailError } from "../../errors.ts";
import { SpawnError } from "../errors.ts";
import { exportedActorClass, notExportedReason } from "../exported_class.ts";
import {
  ActorStarted,
  AskLost,
  DefineClass,
  NodeDown,
  Retire,
  SpawnFailed,
  StartActor,
  StartActors,
  ThreadDied,
  ThreadDiedSeen,
} from "../control.ts";
import { SlotState } from "../../delivery/mod.ts";
import type { WorkerRuntime } from "./worker_runtime.ts";

/** The per-Worker control actor. */
export class WorkerAgent
  extends Actor<StartActors | StartActor | DefineClass | ThreadDied | AskLost | NodeDown | Retire> {
  readonly #runtime: WorkerRuntime;
  readonly #strategies = new StrategyCache();
  /** The classes the system defined here, by id, and the class once loaded. */
  readonly #classes = new Map<
    number,
    {
      definition: DefineClass;
      loaded: (new (...args: never[]) => Actor<unknown>) | null;
    }
  >();

  constructor(runtime: WorkerRuntime) {
    super();
    this.#runtime = runtime;
  }

  @handles(DefineClass)
  onDefineClass(definition: DefineClass): void {
    this.#classes.set(definition.id, { definition, loaded: null });
  }

  /** A thread died: mailboxes here held up by its unpublished records can move on. */
  @handles(ThreadDied)
  onThreadDied(death: ThreadDied): void {
    const runtime = this.#runtime;
    runtime.loop.recoverStalled();
    // Between two handlers, no send of this thread is half done: the system may now recycle.
    runtime.tellGuardian(
      new ThreadDiedSeen(death.threadId, runtime.courier.threadId),
    );
  }

  /** An actor that asks of this Worker wait on has ended (see asks.ts). */
  @handles(AskLost)
  onAskLost(lost: AskLost): void {
    this.#runtime.asks.lost(lost.target!, lost.reason, lost.upTo);
  }

  /** No actor will come to this idle Worker (see WorkerIdle): it ends, if still idle. */
  @handles(Retire)
  onRetire(): void {
    this.#runtime.retireIfIdle();
  }

  /** Another node is down: the asks waiting on its actors fail (see asks.ts). */
  @handles(NodeDown)
  onNodeDown(down: NodeDown): void {
    this.#runtime.asks.nodeDown(down.node, down.reason);
  }

  /** The starts of one turn of the system (see Spawner.start), in order. */
  @handles(StartActors)
  onStartActors(batch: StartActors): void | Promise<void> {
    const pending = this.#startFrom(batch, 0, 0);
    // Whoever spawns actors here is likely to spawn more: their mailboxes' fresh pages are
    // touched now, by this Worker, rather than faulted in by the spawning thread. 512 KiB a
    // batch: 256 pooled actors take ~300 KiB, and with 256 KiB the two Workers of the spawn
    // bench fell behind, leaving the spawning thread ~5 % of its time in page faults (profiled).
    this.#runtime.arena.pretouch(2 << 20, 512 << 10);
    return pending;
  }

  /**
   * Starts the batch's actors from `from` on (`extra`: the index in its extras of the first not
   * yet used); a class still loading holds up the rest, in order.
   */
  #startFrom(batch: StartActors, from: number, extra: number): void | Promise<void> {
    const { extras } = batch;
    const count = batch.count;
    let next = extra;
    for (let i = from; i < count; i++) {
      const own = next < extras.length && extras[next].index === i ? extras[next++] : null;
      const loading = this.onStartActor(batch.start(i, own));
      if (loading !== undefined) {
        const after = next;
        return loading.then(() => this.#startFrom(batch, i + 1, after));
      }
    }
  }

  @handles(StartActor)
  onStartActor(start: StartActor): void | Promise<void> {
    const runtime = this.#runtime;
    runtime.hosted++;
    const known = this.#classes.get(start.classId);
    if (known === undefined) {
      return this.#abandon(
        start,
        new SpawnError(`class ${start.classId} was never defined here`),
      );
    }
    // A class loaded before starts at once: a pool starts thousands of actors of a few classes.
    if (known.loaded !== null) return this.#start(start, known.loaded);
    const { module, exportName } = known.definition;
    return loadActorClass(module, exportName).then(
      (actorClass) => {
        known.loaded = actorClass;
        this.#start(start, actorClass);
      },
      (error) => this.#abandon(start, error),
    );
  }

  #start(
    start: StartActor,
    actorClass: new (...args: never[]) => Actor<unknown>,
  ): void {
    const runtime = this.#runtime;
    const name = start.name || actorClass.name;
    try {
      const mailbox = runtime.courier.mailbox(start.mailbox);
      const self = runtime.ref(start.slot, start.generation);
      // Its owner is this thread already: the system wrote it as it placed the start here.
      const cell = runtime.loop.createCell(self, name, mailbox, {
        parent: start.parent,
        strategy: start.strategy === null
          ? runtime.settings.supervision
          : this.#strategies.intern(start.strategy),
        restarts: start.restarts,
      });
      let args: unknown[];
      try {
        args = start.args === null ? [] : decode(start.args, runtime.courier) as unknown[];
      } catch (error) {
        throw new SpawnError(
          `cannot read the arguments of ${name} in its Worker: ${messageOf(error)}`,
          { cause: error },
        );
      }
      // Bytes from another node, or corrupted: a sparse array of 2^27 holes is a few bytes, and
      // spreading it into the constructor would take gigabytes. A spawn here never sends one:
      // its arguments were spread into spawn() already.
      if (!Array.isArray(args) || args.length > MAX_SPAWN_ARGUMENTS) {
        throw new SpawnError(
          `cannot read the arguments of ${name} in its Worker: ${
            Array.isArray(args) ? `${args.length} of them` : "they are no array"
          }, where a spawn sends at most ${MAX_SPAWN_ARGUMENTS}`,
        );
      }
      const makeArgs = argumentsMaker(args, start.args, runtime.courier);
      let started: void | Promise<void>;
      try {
        started = cell.start(actorClass, makeArgs);
      } catch (error) {
        throw new SpawnError(
          `${name}'s constructor threw: ${messageOf(error)}`,
          { cause: error },
        );
      }
      // Serve the mailbox only once preStart has settled: a cell added while its async preStart
      // runs could be queued twice (by its waiting messages and by the start's settling).
      const ready = () => {
        // A preStart that failed stopped the actor (or its restart did): it never ran, and its
        // end reports that (kind "start-failed").
        if (!isEnding(cell.state)) this.#running(start);
        runtime.loop.add(cell);
      };
      if (started === undefined) ready();
      else runtime.loop.track(started.then(ready));
    } catch (error) {
      this.#abandon(start, error);
    }
  }

  /** The actor is running; say so only if someone waits for it (the system marked it so). */
  #running(start: StartActor): void {
    const directory = this.#runtime.directory;
    const awaited = !directory.transition(
      start.slot,
      SlotState.Starting,
      SlotState.Running,
    ) &&
      directory.transition(
        start.slot,
        SlotState.StartAwaited,
        SlotState.Running,
      );
    if (awaited) {
      this.#runtime.tellGuardian(
        new ActorStarted(start.slot, start.generation),
      );
    }
  }

  /** The actor could not start: report it, and end the worker if it was the actor's own. */
  #abandon(start: StartActor, error: unknown): void {
    this.#runtime.hosted--;
    this.#failed(start, error);
    this.#runtime.exitIfEmpty();
  }

  /** The actor could not start: its messages are dead letters, its slot and mailbox go back. */
  #failed(start: StartActor, error: unknown): void {
    const runtime = this.#runtime;
    runtime.directory.setState(start.slot, SlotState.Dead);
    const name = start.name ||
      this.#classes.get(start.classId)?.definition.exportName ||
      "an actor";
    const spawnError = error instanceof SpawnError ? error : new SpawnError(
      `cannot start ${name}: ${messageOf(error)}`,
      { cause: error },
    );
    const mailbox = runtime.courier.mailbox(start.mailbox);
    // Read before the mailbox is retired (it may serve another actor next): a restart that could
    // not start had run before.
    const handled = mailbox.stat(ActorStat.Handled);
    const restarts = mailbox.stat(ActorStat.Restarts);
    // What waited for it (a call's request, say) is told why, not only that.
    runtime.retire(
      runtime.ref(start.slot, start.generation),
      mailbox,
      "start-failed",
      `${name} failed to start: ${spawnError.message}`,
    );
    runtime.tellGuardian(
      new SpawnFailed(
        start.slot,
        start.generation,
        portableError(spawnError),
        handled,
        restarts,
      ),
    );
  }
}

/**
 * The most constructor arguments a start reads: more than any spawn() call could pass (V8 puts a
 * call's arguments on the stack, and refuses far fewer).
 */
const MAX_SPAWN_ARGUMENTS = 1 << 16;

/** Loads `exportName` from `module` and checks it is an actor class. */
async function loadActorClass(module: string, exportName: string) {
  let exports: Record<string, unknown>;
  try {
    exports = await import(module);
  } catch (error) {
    // Our own errors (top-level code that made a system) carry their fix; others are a module
    // that could not be found or evaluated.
    const advice = error instanceof RingmailError ? "" : "; check that the file exists and " +
      "that `static readonly module = import.meta.url` is set in the class's own module";
    throw new SpawnError(
      `cannot load the module of ${exportName} (${module}) in its Worker: ` +
        `${messageOf(error)}${advice}`,
      { cause: error },
    );
  }
  const actorClass = exportedActorClass(exports, exportName, module);
  if (typeof actorClass !== "function") {
    throw new SpawnError(notExportedReason(exports, exportName, module));
  }
  if (!(actorClass.prototype instanceof Actor)) {
    throw new SpawnError(
      `${exportName} exported by ${module} does not extend Actor`,
    );
  }
  // An async handler's actor is kept across its awaits by node:async_hooks, loaded only now.
  await prepareFor(actorClass);
  return actorClass as new (...args: never[]) => Actor<unknown>;
}

const NO_ARGUMENTS: readonly unknown[] = Object.freeze([]);
const noArguments = () => NO_ARGUMENTS;

/**
 * What makes an actor's constructor arguments: `first` for its first start, then a fresh decode
 * of `bytes` for each restart. Made outside the agent's methods so the closure holds only these
 * (a pool keeps one per actor), and shared by every actor without arguments.
 */
function argumentsMaker(
  first: unknown[],
  bytes: Uint8Array | null,
  courier: unknown,
): () => readonly unknown[] {
  if (bytes === null || first.length === 0) return noArguments;
  let next: unknown[] | null = first;
  return () => {
    const args = next ?? decode(bytes, courier) as unknown[];
    next = null;
    return args;
  };
}
