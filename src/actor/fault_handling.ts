/**
 * Fault handling (Pekko's dungeon `FaultHandling`): what happens to an actor when a handler, a
 * hook or a child fails. The failure is reported first, then its supervisor's directive is
 * carried out here: resume, restart (a fresh instance behind the same ref and mailbox), stop, or
 * stop and escalate to the parent.
 *
 * @module
 */

import type { ActorCell } from "./actor_cell.ts";
import { Activity, type CellHost, type CellLoop, CellState, isEnding } from "./cell_host.ts";
import { ActorStat } from "./actor_stats.ts";
import { Failed } from "./messages.ts";
import { describeError, messageOf, portableError } from "./portable_error.ts";
import { restartClock, type SupervisionStrategy, Supervisor } from "./supervision.ts";

/** How one actor's failures are handled. Made on its first failure: most actors never fail. */
export class FaultHandling {
  readonly #cell: ActorCell;
  readonly #host: CellHost;
  readonly #loop: CellLoop;
  readonly #supervisor: Supervisor;

  constructor(
    cell: ActorCell,
    host: CellHost,
    loop: CellLoop,
    strategy: SupervisionStrategy,
    restarts: readonly number[] | null = null,
  ) {
    this.#cell = cell;
    this.#host = host;
    this.#loop = loop;
    this.#supervisor = new Supervisor(strategy, restarts);
  }

  /**
   * A handler, hook or child failed: reports it with what the supervisor decides, then does it.
   * Returns a promise when restarting or stopping runs async hooks.
   * @param resumable false for a failed `preStart`: an actor that was never ready cannot be
   * resumed, only restarted.
   */
  failed(
    message: unknown,
    error: unknown,
    resumable = true,
    stopAsked = false,
  ): void | Promise<void> {
    const cell = this.#cell;
    if (isEnding(cell.state)) {
      this.#host.handlerFailed(cell, message, error, 0);
      return;
    }
    if (stopAsked) return this.#failedStopping(message, error, resumable);
    const now = restartClock();
    let directive = this.#supervisor.decide(error, now);
    // A restart whose constructor failed left no instance to resume.
    if (directive === "resume" && (cell.actor === null || !resumable)) {
      directive = "stop";
    }
    // Reported with the restart it led to, in one report: whoever hears of the failure knows
    // the restart counts (see Supervisor).
    this.#host.handlerFailed(cell, message, error, directive === "restart" ? now : 0);
    switch (directive) {
      case "resume":
        return;
      case "restart":
        return this.#restart(error);
      case "stop":
        return this.#stopFailed(error, false);
      case "escalate":
        return this.#stopFailed(error, true);
    }
  }

  /**
   * The actor asked to stop (`this.context.stop()`), then failed: the stop it asked for goes on
   * (after a handler, its cell carries it out; after preStart, this does), unless its supervisor
   * escalates — no directive restarts it into a fresh instance, or resumes it.
   */
  #failedStopping(message: unknown, error: unknown, resumable: boolean): void | Promise<void> {
    const cell = this.#cell;
    // The strategy's own word: a restart past the limit escalates only where a restart happens.
    const directive = this.#supervisor.directiveFor(error);
    this.#host.handlerFailed(cell, message, error, 0);
    if (directive === "escalate") return this.#stopFailed(error, true);
    return resumable ? undefined : cell.stopFor(null, true);
  }

  /** Stops the actor because it failed; when escalating, its parent then fails with the error. */
  #stopFailed(error: unknown, escalate: boolean): void | Promise<void> {
    const cell = this.#cell;
    const ran = cell.hasRun;
    cell.endKind = ran ? "failed" : "start-failed";
    const portable = cell.endError = portableError(error);
    cell.endReason = ran
      ? `${cell.name} failed: ${describeError(error)}`
      : cell.actor === null
      ? `${cell.name}'s constructor threw: ${messageOf(error)}`
      : `${cell.name} failed to start: ${describeError(error)}`;
    const stopped = cell.stopFor(null);
    const parent = cell.parent;
    if (!escalate || parent === null) return stopped;
    // After postStop: the parent hears of the failure once the child is done with it.
    const tell = () =>
      this.#loop.courier.deliver(
        parent,
        new Failed(cell.self, portable, cell.name),
        cell.self,
        0,
        true,
      );
    if (stopped === undefined) return tell();
    return stopped.then(tell);
  }

  /**
   * A fresh instance behind the same ref and mailbox: the old one's `postStop`, its children
   * stopped, its timers and watches dropped; then the constructor and `preStart` again.
   */
  #restart(error: unknown): void | Promise<void> {
    const cell = this.#cell;
    cell.state = CellState.Busy;
    cell.mailbox.countStat(ActorStat.Restarts);
    const fresh = () => {
      cell.dropInstance();
      // Kept across the restart (Akka classic's default): back in front of the mailbox, for the
      // fresh instance to handle first.
      cell.unstashAll();
      try {
        cell.construct();
      } catch (constructorError) {
        cell.actor = null;
        cell.state = CellState.Running;
        return this.failed(
          new Activity(`a restart after ${describeError(error)}`),
          constructorError,
        );
      }
      return cell.begin();
    };
    // Before postStop, which may take a while (async): the failed instance's timers must not
    // fire into its mailbox meanwhile, for the fresh one to get.
    cell.cancelInstanceTimers();
    const stopped = cell.postStop();
    if (stopped !== undefined) return stopped.then(fresh);
    // A fresh instance that fails at once (its constructor or sync preStart throws) comes back
    // here from inside fresh(): that restart goes on in a microtask, not deeper in the stack,
    // or a high restart limit would overflow it and leave the actor neither running nor ended.
    if (this.#restarting) return Promise.resolve().then(fresh);
    this.#restarting = true;
    try {
      return fresh();
    } finally {
      this.#restarting = false;
    }
  }

  /** Set while a restart makes its fresh instance synchronously (see #restart). */
  #restarting = false;
}
