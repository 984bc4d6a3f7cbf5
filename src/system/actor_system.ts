/**
 * `ActorSystem`: the face of an actor system — spawn actors, make pools, learn when one has
 * started, kill one, listen to failures and dead letters, shut down. It lives on the thread that
 * made it (normally the main thread) and wires the parts that do the work, each in a file of its
 * own (see system_parts.ts): the spawner (where actors start), the Worker set and Worker deaths,
 * the registry (family tree, watches, ends), the shutdown, the events, and the guardian — its
 * own actor, which takes the Workers' reports.
 *
 * @module
 */

import { type ActorClass, type ActorRef, inHandler, type MessagesOf } from "../actor/mod.ts";
import { ActorPool, type PoolOptions } from "./actor_pool.ts";
import { isActorWorker } from "./actor_worker_flag.ts";
import { SystemClosedError, SystemInWorkerError } from "./errors.ts";
import { INTERNALS, type SystemInternals, systemInternals } from "./internal.ts";
import { checkRef, describeValue } from "./spawn_checks.ts";
import { checkTimerMs } from "../util/timer_ms.ts";
import {
  type ActorFailure,
  type ActorSystemOptions,
  checkPoolOptions,
  checkShutdownTimeout,
  type ClusterStatus,
  type DeadLetter,
  type ShutdownOptions,
  type ShutdownReport,
  type SpawnOptions,
} from "./options.ts";
import type { LiveView, ObserveOptions, ServeLiveView } from "./observe_options.ts";
import type { SystemSnapshot } from "./snapshot.ts";
import type { SystemParts } from "./system_parts.ts";

/**
 * What builds a system (guardian, spawner, registry, Workers, shutdown...; see
 * system_wiring.ts), loaded with this module everywhere but in an actor's Worker. Every actor
 * module imports mod.ts, so each Worker would load these ~30 modules only to refuse to make a
 * system there: ~3.5 ms of a dedicated actor's ~40 ms start (bench/worker_start_bench.ts). The
 * runtime marks its Worker before it loads any actor module, so the flag is already set here.
 * The URL is computed at run time: Deno loads the modules of a literal `import()` with the
 * importing one, only not runs them, and Workers would still read and compile them all.
 */
const WIRING_MODULE = new URL("./system_wiring.ts", import.meta.url).href;
const wiring = isActorWorker()
  ? undefined
  : await import(WIRING_MODULE) as typeof import("./system_wiring.ts");

/**
 * The live view's code (`observe()`), by a URL computed at run time: a literal `import()` would
 * have Deno fetch its modules with this one's, in every Worker too (each loads mod.ts again).
 */
/** How long `started` waits for another node to say whether its actor started. */
const REMOTE_STARTED_TIMEOUT_MS = 60_000;

const LIVE_VIEW_MODULE = new URL("../observe/live/server.ts", import.meta.url).href;

export type { ActorClass } from "../actor/mod.ts";

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
  /**
   * The side ringmail's own parts use (see internal.ts); not for users.
   *
   * @ignore
   */
  readonly [INTERNALS]: SystemInternals;
  readonly #parts: SystemParts;

  /**
   * Makes a system; it starts no Worker until the first spawn.
   * @throws {RangeError} when an option is out of range.
   * @throws {TypeError} when `supervision` or `observer` is malformed.
   * @throws {SystemInWorkerError} inside a Worker of an actor system (top-level code in an
   * actor's module).
   */
  constructor(options: ActorSystemOptions = {}) {
    if (isActorWorker()) {
      throw new SystemInWorkerError(
        inHandler()
          ? "an ActorSystem cannot be made inside an actor: an actor starts others with " +
            "`this.context.spawn(...)` (they become its children, in this system), and talks to " +
            "actors it was given refs to"
          : "an ActorSystem cannot be made inside an actor's Worker: the module of an actor class " +
            "is loaded again in each Worker that hosts it, so its top-level code runs there too; " +
            "put the code that makes the system and spawns actors under " +
            "`if (import.meta.main) { ... }`",
      );
    }
    this.#parts = wiring!.wireSystem(this, options);
    this[INTERNALS] = systemInternals(this.#parts);
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
   * {@link spawn} with options: a name, a mailbox size, a send timeout, what a full mailbox does
   * (`whenFull`), a pool, a neighbour.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param options the spawn's options.
   * @param args the constructor's arguments; they travel to the Worker through the codec.
   * @returns the new actor's ref.
   * @throws {SystemClosedError} after {@link shutdown}.
   * @throws {TypeError} when `actorClass` is not an actor class with a `module`, or `name` is
   * given but is not a non-empty string.
   * @throws {CodecError} when an argument cannot be sent (naming the path inside it).
   */
  spawnWith<C extends ActorClass>(
    actorClass: C,
    options: SpawnOptions,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    this.#checkOpen("spawn");
    return this.#parts.spawner.spawn(actorClass, options, args) as ActorRef<
      MessagesOf<InstanceType<C>>
    >;
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
    const { workers, batch, mailboxCapacity } = checkPoolOptions(options);
    return new ActorPool(
      this,
      this.#parts.workers.startPool(workers, batch),
      mailboxCapacity,
    );
  }

  /**
   * Resolves once the actor's constructor (and `preStart`) ran in its Worker. For an actor of
   * another node of the cluster (from `spawnOn`, `lookup`, a message), that node is asked.
   * @throws {SpawnError} when it could not start (module not found, class not exported,
   * constructor threw), or its node did not answer within a minute.
   * @throws {ActorDeadError} when the ref is not an actor this system (or its node) is starting
   * or running — one that has ended since it ran included — or its node is not in the cluster.
   */
  started(ref: ActorRef<unknown>): Promise<void> {
    try {
      checkRef(ref, "started");
    } catch (error) {
      return Promise.reject(error);
    }
    if (ref.node !== 0 && ref.node !== this.#parts.courier.node) {
      return this.#parts.cluster.startedThere(ref, REMOTE_STARTED_TIMEOUT_MS);
    }
    return this.#parts.spawner.whenStarted(ref);
  }

  /**
   * Kills an actor that `Stop` cannot reach: one stuck in an async handler that never settles,
   * or in a synchronous loop. Its Worker is terminated, and its supervisor decides, on an
   * `ActorKilledError`: a restart makes a fresh instance behind the same ref and mailbox, in
   * another Worker; otherwise it ends and its watchers get `Terminated` with kind `"killed"`.
   * Calls waiting on an actor that ends settle at once with `ActorDeadError`. After a restart,
   * only the call its lost instance had taken does so (within about a second, once the old
   * thread can take nothing more): the calls still in its mailbox are answered by the fresh
   * instance.
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
   * @throws {TypeError} when `ref` is no actor's ref, or `reason` no string, or `ref` is an
   * actor of another node of the cluster (only its own node can end it).
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
   *   const call = bridge.call(waiter, "hello?", { timeout: 60_000 }); // waits in its mailbox
   *   system.kill(waiter, "it waits forever");
   *   console.log(await call); // "hello?": the fresh instance answered it
   *   console.log(await bridge.call(waiter, "back", { timeout: 5_000 })); // "back"
   * }
   * ```
   */
  kill(ref: ActorRef<unknown>, reason = "system.kill was called"): boolean {
    checkRef(ref, "kill");
    if (typeof reason !== "string") {
      throw new TypeError(
        `kill's reason must be a string (why, for its Terminated and the calls that settle), got ` +
          `${describeValue(reason)}`,
      );
    }
    if (ref.node !== 0) {
      // Its Worker is another process's: nothing here can end it, and "false" would say it is
      // not running.
      throw new TypeError(
        `cannot kill ${ref}: it is an actor of node ${ref.node}, and system.kill ends actors ` +
          `of this node only; send it Stop, or have its node kill it`,
      );
    }
    return this.#parts.deaths.kill(ref, reason);
  }

  /**
   * Subscribes to failures (a handler that throws, a start that fails, an actor's loss of its
   * Worker); returns a function that unsubscribes.
   * @param listener called once per failure, on this thread.
   * @throws {TypeError} when `listener` is no function.
   */
  onFailure(listener: (failure: ActorFailure) => void): () => void {
    checkListener("onFailure", listener);
    return this.#parts.events.onFailure(listener);
  }

  /**
   * Subscribes to dead letters; returns a function that unsubscribes. Reports are made without
   * ever blocking a sender: under a flood in a Worker, those that had to wait for the system's
   * thread are told later as one report per actor and kind ({@link DeadLetter.count} says how
   * many it stands for): none is dropped, and {@link deadLetters} counts every one.
   * @param listener called once per dead letter reported, on this thread.
   * @throws {TypeError} when `listener` is no function.
   */
  onDeadLetter(listener: (deadLetter: DeadLetter) => void): () => void {
    checkListener("onDeadLetter", listener);
    return this.#parts.events.onDeadLetter(listener);
  }

  /** How many messages were not handled so far (by every thread of the system). */
  get deadLetters(): number {
    return this.#parts.directory.deadLetters;
  }

  /**
   * The system at this moment: every Worker (its actors, messages handled, time parked, how busy
   * it was over the last second) and every actor (name, class, Worker, parent and children,
   * state, mailbox fill and messages waiting, messages handled and sent, rates, failures,
   * restarts, last failure), dead letters by kind, and the Bridges' pending calls.
   *
   * Cheap, and it never stops an actor: the threads keep their counters in shared memory as
   * they work, and this reads them as they stand. Rates need a past: the first call starts
   * sampling (every 250 ms, for as long as someone calls this at least every 15 s), so they
   * read 0 until a second or so later.
   *
   * @example Look at a busy actor
   * ```ts
   * import { Actor, ActorSystem, Bridge, handles, OtherMessage } from "@ringmail/actors";
   *
   * export class Counter extends Actor<unknown> {
   *   static readonly module = import.meta.url;
   *   count = 0;
   *   @handles(OtherMessage)
   *   onAny(_message: unknown, sender: { send(reply: number): void } | null) {
   *     sender?.send(++this.count);
   *   }
   * }
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem();
   *   using bridge = new Bridge(system);
   *   const counter = system.spawnWith(Counter, { name: "counter" });
   *   for (let i = 0; i < 10; i++) await bridge.call(counter, "tick", { timeout: 5000 });
   *   const actor = system.inspect().actors.find((a) => a.name === "counter")!;
   *   console.log(actor.className, actor.handled, actor.mailbox.waiting); // "Counter" 10 0
   * }
   * ```
   */
  inspect(): SystemSnapshot {
    return this.#parts.inspector.inspect();
  }

  /**
   * Opens a live view of the system: a page, served on 127.0.0.1, that updates twice a second —
   * the Workers and how busy each is, every actor (sortable; a bar for each mailbox's fill), the
   * throughput of the last minutes, failures and dead letters as they happen, and the
   * supervision tree. Open its `url` in a browser. It is read-only, and closes with the system
   * (or with `close()`). Listening elsewhere than loopback requires a `token`. Needs
   * `--allow-net` for the address (`--allow-net=127.0.0.1`). Its code is loaded on the first
   * call only.
   *
   * @param options the port (default 0: any free one), the address, a token.
   * @returns the view being served: its `url` and `port`, and how to close it.
   * @throws {ObserveError} for an address off loopback without a token, a port taken, or no
   * network permission.
   * @throws {SystemClosedError} after {@link shutdown}.
   *
   * @example Serve the view, read its state as JSON once, close it
   * ```ts
   * import { ActorSystem } from "@ringmail/actors";
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem();
   *   await using view = await system.observe({ port: 0 });
   *   console.log(view.url); // e.g. "http://127.0.0.1:41623/"
   *   const state = await (await fetch(new URL("api/snapshot", view.url))).json();
   *   console.log(state.snapshot.actors.length); // 0
   * }
   * ```
   */
  async observe(options: ObserveOptions = {}): Promise<LiveView> {
    this.#checkOpen("observe");
    const { serveLiveView } = await import(LIVE_VIEW_MODULE) as { serveLiveView: ServeLiveView };
    this.#checkOpen("observe"); // a shutdown may have begun while the code loaded
    const { events, shutdown } = this.#parts;
    return serveLiveView(
      {
        inspect: () => this.inspect(),
        ended: () => {
          const ended = { failures: 0, restarts: 0 };
          for (const counts of this.#parts.inspector.retiredByClass().values()) {
            ended.failures += counts.failures;
            ended.restarts += counts.restarts;
          }
          return ended;
        },
        // Watched, not listened to: looking leaves failures going to console.error, and dead
        // letters to console.warn, as before.
        onFailure: (watcher) => events.watchFailures(watcher),
        onDeadLetter: (watcher) => events.watchDeadLetters(watcher),
      },
      options,
      (close) => shutdown.alsoClose(close),
    );
  }

  /** How many Workers are running. */
  get workerCount(): number {
    return this.#parts.workers.size;
  }

  /**
   * This system's node id in its cluster (a random number, new at each start); 0 for a system
   * made without the `cluster` option. Refs to its actors carry it on other nodes.
   */
  get node(): number {
    return this.#parts.courier.node;
  }

  /**
   * Settles once this system has joined its cluster (at once without the `cluster` option);
   * rejects with `ClusterJoinError` if it could not. Messages sent to other nodes before wait
   * for it, in order.
   */
  get joined(): Promise<void> {
    return this.#parts.cluster.joined;
  }

  /**
   * Starts an actor of `actorClass` on the node `node` of the cluster (Akka's remote
   * deployment): that node loads the class by its module URL, starts it as one of its own
   * top-level actors, and the ref comes back once it has taken it. `node` may be this node (its
   * id, or 0: what a ref of this process says of its node).
   *
   * @example
   * ```ts ignore
   * import { ActorSystem, Bridge } from "@ringmail/actors";
   * import { Counter } from "./counter.ts";
   *
   * const system = new ActorSystem({ cluster: { servers: "nats://127.0.0.1:4222" } });
   * const elsewhere = (await system.lookup("counter")).node;
   * const counter = await system.spawnOn(elsewhere, Counter, { name: "second counter" });
   * ```
   * @throws {SpawnError} when that node could not start it (its module, its class), did not
   * answer within 10 s, or the arguments are larger than the NATS server takes in one message;
   * at once while this node's connection to the server is down (retry once
   * `clusterStatus().connected` is true), and when nobody answers for that node just after the
   * connection came back (it may not have subscribed again yet: retry).
   * @throws {RangeError} when `node` is not a node's id (a whole number from 0 to 2^32 - 1), or an
   * option is out of range (as for {@link spawnWith}).
   * @throws {ActorDeadError} when no node with that id is in the cluster, or it is declared down
   * (it died, froze or was cut off) before it answered.
   * @throws {ClusterJoinError} without the `cluster` option, or if joining failed.
   */
  async spawnOn<C extends ActorClass>(
    node: number,
    actorClass: C,
    options: SpawnOptions = {},
    ...args: ConstructorParameters<C>
  ): Promise<ActorRef<MessagesOf<InstanceType<C>>>> {
    this.#checkOpen("spawn");
    return await this.#parts.cluster.spawnOn(
      node,
      actorClass,
      options,
      args,
      10_000,
    ) as ActorRef<
      MessagesOf<InstanceType<C>>
    >;
  }

  /**
   * What this node knows of its links to the other nodes of its cluster: whether its own
   * connection to the NATS server is up (`connected`), and for each other node whether it is
   * up, the ping round trip (last and smoothed), the records, bytes and batches sent and
   * received with their rates, and its credit stalls (how many, how long, how many records wait
   * now). A node found down is listed for a minute after, with why, then no more (it stays down).
   * Empty outside a cluster. `inspect().links` has the same, and each node answers the
   * NATS services protocol as `ringmail-<cluster>` (`nats micro stats ringmail-shop`).
   *
   * @example
   * ```ts ignore
   * import { ActorSystem } from "@ringmail/actors";
   *
   * const system = new ActorSystem({ cluster: { servers: "nats://127.0.0.1:4222" } });
   * const status = await system.clusterStatus();
   * console.log(status.connected); // this node's connection to the NATS server
   * for (const link of status.links) {
   *   console.log(link.node, link.up, link.roundTripAverageMs, link.recordsSentRate.lastSecond);
   *   console.log(link.creditStalls, link.creditStalledMs, link.waitingForCredit);
   * }
   * ```
   */
  clusterStatus(): Promise<ClusterStatus> {
    return this.#parts.cluster.status();
  }

  /**
   * Names `ref` across the cluster, for {@link lookup} on any node, until its actor ends (then
   * the name is found no more, and free again) or this node leaves. Naming the same actor again
   * succeeds: a register retried after a `ClusterUnavailableError` is safe.
   *
   * @example
   * ```ts ignore
   * import { ActorSystem } from "@ringmail/actors";
   * import { Counter } from "./counter.ts";
   *
   * const system = new ActorSystem({ cluster: { servers: "nats://127.0.0.1:4222" } });
   * await system.register("counter", system.spawn(Counter));
   * ```
   * @throws {TypeError} when `ref` is not an actor's ref, or `name` not a non-empty, well-formed
   * string.
   * @throws {RangeError} when `name` takes more than 1,024 bytes of UTF-8.
   * @throws {SystemClosedError} after {@link shutdown} (the promise rejects).
   * @throws {NameTakenError} when another actor has the name.
   * @throws {ActorDeadError} when `ref`'s actor has ended (or its node is down here): a name goes
   * with its actor.
   * @throws {NodeFoundDownError} when another node found this one down (it was frozen, or cut
   * off, longer than `downAfterMs`): it stays down there, and registers no names; restart it.
   * @throws {ClusterUnavailableError} when the cluster did not answer in time (the NATS server;
   * without JetStream, also the node that holds the name): retry later.
   * @throws {ClusterJoinError} without the `cluster` option, or if joining failed.
   */
  async register(name: string, ref: ActorRef<unknown>): Promise<void> {
    // Async: after shutdown, too, the promise rejects (as lookup's does) rather than throwing.
    this.#checkOpen("register");
    await this.#parts.cluster.register(name, ref);
  }

  /**
   * The actor named `name` on any node of the cluster (see {@link register}): a ref that works
   * like any other.
   *
   * @example
   * ```ts ignore
   * import { ActorSystem, Bridge } from "@ringmail/actors";
   *
   * const system = new ActorSystem({ cluster: { servers: "nats://127.0.0.1:4222" } });
   * const counter = await system.lookup<number>("counter");
   * using bridge = new Bridge(system);
   * console.log(await bridge.call(counter, 1));
   * ```
   * @param options how long to wait for the node that holds the name to answer (ms, default
   * 5000); with JetStream on the server, its KV bucket answers instead, within its own 5 s.
   * @throws {RangeError} when the timeout is not a positive number of ms up to 2^31 - 1 (the
   * longest a timer waits); a TypeError when it is no number.
   * @throws {NameNotFoundError} when no node has an actor of that name.
   * @throws {ClusterUnavailableError} when the cluster did not answer in time (the NATS server,
   * or the node that holds the name): retry later.
   * @throws {ClusterJoinError} without the `cluster` option, or if joining failed.
   */
  async lookup<M = unknown>(
    name: string,
    options: { timeout?: number } = {},
  ): Promise<ActorRef<M>> {
    this.#checkOpen("lookup");
    // A timer of more than 2^31 - 1 ms fires after 1 ms: the lookup would fail at once, as if
    // the cluster had not answered.
    const timeout = checkTimerMs("lookup timeout", options.timeout ?? 5000);
    return await this.#parts.cluster.lookup(name, timeout) as ActorRef<M>;
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
   * @throws {RangeError} for a negative or non-finite timeout ({@link TypeError} for one that is
   * no number).
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    const ending = this.#parts.shutdown.begin(checkShutdownTimeout(options));
    this.#parts.inspector.stop();
    return ending;
  }

  /** {@link shutdown} with its default timeout, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #checkOpen(what: string): void {
    if (this.#parts.shutdown.begun) {
      throw new SystemClosedError(
        `cannot ${what}: the actor system was shut down`,
      );
    }
  }
}

/**
 * Checks `listener`, given to `what`: a function. Taken, anything else failed at every report,
 * and what was reported was never told.
 * @throws {TypeError} when it is none.
 */
function checkListener(what: string, listener: unknown): void {
  if (typeof listener !== "function") {
    throw new TypeError(`${what} needs a function, got ${describeValue(listener)}`);
  }
}
