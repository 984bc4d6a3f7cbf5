/**
 * `ActorSystem`: owns the arena, the directory of actors and the Workers, spawns actors and
 * shuts everything down. It lives on the thread that made it (normally the main thread), where
 * its guardian actor collects what the Workers report; its registry keeps the family tree and
 * the watches; when a Worker dies it applies the supervisors' decisions and recovers what the
 * Worker left behind.
 *
 * @module
 */

import {
  Activity,
  ActorRef,
  type CellHost,
  checkStrategy,
  ChildGone,
  type DeadLetterKind,
  describeError,
  Failed,
  installRefCodec,
  type LoopTimers,
  type MessagesOf,
  portableError,
  ReceiveLoop,
  Stop,
  type SupervisionStrategy,
  Supervisor,
  type Terminated,
  type TerminationKind,
} from "../actor/mod.ts";
import { decode, nameBase } from "../codec/mod.ts";
import { Arena, Doorbell, type Mailbox, MAX_MESSAGE, SpinPolicy } from "../ring/mod.ts";
import { ActorPool, type PoolOptions, poolWorkers } from "./actor_pool.ts";
import {
  type ActorStarted,
  type ActorStopped,
  AskLost,
  type AskUnwatch,
  type AskWatch,
  type DeadLetterNotice,
  DefineClass,
  type HandlerFailed,
  type SpawnChild,
  type SpawnFailed,
  StartActor,
  ThreadDied,
  type ThreadDiedSeen,
  type WorkerExited,
} from "./control.ts";
import { describeMessage, SEND_TIMEOUT_WORD, SystemCourier } from "./courier.ts";
import { Directory, SlotState } from "./directory.ts";
import { isActorWorker } from "./actor_worker_flag.ts";
import {
  ActorDeadError,
  ActorKilledError,
  SpawnError,
  SystemClosedError,
  SystemInWorkerError,
  WorkerDiedError,
} from "./errors.ts";
import { Guardian, type GuardianDelegate } from "./guardian.ts";
import { MailboxPool } from "./mailbox_pool.ts";
import type {
  ActorFailure,
  ActorSystemOptions,
  CutOffActor,
  DeadLetter,
  ShutdownOptions,
  ShutdownReport,
  SpawnOptions,
} from "./options.ts";
import { Recoveries } from "./recovery.ts";
import { AskWatches } from "./ask_watches.ts";
import {
  type ActorRecord,
  DEDICATED,
  deferred,
  type LossListener,
  NEAR,
  newRecord,
  type Placement,
  Registry,
  settleStart,
} from "./registry.ts";
import { checkActorClass, checkSendTimeout, encodeArguments } from "./spawn_checks.ts";
import type { Bootstrap } from "./worker_main.ts";
import { PoolWorkers } from "./pool_workers.ts";
import { startWorker, stopWorker, type WorkerHandle } from "./workers.ts";

export type { ActorClass } from "../actor/mod.ts";
import type { ActorClass } from "../actor/mod.ts";

/** What a Bridge needs from its system; not part of the public API. */
export interface BridgeHost {
  readonly arena: Arena;
  readonly directory: Directory;
  readonly pool: MailboxPool;
  readonly courier: SystemCourier;
  readonly doorbell: Doorbell;
  readonly closed: boolean;
  /** Tells `listener` when calls to an actor will get no reply (it ended, or its Worker died). */
  watchLosses(listener: LossListener): () => void;
  /** Tells `listener` when a dead thread was marked dead (stalled records can be skipped). */
  watchThreadDeaths(listener: () => void): () => void;
  /** Resolves when the actor ends. */
  whenEnded(ref: ActorRef<unknown>): Promise<Terminated>;
  /** A name for the ref's actor, even shortly after it ended. */
  nameOf(ref: ActorRef<unknown>): string;
  /** The timers of the system's thread (its guardian's loop). */
  readonly timers: LoopTimers;
}

const hosts = new WeakMap<ActorSystem, BridgeHost>();
const workerKillers = new WeakMap<ActorSystem, (ref: ActorRef<unknown>) => boolean>();

/** @internal The system's side that Bridges use. */
export function bridgeHostOf(system: ActorSystem): BridgeHost {
  return hosts.get(system)!;
}

/**
 * @internal Terminates the Worker of the actor `ref` names, as a crash would end it (tests and
 * chaos drills). Returns false when the actor is not running.
 */
export function terminateWorkerOf(system: ActorSystem, ref: ActorRef<unknown>): boolean {
  return workerKillers.get(system)!(ref);
}

const AGENT_MAILBOX_BYTES = 1 << 16;
const GUARDIAN_MAILBOX_BYTES = 1 << 20;
const DEFAULT_SHUTDOWN_MS = 5000;
/** The send timeout of the system's own mailboxes (its guardian's, its agents'). */
const FOREVER_MS = 0x7fff_ffff;
const TOP_LEVEL: SupervisionStrategy = { onFailure: "resume" };

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
  readonly #strategy: SupervisionStrategy;
  readonly #workers = new Map<number, WorkerHandle>();
  /** Ids of the actor classes spawned so far (what StartActor names them by), by module#name. */
  readonly #classIds = new Map<string, number>();
  readonly #classes: { module: string; exportName: string }[] = [];
  readonly #registry: Registry;
  readonly #poolPlacements = new Map<ActorPool, Placement>();
  /** The pool of each pool Worker, to replace it when it dies. */
  readonly #poolOf = new Map<WorkerHandle, PoolWorkers>();
  readonly #recoveries: Recoveries;
  /** Which Workers' asks wait on which actors (see asks.ts). */
  readonly #askWatches: AskWatches;
  readonly #failureListeners = new Set<(failure: ActorFailure) => void>();
  readonly #deadLetterListeners = new Set<(deadLetter: DeadLetter) => void>();
  readonly #threadDeathListeners = new Set<() => void>();
  #closing: Promise<ShutdownReport> | null = null;
  /** Set while a graceful shutdown waits for the actors: resolves once none is left. */
  #drained: (() => void) | null = null;
  /** Messages drained as dead letters from the mailboxes of actors a shutdown cut off. */
  #undelivered = 0;
  /** Actors that ended while a graceful shutdown waited for them. */
  #stoppedInShutdown = 0;

  /**
   * Makes a system; it starts no Worker until the first spawn.
   * @throws {RangeError} when an option is out of range.
   * @throws {TypeError} when `supervision` is malformed.
   */
  constructor(options: ActorSystemOptions = {}) {
    if (isActorWorker()) {
      throw new SystemInWorkerError(
        "an ActorSystem cannot be made inside an actor's Worker: the module of an actor class is " +
          "loaded again in each Worker that hosts it, so its top-level code runs there too; put " +
          "the code that makes the system and spawns actors under `if (import.meta.main) { ... }`",
      );
    }
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
    this.#strategy = options.supervision === undefined
      ? TOP_LEVEL
      : checkStrategy(options.supervision, "supervision");
    this.#arena = Arena.create({ maxBytes: options.maxMemoryBytes ?? 1 << 30 });
    this.#directory = Directory.create(this.#arena, (options.maxActors ?? 1 << 18) + 1);
    this.#threadId = this.#arena.newThreadId();
    this.#courier = new SystemCourier({
      arena: this.#arena,
      directory: this.#directory,
      threadId: this.#threadId,
      blocking: false,
      sendTimeout: this.#sendTimeout,
      maxMessageBytes: this.#maxMessageBytes,
      describe: (slot, generation) => this.#registry.nameOf(slot, generation),
    });
    // Its mailboxes are the courier's handles: one per mailbox on this thread (MailboxHandles).
    this.#pool = new MailboxPool(this.#arena, this.#directory, this.#courier.handles);
    this.#registry = new Registry(this.#courier, () => this.#guardian);
    this.#askWatches = new AskWatches((desk, target, reason) =>
      this.#courier.deliver(desk, new AskLost(target, reason), this.#guardian)
    );
    // Asks hear of an actor's loss as Bridge calls do.
    this.#registry.lossListeners.add((slot, generation, reason) =>
      this.#askWatches.lost(
        slot,
        generation,
        reason,
        () => new ActorRef(slot, generation, 0, this.#courier),
      )
    );
    this.#recoveries = new Recoveries({
      arena: this.#arena,
      // A Worker whose start waits has sent nothing: no answer to wait for.
      liveThreads: () =>
        Array.from(this.#workers.values()).filter((w) => w.worker !== null).map((w) => w.threadId),
      tellThreadDied: (threadId, dead) => {
        const handle = this.#workers.get(threadId);
        if (handle !== undefined) {
          this.#courier.deliver(handle.agent, new ThreadDied(dead), this.#guardian);
        }
      },
      threadMarkedDead: () => {
        this.#loop.recoverStalled();
        for (const listener of this.#threadDeathListeners) listener();
      },
    });
    this.#courier.sink = {
      deadLetter: (target, sender, message, kind, reason) =>
        this.#reportDeadLetter({
          target,
          sender,
          message,
          messageClass: describeMessage(message),
          kind,
          reason,
          count: 1,
        }),
    };
    if (options.onFailure) this.#failureListeners.add(options.onFailure);
    if (options.onDeadLetter) this.#deadLetterListeners.add(options.onDeadLetter);

    this.#doorbell = Doorbell.create(this.#arena, this.#threadId);
    const host: CellHost = {
      deadLetter: (target, sender, message, kind, reason) =>
        this.#courier.deadLetter(target, sender, message, kind, reason),
      handlerFailed: (cell, message, error) =>
        this.#reportFailure(
          cell.self,
          cell.name,
          message instanceof Activity ? message.label : describeMessage(message),
          error,
        ),
      stopped: () => {},
      spawnChild: () => {
        throw new TypeError("the system's own actors spawn no children");
      },
      watch: () => {},
      unwatch: () => {},
    };
    // The main thread must stay responsive: a short spin budget before parking.
    this.#loop = new ReceiveLoop(this.#doorbell, this.#courier, host, {
      spin: new SpinPolicy({ maxSpins: 1000 }),
    });
    this.#guardianMailbox = this.#pool.acquire({ capacity: GUARDIAN_MAILBOX_BYTES });
    const slot = this.#directory.allocate(this.#guardianMailbox.offset, this.#threadId);
    this.#guardian = new ActorRef(slot, this.#directory.generation(slot), 0, this.#courier);
    this.#courier.systemSender = this.#guardian;
    // Workers wait as long as it takes to report to the guardian: no report may be lost.
    this.#guardianMailbox.setUserWord(SEND_TIMEOUT_WORD, FOREVER_MS);
    const cell = this.#loop.createCell(this.#guardian, "guardian", this.#guardianMailbox);
    const delegate = this.#guardianDelegate();
    cell.start(Guardian as never, () => [delegate]);
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
      watchLosses: (listener) => {
        this.#registry.lossListeners.add(listener);
        return () => this.#registry.lossListeners.delete(listener);
      },
      watchThreadDeaths: (listener) => {
        this.#threadDeathListeners.add(listener);
        return () => this.#threadDeathListeners.delete(listener);
      },
      whenEnded: (ref) =>
        this.#unannounced(ref)
          ? this.#registry.whenAnnounced(ref).then(() => this.#registry.whenEnded(ref))
          : this.#registry.whenEnded(ref),
      nameOf: (ref) => this.#registry.nameOf(ref.slot, ref.generation) ?? "actor",
      timers: this.#loop.timers,
    });
    workerKillers.set(this, (ref) => {
      const record = this.#registry.of(ref);
      if (record === undefined || record.worker.dead) return false;
      this.#workerDied(record.worker, "it was terminated");
      return true;
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
   * {@link spawn} with options: a name, a mailbox size, a send timeout, a pool, a neighbour.
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
    const encodedArgs = encodeArguments(name, args, this.#courier);
    const sendTimeout = checkSendTimeout(options.sendTimeout ?? 0);
    const capacity = options.mailboxCapacity ?? options.pool?.mailboxCapacity ??
      this.#mailboxCapacity;
    const { mailbox, slot, generation } = this.#claim(capacity, 0);
    let worker: WorkerHandle;
    let placement: Placement;
    try {
      [worker, placement] = this.#placement(options);
    } catch (error) {
      this.#unclaim(slot, mailbox);
      throw error;
    }
    // A fresh or reopened mailbox's words are 0: the system's default.
    if (sendTimeout !== 0) mailbox.setUserWord(SEND_TIMEOUT_WORD, sendTimeout);
    const record = newRecord({
      slot,
      generation,
      name,
      mailbox: mailbox.offset,
      worker,
      classId: this.#classIdOf(module, actorClass.name),
      args: encodedArgs,
      parent: null,
      strategy: this.#strategy,
      placement,
    });
    this.#registry.add(record);
    this.#start(record);
    const ref = new ActorRef(slot, generation, 0, this.#courier);
    // The courier's own handle (the pool's are the courier's): every ref to this actor on this
    // thread sends through it, and waits for room in the same backlog.
    ref.mailboxCache = mailbox;
    ref.mailboxCacheOffset = mailbox.offset;
    return ref as ActorRef<MessagesOf<InstanceType<C>>>;
  }

  /**
   * Starts a pool of Workers that host many actors each: spawn into it with
   * `pool.spawn(Class, ...args)` (or the `pool` option of {@link spawnWith}). Actors are placed
   * round-robin, unless a spawn asks to be `near` another actor. Pool Workers run until the
   * system shuts down; one that dies is replaced (see {@link ActorPool}).
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
      for (const worker of workers) this.#workerDied(worker, "its pool could not be created");
      throw error;
    }
    const pool = new PoolWorkers(batch, workers);
    for (const worker of workers) this.#poolOf.set(worker, pool);
    return new ActorPool(this, pool, capacity);
  }

  /**
   * Resolves once the actor's constructor (and `preStart`) ran in its Worker.
   * @throws {SpawnError} when it could not start (module not found, class not exported,
   * constructor threw).
   * @throws {ActorDeadError} when the ref is not an actor this system is starting or running.
   */
  started(ref: ActorRef<unknown>): Promise<void> {
    const record = ref.courier === this.#courier ? this.#registry.of(ref) : undefined;
    if (record === undefined) {
      if (this.#unannounced(ref)) {
        return this.#registry.whenAnnounced(ref).then((known) =>
          typeof known === "string" ? Promise.reject(new SpawnError(known)) : this.started(ref)
        );
      }
      return Promise.reject(new ActorDeadError(`${ref} is not an actor this system is running`));
    }
    if (record.started === null) {
      record.started = deferred();
      if (record.outcome === true) record.started.resolve();
      else if (record.outcome !== null) record.started.reject(record.outcome);
      else if (
        !this.#directory.transition(ref.slot, SlotState.Starting, SlotState.StartAwaited) &&
        this.#directory.generation(ref.slot) === ref.generation &&
        this.#directory.state(ref.slot) === SlotState.Running
      ) {
        // It started before we asked: its worker saw no one waiting, and reported nothing.
        settleStart(record, true);
      }
      // Otherwise its worker reports ActorStarted (it finds StartAwaited) or SpawnFailed.
    }
    return record.started.promise;
  }

  /**
   * Kills an actor that `Stop` cannot reach: one stuck in an async handler that never settles,
   * or in a synchronous loop. Its Worker is terminated, and its supervisor decides, on an
   * `ActorKilledError`: a restart makes a fresh instance behind the same ref and mailbox, in
   * another Worker; otherwise it ends and its watchers get `Terminated` with kind `"killed"`.
   * Either way, calls waiting on it settle at once with `ActorDeadError`.
   *
   * Every actor sharing its Worker dies with it: in a pool, the other actors of that Worker
   * (the pool replaces the Worker itself); anywhere, the children spawned `near` it. Each of
   * those is restarted in a live Worker, or ends (kind `"worker-died"`), as its own supervisor
   * decides on a `WorkerDiedError`, and loses what was queued for it in that Worker's memory.
   *
   * A thread busy in a handler is another matter: Deno's `Worker.terminate()` does not
   * interrupt running JavaScript. The actor is replaced all the same, but the old thread runs
   * that handler to its end (sends included, a core spent on it), then stops and takes no
   * further message; one that never returns spins until the process ends, which it then keeps
   * from exiting by itself (end such a program with `Deno.exit()`).
   *
   * @param ref the actor to kill.
   * @param reason why, for its `Terminated` and for the calls that settle.
   * @returns whether it was killed: false when it is not running (it ended, or its Worker has
   * just died and its restart is under way).
   *
   * @example An actor stuck on a promise that never settles, killed and restarted
   * ```ts
   * import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "@ringmail/actors";
   *
   * export class Waiter extends Actor<string> {
   *   static readonly module = import.meta.url;
   *   @handles(String)
   *   async onText(text: string, sender: ActorRef | null) {
   *     sender?.send(text);
   *     if (text === "wait") await new Promise(() => {}); // its mailbox waits forever
   *   }
   * }
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem({ supervision: { onFailure: "restart" } });
   *   using bridge = new Bridge(system);
   *   const waiter = system.spawn(Waiter);
   *   await bridge.call(waiter, "wait", { timeout: 5_000 }); // answered, then it waits
   *   const call = bridge.call(waiter, "hello?", { timeout: 60_000 });
   *   system.kill(waiter, "it waits forever");
   *   console.log(await call.catch((error) => error.name)); // "ActorDeadError", at once
   *   console.log(await bridge.call(waiter, "back", { timeout: 5_000 })); // "back"
   * }
   * ```
   */
  kill(ref: ActorRef<unknown>, reason = "system.kill was called"): boolean {
    const record = ref.courier === this.#courier ? this.#registry.of(ref) : undefined;
    if (record === undefined) {
      if (!this.#unannounced(ref)) return false;
      // A child its parent's Worker has just made: killed once the system hears of it.
      this.#registry.whenAnnounced(ref).then((known) => {
        if (typeof known !== "string") this.kill(ref, reason);
      });
      return true;
    }
    if (record.worker.dead) return false;
    this.#workerDied(record.worker, `${record.name} was killed: ${reason}`, "worker-died", record);
    return true;
  }

  /**
   * Whether `ref` names a child the system has not heard of yet: its parent's Worker took its
   * slot (still starting, same generation), and the guardian has not handled its SpawnChild.
   * That report left before the ref could, so it is on its way: wait for it, rather than call
   * the child dead.
   */
  /**
   * A Worker's asks wait on `target` (see asks.ts): its desk hears when it is lost — at once
   * if it has ended already (it may have done so while the watch was on its way).
   */
  #askWatch(desk: ActorRef<unknown>, target: ActorRef<unknown>): void {
    if (this.#unannounced(target)) {
      // A child whose parent's report is still on its way: watch it once it is known.
      this.#registry.whenAnnounced(target).then(() => this.#askWatch(desk, target));
      return;
    }
    if (this.#registry.of(target) !== undefined) {
      this.#askWatches.watch(desk, target);
      return;
    }
    this.#registry.whenEnded(target).then((end) =>
      this.#courier.deliver(desk, new AskLost(target, end.reason), this.#guardian)
    );
  }

  #unannounced(ref: ActorRef<unknown>): boolean {
    const slot = ref.slot;
    return ref.courier === this.#courier && slot > 0 && slot < this.#directory.capacity &&
      this.#registry.of(ref) === undefined &&
      this.#directory.generation(slot) === ref.generation &&
      this.#directory.state(slot) === SlotState.Starting;
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
   * Shuts the system down gracefully. From now on it takes no new messages from outside its
   * actors (they become dead letters), no spawns and no new Bridge calls; each actor is sent
   * `Stop` behind what is already in its mailbox and what this thread still had waiting for
   * room in it (which stops expiring) — children before their parents — and so finishes its
   * work first (pending Bridge calls get their replies). Actors still running after
   * `timeout` ms are cut off: their Workers are terminated, and what was left for them (in their
   * mailboxes, or waiting for room) becomes dead letters, counted in the report's `undelivered`.
   * Pending `started` promises and Bridge calls settle. Calling it again returns the same
   * promise.
   *
   * @param options how long the actors get to finish (default 5000 ms).
   * @returns what stopped by itself and what was cut off.
   * @throws {RangeError} for a negative or non-finite timeout.
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    const timeout = options.timeout ?? DEFAULT_SHUTDOWN_MS;
    if (!(timeout >= 0 && timeout <= 0x7fff_ffff)) {
      throw new RangeError(`shutdown timeout must be from 0 to 2^31 - 1 ms, got ${timeout}`);
    }
    return this.#closing ??= this.#shutdown(timeout);
  }

  /** {@link shutdown} with its default timeout, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  async #shutdown(timeout: number): Promise<ShutdownReport> {
    this.#courier.refusing =
      "the actor system is shutting down: it takes no new messages from outside its actors";
    // What this thread sent before waits for room as long as the shutdown waits: each Stop
    // queues behind it, and the cut-off accounts for what is left.
    this.#courier.holdBacklogs();
    if (this.#registry.size > 0 && timeout > 0) {
      const drained = new Promise<void>((resolve) => this.#drained = resolve);
      this.#registry.onEnded = (record) => this.#shutdownProgress(record);
      // Leaves first: a parent is asked once its last child has ended.
      for (const record of [...this.#registry.values()]) {
        if (record.children === null || record.children.size === 0) this.#askToStop(record);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        drained,
        new Promise<void>((resolve) => timer = setTimeout(resolve, timeout)),
      ]);
      clearTimeout(timer);
      this.#drained = null;
      this.#registry.onEnded = null;
    }
    const cutOff: CutOffActor[] = Array.from(
      this.#registry.values(),
      (record) => ({ actor: this.#registry.refOf(record), name: record.name }),
    );
    const dropped = this.#dropBacklogs();
    const recoveries: Promise<void>[] = [];
    for (const handle of [...this.#workers.values()]) {
      recoveries.push(...this.#workerDied(handle, "the actor system shut down", "shutdown"));
    }
    // What was cut off is drained (as dead letters) once its threads are surely stopped;
    // without anything cut off there is nothing to recover.
    if (cutOff.length > 0) await Promise.all(recoveries);
    else this.#recoveries.cancelAll();
    for (const count of await Promise.all(dropped)) this.#undelivered += count;
    await this.#loop.close();
    this.#registry.announceNoMore("the actor system shut down before it started");
    this.#guardianMailbox.close();
    return { stopped: this.#stoppedInShutdown, cutOff, undelivered: this.#undelivered };
  }

  /**
   * At the cut-off: closes the mailboxes of the actors still running, and makes dead letters of
   * what this thread still had waiting for room in them.
   * @returns how many messages each drop made dead letters of, once known.
   */
  #dropBacklogs(): Promise<number>[] {
    const drops: Promise<number>[] = [];
    for (const record of this.#registry.values()) {
      // Retired by its Worker just now: its mailbox may already serve another actor.
      if (this.#directory.mailbox(record.slot) === 0) continue;
      const mailbox = this.#courier.mailbox(record.mailbox);
      mailbox.close();
      drops.push(this.#courier.dropBacklog(
        mailbox,
        "shutdown",
        `${record.name} ended: the actor system shut down while it ran`,
      ));
    }
    return drops;
  }

  /** A graceful shutdown goes on: the parent of an ended actor may now be asked to stop. */
  #shutdownProgress(record: ActorRecord): void {
    this.#stoppedInShutdown++;
    const parent = record.parent;
    if (
      parent !== null && (parent.children === null || parent.children.size === 0) &&
      this.#registry.of(this.#registry.refOf(parent)) === parent
    ) {
      this.#askToStop(parent);
    }
    if (this.#registry.size === 0) this.#drained?.();
  }

  #askToStop(record: ActorRecord): void {
    if (record.stopAsked) return;
    record.stopAsked = true;
    // From the guardian: the shutdown refuses messages from outside the actors only.
    this.#courier.deliver(this.#registry.refOf(record), new Stop(), this.#guardian);
  }

  #checkOpen(what: string): void {
    if (this.#closing !== null) {
      throw new SystemClosedError(`cannot ${what}: the actor system was shut down`);
    }
  }

  /** A mailbox and a slot for a new actor (or agent); nothing is left taken if it fails. */
  #claim(capacity: number, owner: number): { mailbox: Mailbox; slot: number; generation: number } {
    const mailbox = this.#pool.acquire({ capacity });
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

  /** The id of the actor class `exportName` of `module`. */
  #classIdOf(module: string, exportName: string): number {
    const key = `${exportName} ${module}`;
    let id = this.#classIds.get(key);
    if (id === undefined) {
      this.#classes.push({ module, exportName });
      this.#classIds.set(key, id = this.#classes.length);
    }
    return id;
  }

  /** Asks the record's worker to start it, defining its class there first if need be. */
  #start(record: ActorRecord): void {
    const worker = record.worker;
    if (!worker.classes.has(record.classId)) {
      worker.classes.add(record.classId);
      const { module, exportName } = this.#classes[record.classId - 1];
      this.#courier.deliver(
        worker.agent,
        new DefineClass(record.classId, module, exportName),
        this.#guardian,
      );
    }
    this.#directory.setOwner(record.slot, worker.threadId);
    const className = this.#classes[record.classId - 1].exportName;
    this.#courier.deliver(
      worker.agent,
      new StartActor(
        record.slot,
        record.generation,
        record.mailbox,
        record.classId,
        record.name === className ? "" : record.name,
        record.args,
        record.parent === null ? null : this.#registry.refOf(record.parent),
        // The system's own strategy is in every Worker already: not written per actor.
        record.strategy === this.#strategy ? null : record.strategy,
      ),
      this.#guardian,
    );
  }

  /** Which Worker a new actor goes to, and how it was placed. */
  #placement(options: SpawnOptions): [WorkerHandle, Placement] {
    if (options.near !== undefined) {
      const near = this.#registry.of(options.near as ActorRef<unknown>);
      if (near === undefined || near.worker.dead) {
        throw new ActorDeadError(`cannot place an actor near ${options.near}: it is not running`);
      }
      return [near.worker, NEAR];
    }
    if (options.pool !== undefined) {
      return [this.#poolWorker(options.pool), this.#poolPlacement(options.pool)];
    }
    return [this.#startWorker(true), DEDICATED];
  }

  /** One placement object per pool: records of a pool's 100k actors share it. */
  #poolPlacement(pool: ActorPool): Placement {
    let placement = this.#poolPlacements.get(pool);
    if (placement === undefined) this.#poolPlacements.set(pool, placement = { kind: "pool", pool });
    return placement;
  }

  /**
   * The next Worker of `pool`, round-robin.
   * @throws {PoolFailedError} once the pool gave up on its Workers.
   */
  #poolWorker(pool: ActorPool): WorkerHandle {
    return poolWorkers(pool, this).next();
  }

  /** A dead pool Worker's replacement, in its place (see pool_workers.ts). */
  #heal(dead: WorkerHandle, reason: string, deliberate: boolean): void {
    const pool = this.#poolOf.get(dead);
    if (pool === undefined) return;
    this.#poolOf.delete(dead);
    if (this.#closing !== null) return;
    const replacement = pool.replace(
      dead,
      reason,
      deliberate,
      (delayMs) => this.#startWorker(false, pool.batch, delayMs),
    );
    if (replacement !== null) this.#poolOf.set(replacement, pool);
  }

  #startWorker(dedicated: boolean, batch = 64, delayMs = 0): WorkerHandle {
    const threadId = this.#arena.newThreadId();
    const { mailbox: agentMailbox, slot: agentSlot, generation } = this.#claim(
      AGENT_MAILBOX_BYTES,
      threadId,
    );
    this.#directory.setState(agentSlot, SlotState.Running);
    agentMailbox.setUserWord(SEND_TIMEOUT_WORD, FOREVER_MS);
    const agent = new ActorRef(agentSlot, generation, 0, this.#courier);
    const boot: Bootstrap = {
      arena: this.#arena.buffer,
      directory: this.#directory.offset,
      threadId,
      agentSlot,
      agentGeneration: generation,
      agentMailbox: agentMailbox.offset,
      guardianSlot: this.#guardian.slot,
      guardianGeneration: this.#guardian.generation,
      sendTimeout: this.#sendTimeout,
      maxMessageBytes: this.#maxMessageBytes,
      mailboxCapacity: this.#mailboxCapacity,
      batch,
      dedicated,
      supervision: this.#strategy,
      nameBase: nameBase(),
    };
    let handle: WorkerHandle;
    try {
      handle = startWorker(boot, agent, agentMailbox, {
        died: (dead, reason) => this.#workerDied(dead, reason),
      }, delayMs);
    } catch (error) {
      this.#unclaim(agentSlot, agentMailbox);
      throw error;
    }
    this.#workers.set(threadId, handle);
    return handle;
  }

  /**
   * A Worker is gone (it died, or the system is cutting it off): it is terminated, and each of
   * its actors either ends (watchers, parents and calls hear of it at once) or, if its
   * supervisor says so, is restarted in another Worker once the dead one's leftovers are safe
   * to touch (see recovery.ts).
   * @param killed the actor `system.kill` was called for (its supervisor decides on an
   * ActorKilledError, and it ends as "killed"); its Worker's other actors died with it.
   * @returns the recovery under way (none if the Worker was already gone).
   */
  #workerDied(
    handle: WorkerHandle,
    reason: string,
    kind: TerminationKind = "worker-died",
    killed: ActorRecord | null = null,
  ): Promise<void>[] {
    if (handle.dead) return [];
    handle.dead = true;
    stopWorker(handle);
    this.#workers.delete(handle.threadId);
    this.#heal(handle, reason, killed !== null);
    this.#recoveries.threadGone(handle.threadId);
    this.#askWatches.forget(handle.agent);
    this.#directory.setState(handle.agent.slot, SlotState.Dead);
    handle.agentMailbox.close();

    const dying = [...handle.actors].map((slot) => this.#registry.at(slot)!);
    const inWorker = new Set(dying);
    const error = new WorkerDiedError(`its Worker died: ${reason}`);
    const killError = killed === null ? null : new ActorKilledError(reason);
    const restarting: ActorRecord[] = [];
    const ending: ActorRecord[] = [];
    for (const record of dying) {
      const cause = record === killed ? killError! : error;
      const directive = kind === "worker-died"
        ? this.#decideOnDeath(record, inWorker, cause)
        : "stop";
      if (directive === "restart") {
        restarting.push(record);
        // Its mailbox stays open: messages wait for the new instance.
        this.#directory.setState(record.slot, SlotState.Starting);
        this.#registry.lost(
          record,
          record === killed
            ? `${reason}; it is being restarted`
            : `${record.name} lost its Worker (${reason}); it is being restarted`,
        );
        if (record.children !== null) {
          for (const child of record.children) {
            if (!inWorker.has(child)) {
              this.#courier.deliver(this.#registry.refOf(child), new Stop(), this.#guardian);
            }
          }
        }
      } else {
        ending.push(record);
        // An actor that stopped just before its Worker died was retired there: its mailbox may
        // already serve another actor.
        if (this.#directory.mailbox(record.slot) === 0) continue;
        this.#directory.setState(record.slot, SlotState.Dead);
        // Releases senders blocked on a full mailbox; later sends are dead letters.
        this.#courier.mailbox(record.mailbox).close();
        if (directive === "escalate" && record.parent !== null && !inWorker.has(record.parent)) {
          const failed = new Failed(this.#registry.refOf(record), portableError(cause));
          this.#courier.deliver(this.#registry.refOf(record.parent), failed, this.#guardian);
        }
      }
    }
    const how = kind === "shutdown"
      ? "the actor system shut down while it ran"
      : `its Worker died: ${reason}`;
    this.#registry.endAll(
      ending.map((record) =>
        record === killed ? { record, kind: "killed", reason, error: portableError(killError) } : {
          record,
          kind,
          reason: `${record.name} ended: ${how}`,
          error: kind === "shutdown" ? null : portableError(error),
        }
      ),
    );
    const letterKind = kind === "shutdown" ? "shutdown" : "worker-died";
    return [
      this.#recoveries.begin(handle.threadId, () => {
        for (const record of ending) {
          if (this.#directory.mailbox(record.slot) === 0) {
            // Retired by its Worker before it died (see above): only the slot is left.
            this.#directory.free(record.slot);
            continue;
          }
          const why = `${record.name} ended: ${how}`;
          this.#undelivered += this.#lostWithWorker(record, letterKind, why) +
            this.#recycle(record.slot, record.generation, record.mailbox, letterKind, why);
        }
        const agent = handle.agent;
        this.#recycle(agent.slot, agent.generation, handle.agentMailbox.offset, null, "");
        for (const record of restarting) {
          // Its mailbox goes on, but what the dead Worker held for it died there.
          this.#lostWithWorker(record, "worker-died", `${record.name} lost its Worker (${reason})`);
          this.#respawn(record, reason);
        }
      }),
    ];
  }

  /** The supervisor's decision for an actor whose Worker died; "resume" cannot apply. */
  #decideOnDeath(record: ActorRecord, inWorker: Set<ActorRecord>, error: Error): string {
    if (this.#closing !== null) return "stop";
    // A parent that died in the same Worker cannot supervise: its children just end.
    if (record.parent !== null && inWorker.has(record.parent)) return "stop";
    // An actor that never ran is not restarted: its start would most likely fail again.
    if (this.#directory.state(record.slot) !== SlotState.Running) return "stop";
    const directive = (record.supervisor ??= new Supervisor(record.strategy)).decide(error);
    return directive === "resume" ? "stop" : directive;
  }

  /**
   * Drains a dead Worker's mailbox on this thread (as dead letters of `kind`, or silently for
   * `null`), then recycles it and frees its slot.
   * @returns how many messages were drained.
   */
  #recycle(
    slot: number,
    generation: number,
    offset: number,
    kind: DeadLetterKind | null,
    reason: string,
  ): number {
    const mailbox = this.#courier.mailbox(offset);
    mailbox.close();
    let drained = 0;
    if (kind === null) {
      if (!mailbox.bound) mailbox.bindReceiver(this.#doorbell);
      while (mailbox.read() >= 0) mailbox.release();
    } else {
      const target = new ActorRef(slot, generation, 0, this.#courier);
      // The system's own Stop (a shutdown's, an orphan's) was no one's message.
      drained = this.#loop.drainDeadLetters(
        mailbox,
        target,
        kind,
        reason,
        (message, sender) => message instanceof Stop && sender?.equals(this.#guardian) === true,
      );
    }
    mailbox.unbind();
    this.#pool.release(mailbox);
    this.#directory.free(slot);
    return drained;
  }

  /**
   * Counts as dead letters the messages a dead Worker held for an actor of it outside its
   * mailbox's ring (sent between its actors: local mail, a backlog for a full ring; and what
   * the actor stashed; see Mailbox.heldIndex), which died with it: one report for all of them, since they cannot be
   * read back. Only once the Worker is surely stopped (see recovery.ts): its plain stores of the
   * counts are final then, and no live thread holds any for that mailbox.
   * @returns how many there were.
   */
  #lostWithWorker(record: ActorRecord, kind: DeadLetterKind, reason: string): number {
    const mailbox = this.#courier.mailbox(record.mailbox);
    const held = mailbox.held;
    mailbox.clearHeld();
    if (held === 0) return 0;
    this.#directory.countDeadLetter(held);
    this.#reportDeadLetter({
      target: this.#registry.refOf(record),
      sender: null,
      message: undefined,
      messageClass: "messages held in its Worker's memory",
      kind,
      reason: `${reason}; ${held} message${held === 1 ? "" : "s"} held in its Worker's memory ` +
        `(sent by actors of that Worker, or stashed) were lost with it`,
      count: held,
    });
    return held;
  }

  /** Starts an actor that never started in the Worker it was sent to in a new one. */
  #replace(record: ActorRecord): void {
    try {
      this.#registry.move(record, this.#startWorker(true));
    } catch (error) {
      const why = `${record.name} could not be started: ${describeError(error)}`;
      this.#directory.setState(record.slot, SlotState.Dead);
      this.#courier.mailbox(record.mailbox).close();
      this.#registry.endAll([{ record, kind: "start-failed", reason: why, error: null }]);
      this.#recycle(record.slot, record.generation, record.mailbox, "start-failed", why);
      return;
    }
    this.#start(record);
  }

  /** Starts an actor whose Worker died again, behind the same ref and mailbox. */
  #respawn(record: ActorRecord, reason: string): void {
    if (this.#registry.of(this.#registry.refOf(record)) !== record) return; // ended meanwhile
    let worker: WorkerHandle;
    try {
      if (this.#closing !== null) throw new SystemClosedError("the actor system shut down");
      worker = record.placement.kind === "pool"
        ? this.#poolWorker(record.placement.pool)
        : this.#startWorker(true);
    } catch (error) {
      this.#directory.setState(record.slot, SlotState.Dead);
      this.#courier.mailbox(record.mailbox).close();
      const why = `${record.name} could not be restarted after its Worker died (${reason}): ` +
        (error instanceof Error ? error.message : String(error));
      this.#registry.endAll([{ record, kind: "worker-died", reason: why, error: null }]);
      this.#recycle(record.slot, record.generation, record.mailbox, "worker-died", why);
      return;
    }
    // Its mailbox still names the dead Worker's doorbell as its receiver: with none named,
    // a sender on the new Worker does not block on it (that Worker has to start the actor).
    this.#courier.mailbox(record.mailbox).unbind();
    this.#registry.move(record, worker);
    this.#start(record);
  }

  #guardianDelegate(): GuardianDelegate {
    return {
      actorStarted: (report: ActorStarted) => {
        const record = this.#registry.get(report.slot, report.generation);
        if (record !== undefined) settleStart(record, true);
      },
      spawnFailed: (report: SpawnFailed) => {
        const record = this.#registry.get(report.slot, report.generation);
        if (record === undefined) return;
        const error = new SpawnError(report.error.message, { cause: report.error });
        error.stack = report.error.stack;
        settleStart(record, error);
        this.#reportFailure(null, record.name, "spawn", error);
        // Its worker retired its mailbox (and ends itself if it was the actor's own).
        this.#registry.endAll([{
          record,
          kind: "start-failed",
          reason: `${record.name} failed to start: ${error.message}`,
          error: portableError(error),
        }]);
        this.#directory.free(record.slot);
      },
      actorStopped: (report: ActorStopped) => {
        const record = this.#registry.get(report.slot, report.generation);
        if (record === undefined) return;
        // A Stop from the shutdown came from the guardian, whose name the worker does not know.
        const reason = record.stopAsked && report.kind === "stopped"
          ? `${record.name} was stopped by the actor system's shutdown`
          : report.reason;
        if (report.kind === "start-failed") {
          // Its preStart failed, and its supervisor did not restart it into a working one.
          settleStart(record, new SpawnError(reason, { cause: report.error }));
        }
        this.#registry.endAll([{ record, kind: report.kind, reason, error: report.error }]);
        // Its Worker retired its mailbox; the slot may be reused now that the record is gone.
        this.#directory.free(record.slot);
      },
      handlerFailed: (report: HandlerFailed) => {
        this.#reportFailure(report.actor, report.actorName, report.messageClass, report.error);
      },
      deadLetter: (report: DeadLetterNotice) =>
        this.#reportDeadLetter(noticeToDeadLetter(report, this.#courier)),
      workerExited: (report: WorkerExited) => {
        const handle = this.#workers.get(report.threadId);
        if (handle === undefined) return;
        if (report.died !== "") {
          this.#workerDied(handle, report.died);
          return;
        }
        // It closed itself after handing back its mailboxes; its agent's slot is ours to free.
        this.#askWatches.forget(handle.agent);
        this.#directory.free(handle.agent.slot);
        handle.dead = true;
        stopWorker(handle);
        this.#workers.delete(report.threadId);
        this.#recoveries.threadGone(report.threadId);
        // Actors placed `near` its last actor while it was ending never started there: they
        // start in a Worker of their own instead.
        for (const slot of [...handle.actors]) this.#replace(this.#registry.at(slot)!);
      },
      spawnChild: (request: SpawnChild) => this.#spawnChild(request),
      watch: (request) => this.#registry.watch(request.watcher!, request.target!),
      unwatch: (request) => this.#registry.unwatch(request.watcher!, request.target!),
      askWatch: (request: AskWatch) => this.#askWatch(request.desk!, request.target!),
      askUnwatch: (request: AskUnwatch) => this.#askWatches.unwatch(request.desk!, request.target!),
      threadDiedSeen: (report: ThreadDiedSeen) =>
        this.#recoveries.answered(report.threadId, report.seenBy),
    };
  }

  /** An actor spawned a child: its worker took the slot and mailbox; place and start it. */
  #spawnChild(request: SpawnChild): void {
    const parent = this.#registry.of(request.parent);
    const name = request.name || request.exportName;
    let worker: WorkerHandle;
    let placement: Placement;
    try {
      // While a shutdown drains, actors finish their work, which may need children; after
      // it, nothing starts.
      if (this.#closing !== null && this.#drained === null) {
        throw new SystemClosedError("the actor system has shut down");
      }
      if (parent === undefined) throw new ActorDeadError("its parent has ended");
      [worker, placement] = this.#childPlacement(parent, request.near);
    } catch (error) {
      // It never starts: its parent (if alive) and calls to it hear of it as of any end.
      const why = `${name} could not be started: ${
        error instanceof Error ? error.message : String(error)
      }`;
      this.#directory.setState(request.slot, SlotState.Dead);
      this.#courier.mailbox(request.mailbox).close();
      for (const listener of this.#registry.lossListeners) {
        listener(request.slot, request.generation, why);
      }
      this.#registry.neverStarted(
        new ActorRef(request.slot, request.generation, 0, this.#courier),
        name,
        why,
      );
      if (parent !== undefined) {
        this.#courier.deliver(
          request.parent!,
          new ChildGone(new ActorRef(request.slot, request.generation, 0, this.#courier)),
          this.#guardian,
        );
      }
      this.#recycle(request.slot, request.generation, request.mailbox, "start-failed", why);
      return;
    }
    const record = newRecord({
      slot: request.slot,
      generation: request.generation,
      name,
      mailbox: request.mailbox,
      worker,
      classId: this.#classIdOf(request.module, request.exportName),
      args: request.args,
      parent,
      strategy: request.strategy,
      placement,
    });
    this.#registry.add(record);
    this.#start(record);
    if (this.#drained !== null) this.#askToStop(record); // a leaf of a system shutting down
  }

  /** A child goes `near` an actor, or where its parent would: its pool, or a Worker of its own. */
  #childPlacement(parent: ActorRecord, near: ActorRef<unknown> | null): [WorkerHandle, Placement] {
    if (near !== null) {
      const neighbour = this.#registry.of(near);
      if (neighbour === undefined || neighbour.worker.dead) {
        throw new ActorDeadError(`cannot place it near ${near}: that actor is not running`);
      }
      return [neighbour.worker, NEAR];
    }
    if (parent.placement.kind === "pool") {
      return [this.#poolWorker(parent.placement.pool), parent.placement];
    }
    return [this.#startWorker(true), DEDICATED];
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

  #reportDeadLetter(deadLetter: DeadLetter): void {
    for (const listener of this.#deadLetterListeners) {
      callListener(listener, deadLetter, "onDeadLetter");
    }
  }
}

/** A dead-letter notice from a Worker, as listeners see it (its message decoded afresh). */
function noticeToDeadLetter(notice: DeadLetterNotice, courier: SystemCourier): DeadLetter {
  let message: unknown = undefined;
  if (notice.message.length > 0) {
    try {
      message = decode(notice.message, courier);
    } catch {
      // Its class is not registered on this thread: the listener still gets its description.
    }
  }
  return {
    target: notice.target,
    sender: notice.sender,
    message,
    messageClass: notice.messageClass,
    kind: notice.kind,
    reason: notice.reason,
    count: 1,
  };
}

/** Calls a user's listener; what it throws is reported, never let into the runtime. */
function callListener<T>(listener: (value: T) => void, value: T, kind: string): void {
  try {
    listener(value);
  } catch (error) {
    console.error(`ringmail: an ${kind} listener threw:`, error);
  }
}
