/**
 * The parts of one actor system on its own thread, shared by the collaborators the system is
 * cut into — the spawner (where actors start), the Worker set, Worker deaths, the shutdown, the
 * events — so each is a file of its own that reaches the others through here, at call time.
 *
 * @module
 */

import type { ActorRef, SupervisionStrategy } from "../actor/mod.ts";
import type { Directory, ReceiveLoop, SystemCourier } from "../delivery/mod.ts";
import type { Arena, Doorbell, Mailbox } from "../ring/mod.ts";
import type { AskWatches } from "./ask_watches.ts";
import type { RemoteAskWatches } from "./remote_ask_watches.ts";
import type { SystemCluster } from "./cluster.ts";
import type { SystemEvents } from "./events.ts";
import type { Inspector } from "./inspector.ts";
import type { MailboxPool } from "./mailbox_pool.ts";
import type { AttachedObserver, WorkerObserver } from "./observer.ts";
import type { Recoveries } from "./recovery.ts";
import type { Registry } from "./registry.ts";
import type { Shutdown } from "./shutdown.ts";
import type { Spawner } from "./spawner.ts";
import type { WorkerDeaths } from "./worker_deaths.ts";
import type { WorkerSet } from "./worker_set.ts";

/** The options of a system that its parts need, checked. */
export interface SystemSettings {
  readonly mailboxCapacity: number;
  readonly sendTimeout: number;
  readonly maxMessageBytes: number;
  /** How the system supervises the actors it spawns itself. */
  readonly strategy: SupervisionStrategy;
}

/** One actor system's parts (see the module doc). */
export interface SystemParts {
  readonly settings: SystemSettings;
  readonly arena: Arena;
  readonly directory: Directory;
  readonly pool: MailboxPool;
  readonly courier: SystemCourier;
  readonly threadId: number;
  readonly doorbell: Doorbell;
  readonly loop: ReceiveLoop;
  /** The guardian: the sender of the system's own messages. */
  readonly guardian: ActorRef<unknown>;
  readonly guardianMailbox: Mailbox;
  readonly registry: Registry;
  readonly recoveries: Recoveries;
  /** Which Workers' asks wait on which actors (see asks.ts). */
  readonly askWatches: AskWatches;
  /** The Workers' watches on actors of other nodes they ask (see remote_ask_watches.ts). */
  readonly remoteAskWatches: RemoteAskWatches;
  readonly events: SystemEvents;
  readonly shutdown: Shutdown;
  readonly spawner: Spawner;
  readonly workers: WorkerSet;
  readonly deaths: WorkerDeaths;
  /** Its cluster membership (none without the `cluster` option). */
  readonly cluster: SystemCluster;
  /** Its observer on this thread (null without the `observer` option). */
  readonly observer: AttachedObserver | null;
  /** What its Workers are told of the observer (null: they load nothing for it). */
  readonly workerObserver: WorkerObserver | null;
  /** What `inspect()` reads, and the failures and pending calls it counts. */
  readonly inspector: Inspector;
}

/** The parts while the system wires them: each is set once, in the system's constructor. */
export type PartsInWiring = {
  -readonly [K in keyof SystemParts]: SystemParts[K];
};
