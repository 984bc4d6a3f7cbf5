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
import { type Deferred, deferred } from "../util/deferred.ts";

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
    // Before postStop, which may take a while (async): the failed instance's timers must not
    // fire into its mailbox meanwhile, for the fresh one to get.
    cell.cancelInstanceTimers();
    // What the fresh instance is told of, in words: the error itself would be kept by the next
    // failure's stack (its frames hold what they close over), that one by the next, and so on.
    const after = `a restart after ${describeError(error)}`;
    const stopped = cell.postStop();
    // The instance that failed was a fresh one still starting: the next is made once #started
    // hears of it, not from inside this one's making (see there).
    if (this.#starting) {
      this.#again = { after, stopped };
      return;
    }
    if (stopped !== undefined) return stopped.then(() => this.#fresh(after));
    return this.#fresh(after);
  }

  /**
   * Makes and starts the fresh instance of a restart (`after`: what failed, in words). How it
   * went comes to {@link #started}, at once or when its async `preStart` settles: a fresh
   * instance that fails there and is restarted again is made on a later turn of the loop, and
   * the restarts in a row share one promise the cell waits on ({@link #streak}). Made from inside
   * the one before, a constructor that always throws overflowed the stack; made in a microtask
   * each, it held its Worker for good (the other actors there were never served again), and
   * each restart chained one more promise to the last (with its error, which held the one
   * before), until the Worker ran out of memory; an async `preStart` that always fails chained
   * one more promise per restart too.
   */
  #fresh(after: string): void | Promise<void> {
    const cell = this.#cell;
    this.#starting = true;
    let made: void | Promise<void>;
    try {
      cell.dropInstance();
      // Kept across the restart (Akka classic's default): back in front of the mailbox, for the
      // fresh instance to handle first.
      cell.unstashAll();
      made = this.#construct(after);
    } catch (error) {
      this.#starting = false;
      this.#again = null;
      const streak = this.#streak;
      this.#streak = null;
      if (streak === null) throw error;
      return streak.reject(error as Error);
    }
    if (made === undefined) return this.#started();
    const first = this.#streak === null;
    const streak = this.#streak ??= deferred();
    made.then(() => void this.#started(), (error) => {
      this.#starting = false;
      this.#again = null;
      this.#streak = null;
      streak.reject(error);
    });
    return first ? streak.promise : undefined;
  }

  /** Constructs the fresh instance and runs its `preStart`; a constructor that throws fails. */
  #construct(after: string): void | Promise<void> {
    const cell = this.#cell;
    try {
      cell.construct();
    } catch (constructorError) {
      cell.actor = null;
      cell.state = CellState.Running;
      return this.failed(new Activity(after), constructorError);
    }
    return cell.begin();
  }

  /**
   * The fresh instance is made and started, or it failed and its failure was handled: it ended,
   * or it is restarted again — on the loop's next turn (once the failed instance's async
   * `postStop` is done, if it has one), so that the Worker's other actors and timers go on.
   * @returns the streak's promise when one begins now (the cell waits on it).
   */
  #started(): void | Promise<void> {
    this.#starting = false;
    const again = this.#again;
    this.#again = null;
    const streak = this.#streak;
    if (again === null) {
      this.#streak = null;
      streak?.resolve();
      return;
    }
    const first = streak === null;
    const current = this.#streak ??= deferred();
    const next = () => void this.#fresh(again.after);
    const nextTurn = () => void this.#loop.timers.schedule(0, 0, next);
    if (again.stopped !== undefined) again.stopped.then(nextTurn);
    else nextTurn();
    return first ? current.promise : undefined;
  }

  /** Set while a fresh instance is made and started (see #fresh). */
  #starting = false;
  /** A restart of that instance, asked for while it started: after what, and its postStop. */
  #again: { readonly after: string; readonly stopped: void | Promise<void> } | null = null;
  /** What the cell waits on while fresh instances are made and started (see #fresh). */
  #streak: Deferred | null = null;
}
