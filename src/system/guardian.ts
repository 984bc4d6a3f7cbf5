/**
 * The guardian: the actor system's own actor on the main thread. Workers report to it — an actor
 * started or failed to, stopped, a handler threw, a message became a dead letter, an actor
 * spawned a child or watches another, a Worker ended — and it passes each report to the system.
 *
 * @module
 */

import { Actor, handles, Stopped } from "../actor/mod.ts";
import {
  ActorStarted,
  ActorStopped,
  AskUnwatch,
  AskWatch,
  DeadLetterNotice,
  HandlerFailed,
  SpawnChild,
  SpawnFailed,
  ThreadDiedSeen,
  Unwatch,
  Watch,
  WorkerExited,
} from "./control.ts";

/** What the guardian reports to: the actor system. */
export interface GuardianDelegate {
  actorStarted(report: ActorStarted): void;
  spawnFailed(report: SpawnFailed): void;
  actorStopped(report: ActorStopped): void;
  handlerFailed(report: HandlerFailed): void;
  deadLetter(report: DeadLetterNotice): void;
  workerExited(report: WorkerExited): void;
  spawnChild(request: SpawnChild): void;
  watch(request: Watch): void;
  unwatch(request: Unwatch): void;
  askWatch(request: AskWatch): void;
  askUnwatch(request: AskUnwatch): void;
  threadDiedSeen(report: ThreadDiedSeen): void;
}

type Report =
  | ActorStarted
  | SpawnFailed
  | ActorStopped
  | HandlerFailed
  | DeadLetterNotice
  | WorkerExited
  | SpawnChild
  | Watch
  | Unwatch
  | AskWatch
  | AskUnwatch
  | ThreadDiedSeen
  | Stopped;

/** The main thread's control actor. */
export class Guardian extends Actor<Report> {
  readonly #delegate: GuardianDelegate;

  constructor(delegate: GuardianDelegate) {
    super();
    this.#delegate = delegate;
  }

  @handles(ActorStarted)
  onActorStarted(report: ActorStarted): void {
    this.#delegate.actorStarted(report);
  }

  @handles(SpawnFailed)
  onSpawnFailed(report: SpawnFailed): void {
    this.#delegate.spawnFailed(report);
  }

  @handles(ActorStopped)
  onActorStopped(report: ActorStopped): void {
    this.#delegate.actorStopped(report);
  }

  @handles(HandlerFailed)
  onHandlerFailed(report: HandlerFailed): void {
    this.#delegate.handlerFailed(report);
  }

  @handles(DeadLetterNotice)
  onDeadLetter(report: DeadLetterNotice): void {
    this.#delegate.deadLetter(report);
  }

  @handles(WorkerExited)
  onWorkerExited(report: WorkerExited): void {
    this.#delegate.workerExited(report);
  }

  @handles(SpawnChild)
  onSpawnChild(request: SpawnChild): void {
    this.#delegate.spawnChild(request);
  }

  @handles(Watch)
  onWatch(request: Watch): void {
    this.#delegate.watch(request);
  }

  @handles(Unwatch)
  onUnwatch(request: Unwatch): void {
    this.#delegate.unwatch(request);
  }

  @handles(AskWatch)
  onAskWatch(request: AskWatch): void {
    this.#delegate.askWatch(request);
  }

  @handles(AskUnwatch)
  onAskUnwatch(request: AskUnwatch): void {
    this.#delegate.askUnwatch(request);
  }

  @handles(ThreadDiedSeen)
  onThreadDiedSeen(report: ThreadDiedSeen): void {
    this.#delegate.threadDiedSeen(report);
  }

  /** The answer of an actor the system stopped (shutdown, an orphan): nothing more to do. */
  @handles(Stopped)
  onStopped(_: Stopped): void {}
}
