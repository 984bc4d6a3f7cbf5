/**
 * The shapes the actor system takes and gives: its options, a spawn's options, and what it
 * reports (failures, dead letters, the outcome of a shutdown); and the checks of the system's,
 * a pool's and a shutdown's options, which turn them into the settings the parts use.
 *
 * @module
 */

import {
  type ActorRef,
  checkStrategy,
  type DeadLetterKind,
  type SupervisionStrategy,
} from "../actor/mod.ts";
import { ARENA_MAX_LIMIT, MAX_CAPACITY, MAX_MESSAGE, MIN_CAPACITY } from "../ring/mod.ts";
import type { ActorPool, PoolOptions } from "./actor_pool.ts";
import { checkObserver, type SystemObserver } from "./observer.ts";
import type { SystemSettings } from "./system_parts.ts";
import { checkTimerMs, notMsError } from "../util/timer_ms.ts";
import { describeValue } from "./spawn_checks.ts";
import type { Rate } from "./snapshot.ts";

/** How the system supervises the actors it spawns itself, unless its options say otherwise. */
const TOP_LEVEL: SupervisionStrategy = { onFailure: "resume" };
const DEFAULT_SHUTDOWN_MS = 5000;

/**
 * An actor's failure, as reported to `ActorSystem.onFailure` listeners: a handler that threw (or
 * rejected), a start that failed, or the loss of its Worker.
 */
export interface ActorFailure {
  /** The actor that failed (`null` when not known, e.g. a failed start). */
  readonly actor: ActorRef<unknown> | null;
  /** The actor's name. */
  readonly actorName: string;
  /**
   * The class (or type) of the message it was handling, or what it was doing (`"spawn"` for a
   * failed start, `"(its Worker died)"` for the loss of its Worker).
   */
  readonly messageClass: string;
  /** What was thrown, with its stack. */
  readonly error: Error;
}

/** A message that was not handled, as reported to `ActorSystem.onDeadLetter` listeners. */
export interface DeadLetter {
  /** Where it was sent. */
  readonly target: ActorRef<unknown> | null;
  /** Who sent it (`null`: sent from outside any actor). */
  readonly sender: ActorRef<unknown> | null;
  /**
   * The message, decoded afresh; `undefined` when it cannot be (its bytes were corrupt, or its
   * class is not registered on the system's thread).
   */
  readonly message: unknown;
  /** The message's class, or a short description of a plain value. */
  readonly messageClass: string;
  /** Why it was not handled, as a value to branch on. */
  readonly kind: DeadLetterKind;
  /** Why it was not handled, in words. */
  readonly reason: string;
  /**
   * How many messages this report stands for: 1, except for messages that actors of one Worker
   * sent each other and that were lost with that Worker (it died, or a shutdown cut it off).
   * Those lived in the Worker's memory only: they are counted, in `system.deadLetters` too, but
   * cannot be read back — one report per actor stands for all of its, with `message`
   * `undefined` and `sender` `null`. Likewise the dead letters of a flood in a Worker whose
   * reports found the system's thread behind: those that had to wait are told as one report per
   * actor and kind, with the first one's class and reason, `message` `undefined` and `sender`
   * `null`.
   *
   * @example Counting every message that was not handled
   * ```ts
   * import { ActorSystem } from "@ringmail/actors";
   *
   * let lost = 0;
   * const system = new ActorSystem({ onDeadLetter: (letter) => lost += letter.count });
   * await system.shutdown();
   * console.log(lost === system.deadLetters); // true: both count every message
   * ```
   */
  readonly count: number;
}

/** How to make an actor system. */
export interface ActorSystemOptions {
  /**
   * The most actors, Bridges and Workers alive at once: each Worker takes a slot too, for its
   * agent (a dedicated actor's Worker, each pool Worker; not the idle spares). Default 262144.
   */
  maxActors?: number;
  /** The most shared memory the system may use, in bytes. Default 1 GiB (reserved, not used). */
  maxMemoryBytes?: number;
  /** Bytes in each actor's mailbox ring, a power of two. Default 65536. */
  mailboxCapacity?: number;
  /**
   * Milliseconds a send waits for room in a full mailbox before it fails, up to 2^31 - 1 (the
   * longest a timer waits). Default 5000.
   */
  sendTimeout?: number;
  /**
   * The largest message, in bytes once encoded, that travels outside its mailbox's ring: messages
   * larger than their mailbox travel in a block of shared memory of their own, up to this size.
   * A message that fits its mailbox's ring is not held to it. Default 64 MiB; at most
   * 128 MiB - 1.
   */
  maxMessageBytes?: number;
  /**
   * How actors spawned by the system itself (not by another actor) are supervised. Default
   * `{ onFailure: "resume" }`: a handler that throws is reported and the actor goes on with
   * its next message; an actor whose Worker dies ends. Escalating from a top-level actor
   * stops it.
   */
  supervision?: SupervisionStrategy;
  /**
   * Called for every failure: a handler that throws, a start that fails, an actor's loss of its
   * Worker (a `WorkerDiedError`, one report per actor). Without any listener, failures go to
   * `console.error`.
   */
  onFailure?: (failure: ActorFailure) => void;
  /** Called for every dead letter (also counted in `ActorSystem.deadLetters`). */
  onDeadLetter?: (deadLetter: DeadLetter) => void;
  /**
   * Makes this system a node of a cluster of processes, on NATS: refs to actors of other nodes
   * work like any ref (`send`, Bridge calls), and `register`/`lookup` name actors across the
   * cluster. The NATS client is loaded only when this is set. Default: none (one process).
   */
  cluster?: ClusterOptions;
  /**
   * Watches the system from outside its core: `openTelemetry()` of `@ringmail/actors/otel`
   * makes one (metrics, and a span per handled message). Default: none, and nothing of it is
   * loaded or run.
   */
  observer?: SystemObserver;
}

/** How a system joins a cluster (see {@link ActorSystemOptions.cluster}). */
export interface ClusterOptions {
  /** The NATS server or servers, e.g. `"nats://127.0.0.1:4222"`. */
  servers: string | string[];
  /**
   * The cluster's name: nodes of one name reach each other's actors. Letters, digits, `_` and
   * `-`, at most 237 of them. Default `"ringmail"`.
   */
  name?: string;
  /** Ms between two pings of a node this one talks to, up to 2^31 - 1. Default 100. */
  pingIntervalMs?: number;
  /**
   * Ms without an answer from a node after which it counts as down: calls waiting on its actors
   * fail with `ActorDeadError`, and what is sent to it becomes dead letters (`"node-down"`). A
   * node whose process ended is down as soon as a ping finds nobody answering for it. Up to
   * 2^31 - 1; default 1500.
   */
  downAfterMs?: number;
}

/** Options of one spawn. */
export interface SpawnOptions {
  /** The actor's name in errors and logs. Default: its class name. */
  name?: string;
  /**
   * A pool whose Workers host the actor, next to many others (see `ActorSystem.createPool`).
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
  /**
   * What a send does when this actor's mailbox is full: `"wait"` (the default) waits for room
   * up to the send timeout, then fails; `"drop"` makes the message a dead letter (kind
   * `"mailbox-full"`) at once, and the sender never waits — for actors where only the latest
   * messages matter. The runtime's own messages (a Stop, a Terminated) always wait.
   */
  whenFull?: "wait" | "drop";
}

/** Options of `ActorSystem.shutdown`. */
export interface ShutdownOptions {
  /**
   * Milliseconds the actors get to finish what is in their mailboxes and stop; what is still
   * running then is cut off (its Worker terminated). Default 5000; 0 cuts everything off at
   * once.
   */
  timeout?: number;
}

/** An actor a shutdown cut off: it had not stopped when the timeout passed. */
export interface CutOffActor {
  /** The actor. */
  readonly actor: ActorRef<unknown>;
  /** Its name. */
  readonly name: string;
}

/** What a shutdown did. */
export interface ShutdownReport {
  /** Actors that stopped by themselves: they handled everything in their mailboxes first. */
  readonly stopped: number;
  /**
   * Actors that ended otherwise while the shutdown waited for them: a handler failed and their
   * supervisor stopped them, they were killed, or their Worker died. Their ends were reported as
   * they came (to watchers, and what was left for them as dead letters).
   */
  readonly ended: number;
  /** Actors still running when the timeout passed, ended by terminating their Workers. */
  readonly cutOff: readonly CutOffActor[];
  /**
   * Messages the cut-off made dead letters: those left in the mailboxes of the actors cut off,
   * and those still waiting for room on the system's thread to get into them; in a cluster, also
   * those to other nodes that never left this one.
   */
  readonly undelivered: number;
}

/**
 * The settings the system's parts use, from its options.
 * @throws {RangeError} when an option is out of range.
 * @throws {TypeError} when `supervision` or `observer` is malformed, or a listener is no
 * function.
 */
export function checkSystemOptions(
  options: ActorSystemOptions,
): SystemSettings {
  checkObject("an actor system's options", options);
  const sendTimeout = checkTimerMs("sendTimeout", options.sendTimeout ?? 5000);
  const maxMessageBytes = options.maxMessageBytes ?? 1 << 26;
  if (
    !(Number.isInteger(maxMessageBytes) && maxMessageBytes > 0 &&
      maxMessageBytes <= MAX_MESSAGE)
  ) {
    throw new RangeError(
      `maxMessageBytes must be a whole number from 1 to ${MAX_MESSAGE}, got ${options.maxMessageBytes}`,
    );
  }
  const mailboxCapacity = checkRingCapacity("mailboxCapacity", options.mailboxCapacity ?? 1 << 16);
  const maxActors = options.maxActors ?? 1 << 18;
  // One slot more is the directory's: every Bridge takes one too.
  if (!(Number.isInteger(maxActors) && maxActors >= 1 && maxActors < 1 << 24)) {
    throw new RangeError(
      `maxActors must be a whole number from 1 to ${(1 << 24) - 1}, got ${options.maxActors}`,
    );
  }
  const maxMemoryBytes = options.maxMemoryBytes ?? 1 << 30;
  if (
    !(Number.isInteger(maxMemoryBytes) && maxMemoryBytes >= 1 << 16 &&
      maxMemoryBytes <= ARENA_MAX_LIMIT)
  ) {
    throw new RangeError(
      `maxMemoryBytes must be a whole number of bytes from 65536 to ${ARENA_MAX_LIMIT}, got ` +
        `${options.maxMemoryBytes}`,
    );
  }
  for (const key of ["onFailure", "onDeadLetter"] as const) {
    const listener: unknown = options[key];
    if (listener !== undefined && typeof listener !== "function") {
      // Taken, it failed at every report, and what failed was never told.
      throw new TypeError(
        `${key} must be a function (or left out), called with each ` +
          `${key === "onFailure" ? "failure" : "dead letter"}, got ${describeValue(listener)}`,
      );
    }
  }
  if (options.cluster !== undefined) checkClusterOptions(options.cluster);
  if (options.observer !== undefined) checkObserver(options.observer);
  return {
    mailboxCapacity,
    sendTimeout,
    maxMessageBytes,
    strategy: options.supervision === undefined
      ? TOP_LEVEL
      : checkStrategy(options.supervision, "supervision"),
  };
}

/** Whether `bytes` is a mailbox ring's size: a power of two the ring layer allows. */
function isRingCapacity(bytes: number): boolean {
  return Number.isInteger(bytes) && bytes >= MIN_CAPACITY && bytes <= MAX_CAPACITY &&
    (bytes & (bytes - 1)) === 0;
}

/**
 * `bytes`, the option `what`, checked as a mailbox's ring capacity.
 * @throws {RangeError} when it is none (see {@link isRingCapacity}).
 */
export function checkRingCapacity(what: string, bytes: number): number {
  if (!isRingCapacity(bytes)) {
    throw new RangeError(
      `${what} must be a power of two from ${MIN_CAPACITY} to ${MAX_CAPACITY}, got ${bytes}`,
    );
  }
  return bytes;
}

/**
 * A pool's options with their defaults.
 * @throws {RangeError} when an option is out of range.
 */
export function checkPoolOptions(options: PoolOptions): Required<PoolOptions> {
  checkObject("createPool's options", options);
  const workers = options.workers ?? navigator.hardwareConcurrency ?? 2;
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
    throw new RangeError(
      `a pool needs 1 to 256 workers, got ${options.workers}`,
    );
  }
  const batch = options.batch ?? 64;
  if (!(Number.isInteger(batch) && batch >= 1)) {
    throw new RangeError(
      `batch must be a positive whole number, got ${options.batch}`,
    );
  }
  const mailboxCapacity = checkRingCapacity(
    "a pool's mailboxCapacity",
    options.mailboxCapacity ?? 1024,
  );
  return { workers, batch, mailboxCapacity };
}

/**
 * A shutdown's timeout, in ms.
 * @throws {TypeError} for a timeout that is no number.
 * @throws {RangeError} for a negative or non-finite timeout.
 */
export function checkShutdownTimeout(options: ShutdownOptions): number {
  checkObject("shutdown's options", options);
  const timeout = options.timeout ?? DEFAULT_SHUTDOWN_MS;
  // Compared as a number, true would be a timeout of 1 ms: every actor cut off at once.
  if (typeof timeout !== "number") throw notMsError("shutdown timeout", timeout);
  if (!(timeout >= 0 && timeout <= 0x7fff_ffff)) {
    throw new RangeError(
      `shutdown timeout must be from 0 to 2^31 - 1 ms, got ${timeout}`,
    );
  }
  return timeout;
}

/**
 * The longest cluster name: the names' KV bucket is the stream `KV_ringmail_<name>_names`, and the
 * NATS server takes stream names of at most 255 characters. It also keeps the link's subjects
 * (with a name of MAX_NAME_BYTES, src/remote/names.ts) well within the server's 4 KiB control
 * line, past which the server closes the connection.
 */
const MAX_CLUSTER_NAME = 255 - "KV_ringmail__names".length;

/** @throws {TypeError | RangeError} when a cluster option is malformed. */
function checkClusterOptions(cluster: ClusterOptions): void {
  if (typeof cluster !== "object" || cluster === null) {
    throw new TypeError(
      `cluster must be an object with servers ({ servers: "nats://127.0.0.1:4222" }), got ` +
        describeValue(cluster),
    );
  }
  const servers = cluster.servers;
  const isUrl = (s: unknown) => typeof s === "string" && s.length > 0;
  if (
    !isUrl(servers) && !(Array.isArray(servers) && servers.length > 0 && servers.every(isUrl))
  ) {
    throw new TypeError(
      `cluster.servers must name a NATS server ("nats://127.0.0.1:4222") or a list of them, ` +
        `got ${JSON.stringify(servers)}`,
    );
  }
  for (const server of Array.isArray(servers) ? servers : [servers]) checkServerUrl(server);
  if (cluster.name !== undefined && !/^[A-Za-z0-9_-]+$/.test(cluster.name)) {
    throw new TypeError(
      `cluster.name must be letters, digits, "_" or "-" (it is part of NATS subjects), got ` +
        `${JSON.stringify(cluster.name)}`,
    );
  }
  if (cluster.name !== undefined && cluster.name.length > MAX_CLUSTER_NAME) {
    throw new RangeError(
      `cluster.name takes at most ${MAX_CLUSTER_NAME} characters (the names' KV bucket, ` +
        `stream KV_ringmail_<name>_names, must fit the NATS server's 255), got one of ` +
        `${cluster.name.length}: choose a shorter name`,
    );
  }
  for (const key of ["pingIntervalMs", "downAfterMs"] as const) {
    if (cluster[key] !== undefined) checkTimerMs(`cluster.${key}`, cluster[key]);
  }
}

/**
 * Checks `server`, one of `cluster.servers`, as the NATS client reads it: `nats://` or `tls://`
 * (or no scheme), a host, and a port from 1 to 65535 if any. The client takes any string and
 * fails only as it connects, and the join's error then asks whether a server runs there.
 * @throws {TypeError} when it is none.
 */
function checkServerUrl(server: string): void {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(server)?.[1]?.toLowerCase();
  const refuse = (why: string, cause?: unknown) =>
    new TypeError(
      `cluster.servers must name NATS servers as nats://host:port (or tls://host:port), got ` +
        `${JSON.stringify(server)}: ${why}`,
      cause === undefined ? undefined : { cause },
    );
  if (scheme !== undefined && scheme !== "nats" && scheme !== "tls") {
    throw refuse(
      scheme === "ws" || scheme === "wss"
        ? "ringmail connects over TCP, not WebSocket"
        : `${scheme}:// is no NATS scheme`,
    );
  }
  let rest = scheme === undefined ? server : server.slice(scheme.length + 3);
  // A bare IPv6 address, as the client takes it: bracketed.
  if (!rest.includes("[") && rest.split(":").length > 2 && !rest.includes(".")) rest = `[${rest}]`;
  let url: URL;
  try {
    url = new URL(`nats://${rest}`);
  } catch (error) {
    throw refuse("not a URL (is its port a number from 1 to 65535?)", error);
  }
  if (url.hostname === "") throw refuse("it names no host");
  if (url.port === "0") throw refuse("port 0 is no server's");
}

/** What a node knows of its links (see ActorSystem.clusterStatus). */
export interface ClusterStatus {
  /** This node's id. */
  readonly node: number;
  /**
   * Whether this node's connection to the NATS server is up: false from losing it (the server
   * restarts, say) until the client has reconnected, and outside a cluster.
   */
  readonly connected: boolean;
  /** One entry per node this one talks or talked to. */
  readonly links: readonly LinkStatus[];
}

/**
 * One link's state and figures, as this node sees it. Counted per batch on the system's thread
 * (never per message in a Worker); rates come from samples taken every 250 ms.
 */
export interface LinkStatus {
  /** The other node's id. */
  readonly node: number;
  /**
   * Whether it is up (it answers pings); a node that is down stays down, and is listed for a
   * minute after, then no more.
   */
  readonly up: boolean;
  /** The last ping's round trip, in ms; -1 before the first answer, or when down. */
  readonly roundTripMs: number;
  /** The ping round trip, smoothed (an exponential average of the answers), in ms; -1: none. */
  readonly roundTripAverageMs: number;
  /** Records sent to it (pieces of a large record count one each). */
  readonly recordsSent: number;
  /** Records received from it. */
  readonly recordsReceived: number;
  /** How fast records go to it. */
  readonly recordsSentRate: Rate;
  /** How fast records come from it. */
  readonly recordsReceivedRate: Rate;
  /** Bytes of the batches published to it. */
  readonly bytesSent: number;
  /** Bytes of the batches received from it. */
  readonly bytesReceived: number;
  /** How fast bytes go to it. */
  readonly bytesSentRate: Rate;
  /** How fast bytes come from it. */
  readonly bytesReceivedRate: Rate;
  /** Batches (NATS messages) published to it. */
  readonly batchesSent: number;
  /** Batches received from it. */
  readonly batchesReceived: number;
  /** Records waiting for its credit (a credit stall while above 0). */
  readonly waitingForCredit: number;
  /** How many times records had to wait for its credit (credit stalls begun). */
  readonly creditStalls: number;
  /** Milliseconds spent in credit stalls, the current one included. */
  readonly creditStalledMs: number;
  /** Why it is down ("" while up). */
  readonly reason: string;
}

/** @throws {TypeError} when `options`, the options of `what`, is no object. */
function checkObject(what: string, options: unknown): void {
  if (typeof options === "object" && options !== null) return;
  throw new TypeError(`${what} must be an object, got ${describeValue(options)}`);
}
