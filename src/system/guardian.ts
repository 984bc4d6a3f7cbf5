/**
 * The guardian: the actor system's own actor on the main thread. Workers report to it — an actor
 * started or failed to, stopped, a handler threw, a message became a dead letter, a Worker ended
 * — and it passes each report to the system.
 *
 * @module
 */

import { Actor, handles } from "../actor/mod.ts";
import {
  ActorStarted,
  ActorStopped,
  DeadLetterNotice,
  HandlerFailed,
  SpawnFailed,
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
}

type Report =
  | ActorStarted
  | SpawnFailed
  | ActorStopped
  | HandlerFailed
  | DeadLetterNotice
  | WorkerExited;

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
}
