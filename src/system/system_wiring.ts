/**
 * How an actor system is put together: its parts made and wired to each other (see
 * system_parts.ts), and the guardian started. Apart from actor_system.ts so that an actor's
 * Worker, which imports mod.ts with every actor module but never makes a system, does not load
 * the modules of the system's side (see there).
 *
 * @module
 */

import { ActorRef } from "../actor/mod.ts";
import { describeMessage, Directory, installRefCodec, SystemCourier } from "../delivery/mod.ts";
import { Arena } from "../ring/mod.ts";
import type { ActorSystem } from "./actor_system.ts";
import { AskWatches } from "./ask_watches.ts";
import { RemoteAskWatches } from "./remote_ask_watches.ts";
import { newNodeId, SystemCluster } from "./cluster.ts";
import { AskLost, ThreadDied } from "./control.ts";
import { SystemEvents } from "./events.ts";
import { Inspector } from "./inspector.ts";
import { startGuardian } from "./guardian.ts";
import { MailboxPool } from "./mailbox_pool.ts";
import { workerObserverOf } from "./observer.ts";
import { type ActorSystemOptions, checkSystemOptions } from "./options.ts";
import { Recoveries } from "./recovery.ts";
import { Registry } from "./registry.ts";
import { Shutdown } from "./shutdown.ts";
import { Spawner } from "./spawner.ts";
import type { PartsInWiring, SystemParts } from "./system_parts.ts";
import { WorkerDeaths } from "./worker_deaths.ts";
import { SPARE_WORKERS, WorkerSet } from "./worker_set.ts";

/**
 * Makes the parts of `system` and starts its guardian.
 * @throws {RangeError} when an option is out of range.
 * @throws {TypeError} when `supervision` or `observer` is malformed.
 */
export function wireSystem(
  system: ActorSystem,
  options: ActorSystemOptions,
): SystemParts {
  installRefCodec();
  const parts = { settings: checkSystemOptions(options) } as PartsInWiring;
  const settings = parts.settings;
  parts.arena = Arena.create({ maxBytes: options.maxMemoryBytes ?? 1 << 30 });
  parts.directory = Directory.create(
    parts.arena,
    (options.maxActors ?? 1 << 18) + 1,
    SPARE_WORKERS, // the spares' slots: none of the program's (see WorkerSet)
  );
  parts.threadId = parts.arena.newThreadId();
  parts.observer = options.observer?.attach(system) ?? null;
  parts.workerObserver = workerObserverOf(options.observer);
  parts.courier = new SystemCourier({
    arena: parts.arena,
    directory: parts.directory,
    threadId: parts.threadId,
    blocking: false,
    sendTimeout: settings.sendTimeout,
    maxMessageBytes: settings.maxMessageBytes,
    describe: (slot, generation) => parts.registry.nameOf(slot, generation),
    endReason: (slot, generation) => parts.registry.endReasonOf(slot, generation),
    node: options.cluster === undefined ? 0 : newNodeId(),
    tracing: parts.observer?.tracing,
  });
  // Its mailboxes are the courier's handles: one per mailbox on this thread (MailboxHandles).
  parts.pool = new MailboxPool(
    parts.arena,
    parts.directory,
    parts.courier.handles,
  );
  parts.registry = new Registry(parts.courier, () => parts.guardian);
  const tellAskLost = (
    desk: ActorRef<unknown>,
    target: ActorRef<unknown>,
    reason: string,
    upTo = 0,
  ) => {
    parts.spawner.sendStarts(); // what an agent is told goes after the starts sent to it
    parts.courier.deliver(desk, new AskLost(target, reason, upTo), parts.guardian);
  };
  parts.askWatches = new AskWatches(tellAskLost);
  parts.remoteAskWatches = new RemoteAskWatches(
    (target, signal) => parts.cluster.whenEnded(target, signal),
    tellAskLost,
  );
  // Asks hear of an actor's end as Bridge calls do; of one being restarted (`waiting` given),
  // they heard at its Worker's death already (WorkerDeaths.died): an ask made since waits in its
  // mailbox for the new instance.
  parts.registry.lossListeners.add((slot, generation, reason, waiting) => {
    if (waiting !== undefined) return;
    parts.askWatches.lost(
      slot,
      generation,
      reason,
      () => new ActorRef(slot, generation, 0, parts.courier),
    );
  });
  parts.events = new SystemEvents();
  // Asks of other nodes' actors hear of a lost Worker as Bridge calls do.
  parts.events.onCallsLostAfar((target, reason, calls) =>
    parts.remoteAskWatches.callsLost(target, reason, calls)
  );
  parts.inspector = new Inspector(parts);
  if (options.onFailure) parts.events.onFailure(options.onFailure);
  if (options.onDeadLetter) parts.events.onDeadLetter(options.onDeadLetter);
  parts.spawner = new Spawner(parts);
  parts.workers = new WorkerSet(parts, system);
  parts.deaths = new WorkerDeaths(parts);
  parts.shutdown = new Shutdown(parts);
  parts.recoveries = new Recoveries({
    arena: parts.arena,
    liveThreads: () => parts.workers.startedThreads(),
    tellThreadDied: (threadId, dead) => {
      const handle = parts.workers.get(threadId);
      if (handle !== undefined) {
        parts.spawner.sendStarts(handle);
        parts.courier.deliver(
          handle.agent,
          new ThreadDied(dead),
          parts.guardian,
        );
      }
    },
    threadMarkedDead: () => {
      parts.loop.recoverStalled();
      parts.events.threadMarkedDead();
    },
  });
  parts.courier.sink = {
    deadLetter: (lost) =>
      parts.events.deadLetter({
        ...lost,
        messageClass: describeMessage(lost.message),
        count: 1,
      }),
  };
  startGuardian(parts);
  parts.workers.holdKeptSlots();
  parts.cluster = new SystemCluster(parts, options.cluster);
  return parts;
}
