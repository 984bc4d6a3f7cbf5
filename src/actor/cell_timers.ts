/**
 * One actor's timers (Pekko's `TimerScheduler` and dungeon `ReceiveTimeout`): the messages it
 * scheduled with `sendAfter` and `sendEvery`, cancelled when it stops or restarts, and its receive
 * timeout, which sends it `ReceiveTimeout` after a quiet spell. The loop's timer heap
 * (timers.ts) does the waiting.
 *
 * @module
 */

import type { ActorCell } from "./actor_cell.ts";
import { type ActorRef, checkRef } from "./actor_ref.ts";
import { type CellLoop, CellState } from "./cell_host.ts";
import { ReceiveTimeout } from "./messages.ts";
import {
  checkDelay,
  checkRepeat,
  type LoopTimer,
  type RepeatOptions,
  type Timer,
} from "./timers.ts";

/** The timers one actor set, until they are done or it stops. Made on its first timer. */
export class CellTimers {
  readonly #cell: ActorCell;
  readonly #self: ActorRef<unknown>;
  readonly #loop: CellLoop;
  readonly #live = new Set<LoopTimer>();
  readonly #forget = (done: LoopTimer) => this.#live.delete(done);
  #receiveTimeout: ReceiveTimeoutWatch | null = null;

  constructor(cell: ActorCell, loop: CellLoop) {
    this.#cell = cell;
    this.#self = cell.self;
    this.#loop = loop;
  }

  sendAfter(
    delayMs: number,
    target: ActorRef<unknown>,
    message: unknown,
  ): Timer {
    checkDelay("a delay", delayMs, false);
    checkRef(target, "sendAfter");
    return this.#own(
      this.#loop.timers.sendLater(target, message, this.#self, delayMs, 0),
    );
  }

  sendEvery(
    intervalMs: number,
    target: ActorRef<unknown>,
    message: unknown,
    options: RepeatOptions,
  ): Timer {
    const initial = checkRepeat(intervalMs, options);
    checkRef(target, "sendEvery");
    return this.#own(
      this.#loop.timers.sendLater(
        target,
        message,
        this.#self,
        initial,
        intervalMs,
      ),
    );
  }

  /**
   * Sets (or with `null` clears) the receive timeout, in place of the one set before.
   * @returns the receive timeout now on, if any: the cell notes each message's arrival in it.
   */
  setReceiveTimeout(ms: number | null): ReceiveTimeoutWatch | null {
    if (ms !== null) checkDelay("a receive timeout", ms, true);
    this.#receiveTimeout?.cancel();
    return this.#receiveTimeout = ms === null
      ? null
      : new ReceiveTimeoutWatch(this.#cell, ms, this.#loop, this);
  }

  /** Calls `fire` in `ms` (on the loop's thread), unless cancelled first. */
  schedule(ms: number, fire: () => void): LoopTimer {
    return this.#own(this.#loop.timers.schedule(ms, 0, fire));
  }

  /**
   * Cancels every timer still to fire, and the receive timeout (the actor stopped, or the
   * instance that set them went).
   */
  cancelAll(): void {
    this.#receiveTimeout?.cancel();
    this.#receiveTimeout = null;
    for (const timer of [...this.#live]) timer.cancel();
  }

  #own(timer: LoopTimer): LoopTimer {
    this.#live.add(timer);
    timer.onDone = this.#forget;
    return timer;
  }
}

/**
 * A receive timeout that is on: the actor gets `ReceiveTimeout` (through its mailbox) each time
 * it has had no other message for `ms`. The cell notes in {@link lastActivity} when each message
 * begins and when each handler ends: quiet is counted from the end of the last one, not its
 * start, so a handler longer than `ms` does not earn the actor a timeout at once. One sent while
 * a message waited in the mailbox is stale when it comes ({@link stale}) and is not handled.
 */
export class ReceiveTimeoutWatch {
  /** When the actor last got a message, or a handler of it ended (performance.now()). */
  lastActivity: number;
  readonly #cell: ActorCell;
  readonly #ms: number;
  readonly #loop: CellLoop;
  readonly #timers: CellTimers;
  readonly #due = () => this.#check();
  #timer: LoopTimer | null;
  #on = true;

  constructor(cell: ActorCell, ms: number, loop: CellLoop, timers: CellTimers) {
    this.#cell = cell;
    this.#ms = ms;
    this.#loop = loop;
    this.#timers = timers;
    this.lastActivity = loop.now || performance.now();
    this.#timer = timers.schedule(ms, this.#due);
  }

  /** Turns it off (it was set again, cleared, or the actor stops or restarts). */
  cancel(): void {
    this.#on = false;
    this.#timer?.cancel();
    this.#timer = null;
  }

  /**
   * Whether `timeout`, arriving now, is news of no quiet: the runtime sent it (user code's have
   * no time), and the actor got a message since (it had waited in the mailbox, ahead of it).
   */
  stale(timeout: ReceiveTimeout): boolean {
    return timeout.at !== 0 && this.lastActivity > timeout.at;
  }

  /** The timer is due: quiet long enough, or check again later. */
  #check(): void {
    const ms = this.#ms;
    const state = this.#cell.state;
    if (!this.#on || state === CellState.Stopped) return;
    const now = this.#loop.now || performance.now();
    // An async handler still running is no quiet: look again once it could have been.
    const idle = state === CellState.Busy ? 0 : now - this.lastActivity;
    if (idle >= ms) {
      this.lastActivity = now;
      // Through the mailbox, in order with the actor's other messages.
      this.#loop.courier.deliver(
        this.#cell.self,
        new ReceiveTimeout(now),
        null,
        0,
        true,
      );
    }
    const wait = idle >= ms ? ms : ms - idle;
    this.#timer = this.#timers.schedule(wait, this.#due);
  }
}
