/**
 * `ActorSystem`: owns the arena, the directory of actors and the Workers, spawns actors and
 * shuts everything down. It lives on the thread that made it (normally the main thread), where
 * its guardian actor collects what the Workers report.
 *
 * @module
 */

import {
  Actor,
  ActorRef,
  type CellHost,
  installRefCodec,
  type LoopTimers,
  type MessagesOf,
  ReceiveLoop,
} from "../actor/mod.ts";
import { CodecError, encode } from "../codec/mod.ts";
import { Arena, Doorbell, type Mailbox, MAX_MESSAGE, SpinPolicy } from "../ring/mod.ts";
import { ActorPool, type PoolOptions, poolWorkers } from "./actor_pool.ts";
import {
  type ActorStarted,
  type ActorStopped,
  type DeadLetterNotice,
  DefineClass,
  type HandlerFailed,
  type SpawnFailed,
  StartActor,
  type WorkerExited,
} from "./control.ts";
import { SEND_TIMEOUT_WORD, SystemCourier } from "./courier.ts";
import { Directory, SlotState } from "./directory.ts";
import { ActorDeadError, SpawnError, SystemClosedError } from "./errors.ts";
import { Guardian, type GuardianDelegate } from "./guardian.ts";
import { MailboxPool } from "./mailbox_pool.ts";
import type { Bootstrap } from "./worker_main.ts";

/**
 * An actor class that can be spawned: it extends `Actor` and says where its module is, with
 * `static readonly module = import.meta.url`, so its Worker can load it.
 */
// deno-lint-ignore no-explicit-any
export type ActorClass<A extends Actor<any> = Actor<any>> = (new (...args: any[]) => A) & {
  /** The URL of the module that exports the class: `import.meta.url` in that module. */
  readonly module: string;
};

/** A handler that threw, as reported to {@link ActorSystem.onFailure} listeners. */
export interface ActorFailure {
  /** The actor whose handler threw (`null` when not known, e.g. a failed start). */
  readonly actor: ActorRef<unknown> | null;
  /** The actor's name. */
  readonly actorName: string;
  /** The class (or type) of the message it was handling, or what it was doing. */
  readonly messageClass: string;
  /** What was thrown, with its stack. */
  readonly error: Error;
}

/** A message that was not handled, as reported to {@link ActorSystem.onDeadLetter} listeners. */
export interface DeadLetter {
  /** Where it was sent. */
  readonly target: ActorRef<unknown> | null;
  /** Who sent it (`null`: sent from outside any actor). */
  readonly sender: ActorRef<unknown> | null;
  /** The message's class, or a short description of a plain value. */
  readonly message: string;
  /** Why it was not handled. */
  readonly reason: string;
}

/** How to make an actor system. */
export interface ActorSystemOptions {
  /** The most actors (and Bridges) alive at once. Default 262144. */
  maxActors?: number;
  /** The most shared memory the system may use, in bytes. Default 1 GiB (reserved, not used). */
  maxMemoryBytes?: number;
  /** Bytes in each actor's mailbox ring, a power of two. Default 65536. */
  mailboxCapacity?: number;
  /** Milliseconds a send waits for room in a full mailbox before it fails. Default 5000. */
  sendTimeout?: number;
  /**
   * The largest message, in bytes once encoded. Messages larger than their mailbox travel in
   * a block of shared memory of their own. Default 64 MiB; at most 128 MiB - 1.
   */
  maxMessageBytes?: number;
  /** Called for every handler that throws. Without any listener, failures go to `console.error`. */
  onFailure?: (failure: ActorFailure) => void;
  /** Called for every dead letter (also counted in {@link ActorSystem.deadLetters}). */
  onDeadLetter?: (deadLetter: DeadLetter) => void;
}

/** Options of one spawn. */
export interface SpawnOptions {
  /** The actor's name in errors and logs. Default: its class name. */
  name?: string;
  /**
   * A pool whose Workers host the actor, next to many others (see {@link ActorSystem.createPool}).
   * Default: a Worker of its own.
   */
  pool?: ActorPool;
  /**
   * Another actor to place this one next to, in the same Worker: a send between them never
   * crosses threads. Wins over `pool`.
   */
  near?: ActorRef<never>;
  /** Bytes in the actor's mailbox ring, a power of two. Default: the system's. */
  mailboxCapacity?: number;
  /** Milliseconds a send to this actor waits for room before it fails. Default: the system's. */
  sendTimeout?: number;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // A spawn nobody awaits must not become an unhandled rejection: its failure is reported.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

interface WorkerHandle {
  readonly worker: Worker;
  readonly threadId: number;
  readonly agent: ActorRef<unknown>;
  readonly agentMailbox: Mailbox;
  readonly actors: Set<number>;
  readonly dedicated: boolean;
  /** Ids of the classes defined in this worker. */
  readonly classes: Set<number>;
  dead: boolean;
}

/**
 * What the system remembers of an actor it spawned: kept small, a pool may hold 100k. The
 * mailbox is kept by offset (a handle is made only if it must be closed), and the `started`
 * promise only exists once someone asks for it.
 */
interface SpawnedActor {
  readonly name: string;
  readonly generation: number;
  readonly mailbox: number;
  readonly worker: WorkerHandle;
  /** How its start ended so far: null while starting, then true (running) or the error. */
  outcome: true | Error | null;
  started: Deferred | null;
}

/** Settles an actor's start, and the promise of whoever asked for it. */
function settleStart(actor: SpawnedActor, outcome: true | Error): void {
  if (actor.outcome !== null) return;
  actor.outcome = outcome;
  if (actor.started === null) return;
  if (outcome === true) actor.started.resolve();
  else actor.started.reject(outcome);
}

/** What a Bridge needs from its system; not part of the public API. */
export interface BridgeHost {
  readonly arena: Arena;
  readonly directory: Directory;
  readonly pool: MailboxPool;
  readonly courier: SystemCourier;
  readonly doorbell: Doorbell;
  readonly closed: boolean;
  /** Tells `listener` when an actor is gone for good, so its calls settle at once. */
  watchDeaths(listener: (slot: number, generation: number, reason: string) => void): () => void;
  /** A name for the slot's actor. */
  nameOf(slot: number): string;
  /** The timers of the system's thread (its guardian's loop). */
  readonly timers: LoopTimers;
}

const hosts = new WeakMap<ActorSystem, BridgeHost>();

/** @internal The system's side that Bridges use. */
export function bridgeHostOf(system: ActorSystem): BridgeHost {
  return hosts.get(system)!;
}

const WORKER_MODULE = new URL("./worker_main.ts", import.meta.url);
/** The encoding of an empty argument list, shared by every spawn without arguments. */
const NO_ARGS: Uint8Array = encode([]);
const AGENT_MAILBOX_BYTES = 1 << 16;
const GUARDIAN_MAILBOX_BYTES = 1 << 20;

/**
 * An actor system: spawn actors into Workers, talk to them through a Bridge, shut them all
 * down. Use `await using`, or call {@link ActorSystem.shutdown}: live Workers keep a Deno
 * process running.
 *
 * @example The seed's Pinger and Ponger, one line each to start
 * ```ts
 * import { Actor, type ActorRef, ActorSystem, Bridge, handles, message } from "@ringmail/actors";
 *
 * @message()
 * export class Ping {
 *   constructor(readonly count = 0) {}
 * }
 *
 * export class Ponger extends Actor<Ping> {
 *   static readonly module = import.meta.url;
 *   @handles(Ping)
 *   onPing(ping: Ping, sender: ActorRef | null) {
 *     sender?.send(`pong ${ping.count}`);
 *   }
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const ponger = system.spawn(Ponger);
 *   console.log(await bridge.call(ponger, new Ping(1), { timeout: 5000 })); // "pong 1"
 * }
 * ```
 */
export class ActorSystem implements AsyncDisposable {
  readonly #arena: Arena;
  readonly #directory: Directory;
  readonly #pool: MailboxPool;
  readonly #courier: SystemCourier;
  readonly #doorbell: Doorbell;
  readonly #loop: ReceiveLoop;
  readonly #guardian: ActorRef<unknown>;
  readonly #guardianMailbox: Mailbox;
  readonly #threadId: number;
  readonly #mailboxCapacity: number;
  readonly #sendTimeout: number;
  readonly #maxMessageBytes: number;
  readonly #workers = new Map<number, WorkerHandle>();
  /** Ids of the actor classes spawned so far (what StartActor names them by). */
  readonly #classIds = new Map<ActorClass, number>();
  readonly #actors = new Map<number, SpawnedActor>();
  readonly #failureListeners = new Set<(failure: ActorFailure) => void>();
  readonly #deadLetterListeners = new Set<(deadLetter: DeadLetter) => void>();
  readonly #deathListeners = new Set<(slot: number, generation: number, reason: string) => void>();
  #closing: Promise<void> | null = null;

  /** Makes a system; it starts no Worker until the first spawn. */
  constructor(options: ActorSystemOptions = {}) {
    installRefCodec();
    this.#mailboxCapacity = options.mailboxCapacity ?? 1 << 16;
    this.#sendTimeout = options.sendTimeout ?? 5000;
    if (!(this.#sendTimeout > 0)) {
      throw new RangeError(
        `sendTimeout must be a positive number of ms, got ${options.sendTimeout}`,
      );
    }
    this.#maxMessageBytes = options.maxMessageBytes ?? 1 << 26;
    if (
      !(Number.isInteger(this.#maxMessageBytes) && this.#maxMessageBytes > 0 &&
        this.#maxMessageBytes <= MAX_MESSAGE)
    ) {
      throw new RangeError(
        `maxMessageBytes must be a whole number from 1 to ${MAX_MESSAGE}, got ${options.maxMessageBytes}`,
      );
    }
    this.#arena = Arena.create({ maxBytes: options.maxMemoryBytes ?? 1 << 30 });
    this.#directory = Directory.create(this.#arena, (options.maxActors ?? 1 << 18) + 1);
    this.#threadId = this.#arena.newThreadId();
    this.#pool = new MailboxPool(this.#arena, this.#directory, this.#threadId);
    this.#courier = new SystemCourier({
      arena: this.#arena,
      directory: this.#directory,
      threadId: this.#threadId,
      blocking: false,
      sendTimeout: this.#sendTimeout,
      maxMessageBytes: this.#maxMessageBytes,
      describe: (slot) => this.#actors.get(slot)?.name,
    });
    this.#courier.sink = { deadLetter: (notice) => this.#deadLetter(notice) };
    if (options.onFailure) this.#failureListeners.add(options.onFailure);
    if (options.onDeadLetter) this.#deadLetterListeners.add(options.onDeadLetter);

    this.#doorbell = Doorbell.create(this.#arena, this.#threadId);
    const host: CellHost = {
      deadLetter: (target, sender, message, reason) =>
        this.#courier.deadLetter(target, sender, message, reason),
      handlerFailed: (cell, message, error) =>
        this.#reportFailure(cell.self, cell.name, String(message), error),
      stopped: () => {},
    };
    // The main thread must stay responsive: a short spin budget before parking.
    this.#loop = new ReceiveLoop(this.#doorbell, this.#courier, host, {
      spin: new SpinPolicy({ maxSpins: 1000 }),
    });
    this.#guardianMailbox = this.#pool.acquire({ capacity: GUARDIAN_MAILBOX_BYTES });
    const slot = this.#directory.allocate(this.#guardianMailbox.offset, this.#threadId);
    this.#guardian = new ActorRef(slot, this.#directory.generation(slot), 0, this.#courier);
    const cell = this.#loop.createCell(this.#guardian, "guardian", this.#guardianMailbox);
    cell.start(Guardian as never, [this.#guardianDelegate()]);
    this.#directory.setState(slot, SlotState.Running);
    this.#loop.add(cell);
    this.#loop.run().catch((error) =>
      console.error("ringmail: the guardian's loop failed:", error)
    );

    const isClosed = () => this.#closing !== null;
    hosts.set(this, {
      arena: this.#arena,
      directory: this.#directory,
      pool: this.#pool,
      courier: this.#courier,
      doorbell: this.#doorbell,
      get closed() {
        return isClosed();
      },
      watchDeaths: (listener) => {
        this.#deathListeners.add(listener);
        return () => this.#deathListeners.delete(listener);
      },
      nameOf: (slot) => this.#actors.get(slot)?.name ?? "actor",
      timers: this.#loop.timers,
    });
  }

  /**
   * Starts an actor of `actorClass` in a Worker of its own and returns its ref at once.
   * Messages sent before the Worker is up wait in the actor's mailbox, in order. If the actor
   * cannot start, the failure is reported to {@link onFailure} listeners, {@link started}
   * rejects, and messages to it become dead letters.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param args the constructor's arguments; they travel to the Worker through the codec.
   * @returns the new actor's ref, typed by the messages it accepts.
   * @throws {SystemClosedError} after {@link shutdown}.
   * @throws {TypeError} when `actorClass` is not an actor class with a `module`.
   * @throws {CodecError} when an argument cannot be sent (naming the path inside it).
   */
  spawn<C extends ActorClass>(
    actorClass: C,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    return this.spawnWith(actorClass, {}, ...args);
  }

  /**
   * {@link spawn} with options: a name, a mailbox size, a send timeout.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param options the spawn's options.
   * @param args the constructor's arguments; they travel to the Worker through the codec.
   * @returns the new actor's ref.
   * @throws {SystemClosedError} after {@link shutdown}.
   * @throws {TypeError} when `actorClass` is not an actor class with a `module`.
   * @throws {CodecError} when an argument cannot be sent (naming the path inside it).
   */
  spawnWith<C extends ActorClass>(
    actorClass: C,
    options: SpawnOptions,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    this.#checkOpen("spawn");
    const module = checkActorClass(actorClass);
    const name = options.name ?? actorClass.name;
    let encodedArgs: Uint8Array;
    try {
      encodedArgs = args.length === 0 ? NO_ARGS : encode(args, this.#courier);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      throw new CodecError(`cannot send the arguments of ${name} to its Worker: ${error.message}`, {
        cause: error,
        path: error.path,
      });
    }
    const sendTimeout = options.sendTimeout ?? 0;
    if (!(Number.isInteger(sendTimeout) && sendTimeout >= 0 && sendTimeout <= 0x7fff_ffff)) {
      throw new RangeError(
        `sendTimeout must be a whole number of ms up to 2^31 - 1, got ${sendTimeout}`,
      );
    }
    const capacity = options.mailboxCapacity ?? options.pool?.mailboxCapacity ??
      this.#mailboxCapacity;
    const { mailbox, slot, generation } = this.#claim(capacity, 0);
    let worker: WorkerHandle;
    try {
      worker = this.#placement(options);
    } catch (error) {
      this.#unclaim(slot, mailbox);
      throw error;
    }
    mailbox.setUserWord(SEND_TIMEOUT_WORD, sendTimeout);
    this.#directory.setOwner(slot, worker.threadId);
    this.#actors.set(slot, {
      name,
      generation,
      mailbox: mailbox.offset,
      worker,
      outcome: null,
      started: null,
    });
    worker.actors.add(slot);
    const classId = this.#classIdOf(actorClass, module, worker);
    this.#courier.deliver(
      worker.agent,
      new StartActor(
        slot,
        generation,
        mailbox.offset,
        classId,
        name === actorClass.name ? "" : name,
        encodedArgs,
      ),
      null,
    );
    const ref = new ActorRef(slot, generation, 0, this.#courier);
    // The ref carries its mailbox handle: the system itself keeps only the offset.
    ref.mailboxCache = mailbox;
    ref.mailboxCacheOffset = mailbox.offset;
    return ref;
  }

  /**
   * Starts a pool of Workers that host many actors each: spawn into it with
   * `pool.spawn(Class, ...args)` (or the `pool` option of {@link spawnWith}). Actors are placed
   * round-robin, unless a spawn asks to be `near` another actor. Pool Workers run until the
   * system shuts down.
   *
   * @param options how many Workers (default: one per core), mailbox size, batch size.
   * @returns the pool.
   * @throws {SystemClosedError} after {@link shutdown}.
   * @throws {RangeError} when an option is out of range.
   */
  createPool(options: PoolOptions = {}): ActorPool {
    this.#checkOpen("create a pool");
    const size = options.workers ?? navigator.hardwareConcurrency ?? 2;
    if (!(Number.isInteger(size) && size >= 1 && size <= 256)) {
      throw new RangeError(`a pool needs 1 to 256 workers, got ${options.workers}`);
    }
    const batch = options.batch ?? 64;
    if (!(Number.isInteger(batch) && batch >= 1)) {
      throw new RangeError(`batch must be a positive whole number, got ${options.batch}`);
    }
    const capacity = options.mailboxCapacity ?? 1024;
    const workers: WorkerHandle[] = [];
    try {
      for (let i = 0; i < size; i++) workers.push(this.#startWorker(false, batch));
    } catch (error) {
      for (const worker of workers) this.#workerGone(worker, "its pool could not be created");
      throw error;
    }
    return new ActorPool(this, workers, capacity);
  }

  /**
   * Resolves once the actor's constructor (and `onStart`) ran in its Worker.
   * @throws {SpawnError} when it could not start (module not found, class not exported,
   * constructor threw).
   * @throws {ActorDeadError} when the ref is not an actor this system is starting or running.
   */
  started(ref: ActorRef<unknown>): Promise<void> {
    const actor = this.#actors.get(ref.slot);
    if (
      actor === undefined || actor.generation !== ref.generation || ref.courier !== this.#courier
    ) {
      return Promise.reject(new ActorDeadError(`${ref} is not an actor this system is running`));
    }
    if (actor.started === null) {
      actor.started = deferred();
      if (actor.outcome === true) actor.started.resolve();
      else if (actor.outcome !== null) actor.started.reject(actor.outcome);
      else if (
        !this.#directory.transition(ref.slot, SlotState.Starting, SlotState.StartAwaited) &&
        this.#directory.generation(ref.slot) === ref.generation &&
        this.#directory.state(ref.slot) === SlotState.Running
      ) {
        // It started before we asked: its worker saw no one waiting, and reported nothing.
        settleStart(actor, true);
      }
      // Otherwise its worker reports ActorStarted (it finds StartAwaited) or SpawnFailed.
    }
    return actor.started.promise;
  }

  /**
   * Subscribes to handler failures; returns a function that unsubscribes.
   * @param listener called once per failure, on this thread.
   */
  onFailure(listener: (failure: ActorFailure) => void): () => void {
    this.#failureListeners.add(listener);
    return () => this.#failureListeners.delete(listener);
  }

  /**
   * Subscribes to dead letters; returns a function that unsubscribes. Reports are made without
   * ever blocking a sender: under a flood some may be dropped, but {@link deadLetters} counts
   * every one.
   * @param listener called once per dead letter reported, on this thread.
   */
  onDeadLetter(listener: (deadLetter: DeadLetter) => void): () => void {
    this.#deadLetterListeners.add(listener);
    return () => this.#deadLetterListeners.delete(listener);
  }

  /** How many messages were not handled so far (by every thread of the system). */
  get deadLetters(): number {
    return this.#directory.deadLetters;
  }

  /** How many Workers are running. */
  get workerCount(): number {
    return this.#workers.size;
  }

  /**
   * Ends every Worker and settles everything pending: later sends are dead letters, spawns fail
   * with `SystemClosedError`, pending `started` promises and Bridge calls settle.
   */
  shutdown(): Promise<void> {
    return this.#closing ??= this.#shutdown();
  }

  /** Same as {@link shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #shutdown(): Promise<void> {
    for (const handle of this.#workers.values()) {
      this.#workerGone(handle, "the actor system shut down");
    }
    await this.#loop.close();
    this.#guardianMailbox.close();
  }

  #checkOpen(what: string): void {
    if (this.#closing !== null) {
      throw new SystemClosedError(`cannot ${what}: the actor system was shut down`);
    }
  }

  /** A mailbox and a slot for a new actor (or agent); nothing is left taken if it fails. */
  #claim(capacity: number, owner: number): { mailbox: Mailbox; slot: number; generation: number } {
    const mailbox = this.#pool.acquire({ capacity });
    // Sends through this handle (the spawned ref keeps it) may go external, as the courier's do.
    mailbox.maxExternal = this.#maxMessageBytes;
    try {
      const slot = this.#directory.allocate(mailbox.offset, owner);
      return { mailbox, slot, generation: this.#directory.generation(slot) };
    } catch (error) {
      mailbox.close();
      this.#pool.release(mailbox);
      throw error;
    }
  }

  /** Gives back what {@link #claim} took, when nothing was started with it. */
  #unclaim(slot: number, mailbox: Mailbox): void {
    this.#directory.free(slot);
    mailbox.close();
    this.#pool.release(mailbox);
  }

  /** The id of an actor class, defined in `worker` (once) before its first actor there. */
  #classIdOf(actorClass: ActorClass, module: string, worker: WorkerHandle): number {
    let id = this.#classIds.get(actorClass);
    if (id === undefined) this.#classIds.set(actorClass, id = this.#classIds.size + 1);
    if (!worker.classes.has(id)) {
      worker.classes.add(id);
      this.#courier.deliver(worker.agent, new DefineClass(id, module, actorClass.name), null);
    }
    return id;
  }

  /** Which Worker a new actor goes to. */
  #placement(options: SpawnOptions): WorkerHandle {
    if (options.near !== undefined) {
      const near = this.#actors.get(options.near.slot);
      if (near === undefined || near.generation !== options.near.generation || near.worker.dead) {
        throw new ActorDeadError(`cannot place an actor near ${options.near}: it is not running`);
      }
      return near.worker;
    }
    if (options.pool !== undefined) {
      const workers = poolWorkers(options.pool, this) as WorkerHandle[];
      const first = options.pool.nextIndex();
      for (let i = 0; i < workers.length; i++) {
        const worker = workers[(first + i) % workers.length];
        if (!worker.dead) return worker;
      }
      throw new ActorDeadError("every Worker of the pool has died");
    }
    return this.#startWorker(true);
  }

  #startWorker(dedicated: boolean, batch = 64): WorkerHandle {
    const threadId = this.#arena.newThreadId();
    const { mailbox: agentMailbox, slot: agentSlot, generation } = this.#claim(
      AGENT_MAILBOX_BYTES,
      threadId,
    );
    this.#directory.setState(agentSlot, SlotState.Running);
    const agent = new ActorRef(agentSlot, generation, 0, this.#courier);
    let worker: Worker;
    try {
      worker = new Worker(WORKER_MODULE, { type: "module", name: `ringmail worker ${threadId}` });
    } catch (error) {
      this.#unclaim(agentSlot, agentMailbox);
      throw error;
    }
    const handle: WorkerHandle = {
      worker,
      threadId,
      agent,
      agentMailbox,
      actors: new Set(),
      dedicated,
      classes: new Set(),
      dead: false,
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#workerGone(handle, `its Worker died: ${event.message}`);
    };
    worker.onmessageerror = () =>
      this.#workerGone(handle, "its Worker could not read its bootstrap");
    const boot: Bootstrap = {
      arena: this.#arena.buffer,
      directory: this.#directory.offset,
      threadId,
      agentSlot,
      agentGeneration: agent.generation,
      agentMailbox: agentMailbox.offset,
      guardianSlot: this.#guardian.slot,
      guardianGeneration: this.#guardian.generation,
      sendTimeout: this.#sendTimeout,
      maxMessageBytes: this.#maxMessageBytes,
      batch,
      dedicated,
    };
    worker.postMessage(boot);
    this.#workers.set(threadId, handle);
    return handle;
  }

  /** A Worker is gone (died, or the system is closing): everything in it is dead. */
  #workerGone(handle: WorkerHandle, reason: string): void {
    if (handle.dead) return;
    handle.dead = true;
    handle.worker.terminate();
    this.#workers.delete(handle.threadId);
    // Its mailboxes are closed but not recycled: the terminated thread may still be finishing.
    this.#directory.setState(handle.agent.slot, SlotState.Dead);
    handle.agentMailbox.close();
    for (const slot of handle.actors) this.#actorGone(slot, reason, handle);
  }

  /** An actor its worker has retired: drop it, and tell whoever waits on it. */
  #forget(slot: number, generation: number, reason: string): void {
    const actor = this.#actors.get(slot)!;
    this.#actors.delete(slot);
    actor.worker.actors.delete(slot);
    for (const listener of this.#deathListeners) listener(slot, generation, reason);
  }

  #actorGone(slot: number, reason: string, handle: WorkerHandle): void {
    const actor = this.#actors.get(slot);
    // The slot may hold a newer actor by now (in another worker): only this worker's counts.
    if (actor === undefined || actor.worker !== handle) return;
    this.#actors.delete(slot);
    actor.worker.actors.delete(slot);
    if (this.#directory.generation(slot) === actor.generation) {
      this.#directory.setState(slot, SlotState.Dead);
    }
    this.#courier.mailbox(actor.mailbox).close();
    settleStart(actor, new ActorDeadError(`${actor.name} is gone: ${reason}`));
    for (const listener of this.#deathListeners) {
      listener(slot, actor.generation, `${actor.name} is gone: ${reason}`);
    }
  }

  #guardianDelegate(): GuardianDelegate {
    return {
      actorStarted: (report: ActorStarted) => {
        const actor = this.#actors.get(report.slot);
        if (actor?.generation === report.generation) settleStart(actor, true);
      },
      spawnFailed: (report: SpawnFailed) => {
        const actor = this.#actors.get(report.slot);
        if (actor?.generation !== report.generation) return;
        const error = new SpawnError(report.error.message, { cause: report.error });
        error.stack = report.error.stack;
        settleStart(actor, error);
        this.#reportFailure(null, actor.name, "spawn", error);
        // Its worker retired its slot and mailbox (and ends itself if it was the actor's own).
        this.#forget(report.slot, report.generation, `${actor.name} failed to start`);
      },
      actorStopped: (report: ActorStopped) => {
        const actor = this.#actors.get(report.slot);
        if (actor?.generation !== report.generation) return;
        settleStart(actor, true);
        this.#forget(report.slot, report.generation, `${actor.name} has stopped`);
      },
      handlerFailed: (report: HandlerFailed) => {
        this.#reportFailure(report.actor, report.actorName, report.messageClass, report.error);
      },
      deadLetter: (report: DeadLetterNotice) => this.#deadLetter(report),
      workerExited: (report: WorkerExited) => {
        const handle = this.#workers.get(report.threadId);
        if (handle === undefined) return;
        // It closed itself after handing back its slots and mailboxes.
        handle.dead = true;
        handle.worker.terminate();
        this.#workers.delete(report.threadId);
      },
    };
  }

  #reportFailure(
    actor: ActorRef<unknown> | null,
    actorName: string,
    messageClass: string,
    error: unknown,
  ): void {
    const failure: ActorFailure = {
      actor,
      actorName,
      messageClass,
      error: error instanceof Error ? error : new Error(String(error)),
    };
    if (this.#failureListeners.size === 0) {
      console.error(
        `ringmail: ${actorName} failed while handling ${messageClass}:`,
        failure.error.stack ?? failure.error,
      );
      return;
    }
    for (const listener of this.#failureListeners) callListener(listener, failure, "onFailure");
  }

  #deadLetter(notice: DeadLetterNotice): void {
    const deadLetter: DeadLetter = {
      target: notice.target,
      sender: notice.sender,
      message: notice.message,
      reason: notice.reason,
    };
    for (const listener of this.#deadLetterListeners) {
      callListener(listener, deadLetter, "onDeadLetter");
    }
  }
}

/** Calls a user's listener; what it throws is reported, never let into the runtime. */
function callListener<T>(listener: (value: T) => void, value: T, kind: string): void {
  try {
    listener(value);
  } catch (error) {
    console.error(`ringmail: an ${kind} listener threw:`, error);
  }
}

/** Classes already checked, and their module URL: a pool spawns many actors of a few classes. */
const checkedClasses = new WeakMap<object, string>();

/** Checks that `actorClass` can be spawned; returns its module URL. */
function checkActorClass(actorClass: unknown): string {
  const checked = typeof actorClass === "function" ? checkedClasses.get(actorClass) : undefined;
  if (checked !== undefined) return checked;
  if (typeof actorClass !== "function") {
    throw new TypeError(`spawn takes an actor class, got ${typeof actorClass}`);
  }
  const name = actorClass.name || "the class";
  if (!(actorClass.prototype instanceof Actor)) {
    throw new TypeError(`${name} cannot be spawned: it does not extend Actor`);
  }
  const module = (actorClass as { module?: unknown }).module;
  if (typeof module !== "string") {
    throw new TypeError(
      `${name} cannot be spawned: it does not say where its module is; add ` +
        "`static readonly module = import.meta.url` to the class",
    );
  }
  try {
    new URL(module);
  } catch {
    throw new TypeError(
      `${name}.module must be a URL (import.meta.url), got ${JSON.stringify(module)}`,
    );
  }
  checkedClasses.set(actorClass, module);
  return module;
}
