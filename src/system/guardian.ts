/**
 * The guardian: the actor system's own actor on the main thread. Workers report to it — an actor
 * started or failed to, stopped, a handler threw, a message became a dead letter, an actor
 * spawned a child or watches another, a Worker ended — and it acts on each report with the
 * system's parts: the registry, the spawner, Worker deaths, the events. It is the one actor of
 * the main thread's receive loop, which {@link startGuardian} makes.
 *
 * @module
 */

import {
  Activity,
  Actor,
  ActorRef,
  type CellHost,
  handles,
  portableError,
  Stopped,
  Supervisor,
  Terminated,
} from "../actor/mod.ts";
import { describeMessage, ReceiveLoop, SEND_TIMEOUT_WORD, SlotState } from "../delivery/mod.ts";
import { Doorbell, SpinPolicy } from "../ring/mod.ts";
import { FOREVER_MS } from "./claim.ts";
import {
  ActorStarted,
  ActorStopped,
  AskLost,
  AskUnwatch,
  AskWatch,
  CallsLost,
  DeadLetterNotice,
  HandlerFailed,
  RemoteWatch,
  SpawnChild,
  SpawnFailed,
  ThreadDiedSeen,
  Unwatch,
  Watch,
  WatchForBridge,
  WorkerExited,
  WorkerIdle,
} from "./control.ts";
import { SpawnError } from "./errors.ts";
import { noticeToDeadLetter } from "./events.ts";
import { settleStart } from "./registry.ts";
import type { PartsInWiring, SystemParts } from "./system_parts.ts";

const GUARDIAN_MAILBOX_BYTES = 1 << 20;

type Report =
  | ActorStarted
  | SpawnFailed
  | ActorStopped
  | HandlerFailed
  | DeadLetterNotice
  | WorkerExited
  | WorkerIdle
  | SpawnChild
  | Watch
  | Unwatch
  | RemoteWatch
  | Terminated
  | WatchForBridge
  | CallsLost
  | AskWatch
  | AskUnwatch
  | ThreadDiedSeen
  | Stopped;

/** The main thread's control actor. */
export class Guardian extends Actor<Report> {
  readonly #parts: SystemParts;

  constructor(parts: SystemParts) {
    super();
    this.#parts = parts;
  }

  /** An actor someone waits on has started. */
  @handles(ActorStarted)
  onActorStarted(report: ActorStarted): void {
    const record = this.#parts.registry.get(report.slot, report.generation);
    if (record !== undefined) settleStart(record, true);
  }

  /** An actor could not be started in its Worker (module, class or constructor). */
  @handles(SpawnFailed)
  onSpawnFailed(report: SpawnFailed): void {
    const { events, registry } = this.#parts;
    const record = registry.get(report.slot, report.generation);
    if (record === undefined) {
      this.#parts.inspector.lateCounts(report.slot, report.generation, report);
      return;
    }
    const error = new SpawnError(report.error.message, { cause: report.error });
    error.stack = report.error.stack;
    settleStart(record, error);
    events.failure(null, record.name, "spawn", error);
    // A restart (its Worker died) that could not start: what it did before stays counted.
    this.#parts.inspector.ended(record, { handled: report.handled, restarts: report.restarts });
    // Its worker retired its mailbox (and ends itself if it was the actor's own).
    registry.endAll([{
      record,
      kind: "start-failed",
      reason: `${record.name} failed to start: ${error.message}`,
      error: portableError(error),
    }]);
    // First: a kept slot its Worker gives back as a spare goes under the actor's in the free
    // stack, so the next actor takes the ended one's slot, as it would with no spare.
    this.#parts.workers.emptied(record.worker);
    this.#parts.workers.freeSlot(record.slot);
  }

  /** An actor stopped (or failed for good) in its Worker, which retired its mailbox. */
  @handles(ActorStopped)
  onActorStopped(report: ActorStopped): void {
    const { registry } = this.#parts;
    const record = registry.get(report.slot, report.generation);
    if (record === undefined) {
      // Ended already (its Worker died after it retired it): its counts are still to count.
      this.#parts.inspector.lateCounts(report.slot, report.generation, report);
      return;
    }
    // A Stop from the shutdown came from the guardian, whose name the worker does not know.
    const reason = record.stopAsked && report.kind === "stopped"
      ? `${record.name} was stopped by the actor system's shutdown`
      : report.reason;
    if (report.kind === "start-failed") {
      // Its preStart failed, and its supervisor did not restart it into a working one.
      settleStart(record, new SpawnError(reason, { cause: report.error }));
    }
    this.#parts.inspector.ended(record, { handled: report.handled, restarts: report.restarts });
    registry.endAll([{
      record,
      kind: report.kind,
      reason,
      error: report.error,
    }]);
    this.#parts.workers.emptied(record.worker); // first: see onSpawnFailed
    // The slot may be reused now that the record is gone.
    this.#parts.workers.freeSlot(record.slot);
  }

  @handles(HandlerFailed)
  onHandlerFailed(report: HandlerFailed): void {
    // A restart its Worker decided counts when that Worker dies (see Supervisor): counted
    // before the failure is told, so a listener that kills the actor finds it counted.
    if (report.restartedAt !== 0 && report.actor !== null) {
      const record = this.#parts.registry.of(report.actor);
      if (record !== undefined) {
        (record.supervisor ??= new Supervisor(record.strategy)).restarted(report.restartedAt);
      }
    }
    this.#parts.inspector.failed(report);
    this.#parts.events.failure(
      report.actor,
      report.actorName,
      report.messageClass,
      report.error,
    );
  }

  @handles(DeadLetterNotice)
  onDeadLetter(report: DeadLetterNotice): void {
    this.#parts.events.deadLetter(
      noticeToDeadLetter(report, this.#parts.courier),
    );
  }

  /** A Worker ended: it died (an uncaught error, an exit), or closed itself, done. */
  /** A dedicated Worker hosts no actor any more: the spare for the next, or retired. */
  @handles(WorkerIdle)
  onWorkerIdle(report: WorkerIdle): void {
    const handle = this.#parts.workers.get(report.threadId);
    if (handle !== undefined) this.#parts.workers.idle(handle);
  }

  @handles(WorkerExited)
  onWorkerExited(report: WorkerExited): void {
    const handle = this.#parts.workers.get(report.threadId);
    if (handle === undefined) return;
    if (report.died !== "") this.#parts.deaths.died(handle, report.died);
    else this.#parts.deaths.ended(handle);
  }

  @handles(SpawnChild)
  onSpawnChild(request: SpawnChild): void {
    this.#parts.spawner.spawnChild(request);
  }

  @handles(Watch)
  onWatch(request: Watch): void {
    const target = request.target!;
    // An actor of another node is watched through the cluster (see cluster.ts).
    if (target.node !== 0) {
      this.#parts.cluster.watchRemote(request.watcher!, target, false);
    } else this.#parts.registry.watch(request.watcher!, target);
  }

  @handles(Unwatch)
  onUnwatch(request: Unwatch): void {
    const target = request.target!;
    if (target.node !== 0) {
      this.#parts.cluster.watchRemote(request.watcher!, target, true, request.ended);
    } else if (!request.ended) this.#parts.registry.unwatch(request.watcher!, target);
  }

  /** An actor of another node the guardian watched for a Bridge has ended (see cluster.ts). */
  @handles(Terminated)
  onTerminated(end: Terminated): void {
    this.#parts.cluster.ended(end);
  }

  /** A Bridge waits for the end of `target`, an actor of another node, or no longer does. */
  @handles(WatchForBridge)
  onWatchForBridge(request: WatchForBridge): void {
    if (request.unwatch) this.context.unwatch(request.target!);
    else this.context.watch(request.target!);
  }

  /** An actor of another node watches (or no longer watches) an actor of this one. */
  @handles(CallsLost)
  onCallsLost(report: CallsLost): void {
    this.#parts.events.callsLostAfar(report.target!, report.reason, report.calls);
  }

  @handles(RemoteWatch)
  onRemoteWatch(request: RemoteWatch): void {
    this.#parts.registry.watchFromAfar(
      request.watcher!,
      request.target!,
      request.unwatch,
    );
  }

  /**
   * A Worker's asks wait on `target` (see asks.ts): its desk hears when it is lost — at once
   * if it has ended already (it may have done so while the watch was on its way).
   */
  @handles(AskWatch)
  onAskWatch(request: AskWatch): void {
    const desk = request.desk!;
    // Read after its Worker's death (which ran at once, not in this mailbox's order, and forgot
    // its desk's watches): made now, nothing would ever unwatch it.
    if (this.#parts.directory.liveMailbox(desk.slot, desk.generation) === 0) return;
    this.#askWatch(desk, request.target!);
  }

  @handles(AskUnwatch)
  onAskUnwatch(request: AskUnwatch): void {
    const target = request.target!;
    if (target.node !== 0) this.#parts.remoteAskWatches.unwatch(request.desk!, target);
    else this.#parts.askWatches.unwatch(request.desk!, target);
  }

  #askWatch(desk: ActorRef<unknown>, target: ActorRef<unknown>): void {
    const { askWatches, courier, guardian, registry, remoteAskWatches, spawner } = this.#parts;
    // An actor of another node: the system waits on its end (see remote_ask_watches.ts).
    if (target.node !== 0) return remoteAskWatches.watch(desk, target);
    if (spawner.unannounced(target)) {
      // A child whose parent's report is still on its way: watch it once it is known.
      registry.whenAnnounced(target).then(() => this.#askWatch(desk, target));
      return;
    }
    if (registry.of(target) !== undefined) {
      askWatches.watch(desk, target);
      return;
    }
    registry.whenEnded(target).then((end) => {
      spawner.sendStarts(); // what an agent is told goes after the starts sent to it
      courier.deliver(desk, new AskLost(target, end.reason), guardian);
    });
  }

  @handles(ThreadDiedSeen)
  onThreadDiedSeen(report: ThreadDiedSeen): void {
    this.#parts.recoveries.answered(report.threadId, report.seenBy);
  }

  /** The answer of an actor the system stopped (shutdown, an orphan): nothing more to do. */
  @handles(Stopped)
  onStopped(_: Stopped): void {}
}

/**
 * Makes the main thread's doorbell and receive loop, and starts the guardian in it: the system's
 * own actor, which Workers report to. Sets `doorbell`, `loop`, `guardian` and `guardianMailbox`.
 */
export function startGuardian(parts: PartsInWiring): void {
  parts.doorbell = Doorbell.create(parts.arena, parts.threadId);
  // The main thread must stay responsive: a short spin budget before parking.
  parts.loop = new ReceiveLoop(
    parts.doorbell,
    parts.courier,
    mainThreadHost(parts),
    {
      spin: new SpinPolicy({ maxSpins: 1000 }),
    },
  );
  const { mailbox, slot, generation } = parts.spawner.withClaim(
    GUARDIAN_MAILBOX_BYTES,
    parts.threadId,
    "guardian",
    (claim) => claim,
  );
  parts.guardianMailbox = mailbox;
  parts.guardian = new ActorRef(slot, generation, 0, parts.courier);
  parts.courier.systemSender = parts.guardian;
  // Workers wait as long as it takes to report to the guardian: no report may be lost.
  mailbox.setUserWord(SEND_TIMEOUT_WORD, FOREVER_MS);
  const cell = parts.loop.createCell(parts.guardian, "guardian", mailbox);
  cell.start(Guardian as never, () => [parts]);
  parts.directory.setState(slot, SlotState.Running);
  parts.loop.add(cell);
  parts.loop.run().catch((error) => console.error("ringmail: the guardian's loop failed:", error));
}

/** The host of the main thread's cells (the guardian's): its failures go to the system's events. */
function mainThreadHost(parts: SystemParts): CellHost {
  return {
    deadLetter: (lost) => parts.courier.deadLetter(lost),
    handlerFailed: (cell, message, error) =>
      parts.events.failure(
        cell.self,
        cell.name,
        message instanceof Activity ? message.label : describeMessage(message),
        error,
      ),
    stopped: () => {},
    spawnChild: () => {
      throw new TypeError("the system's own actors spawn no children");
    },
    // The guardian watches only actors of other nodes, for the Bridge (see cluster.ts).
    watch: (cell, target) => parts.cluster.watchRemote(cell.self, target, false),
    unwatch: (cell, target, ended) => parts.cluster.watchRemote(cell.self, target, true, ended),
  };
}
