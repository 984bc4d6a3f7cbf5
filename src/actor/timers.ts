/**
 * Timers of one thread's receive loop: messages sent later, once or repeatedly. They cost no
 * thread and no polling: the loop checks them when it reads its clock, and parks no longer than
 * until the next one is due.
 *
 * @module
 */

import { TimerEntry, TimerHeap } from "../util/timer_heap.ts";
import type { ActorRef, Courier } from "./actor_ref.ts";
import type { Undelivered } from "./messages.ts";
import { MailboxFullError } from "../ring/mod.ts";
import { notMsError } from "../util/timer_ms.ts";

/**
 * A scheduled message: cancel it before it fires (or stop a repeating one).
 *
 * @example
 * ```ts
 * import { Actor, type ActorRef, handles, type Timer } from "@ringmail/actors";
 *
 * export class Heartbeat extends Actor<string> {
 *   static readonly module = import.meta.url;
 *   #beat: Timer | null = null;
 *   @handles(String)
 *   onCommand(command: string, sender: ActorRef | null) {
 *     if (command === "start" && sender) this.#beat = this.context.sendEvery(1000, sender, "beat");
 *     if (command === "stop") this.#beat?.cancel();
 *   }
 * }
 * ```
 */
export interface Timer {
  /**
   * Cancels it; returns true if it was still going to fire. A message it sent before is not
   * taken back: one may still be in its target's mailbox (a handler that must see none after
   * cancelling checks {@link active}).
   */
  cancel(): boolean;
  /** Whether it will still fire (once more, at least). */
  readonly active: boolean;
}

/** Options of a repeating timer. */
export interface RepeatOptions {
  /** Milliseconds before the first message. Default: the interval. */
  initialDelay?: number;
}

/** What a timer does when due. */
type Fire = (timer: LoopTimer) => void;

/** A timer of a {@link LoopTimers}. */
export class LoopTimer implements Timer {
  readonly #owner: LoopTimers;
  readonly fire: Fire;
  /** 0 for a one-shot timer, else the period in ms. */
  readonly interval: number;
  entry: TimerEntry<LoopTimer> | null = null;
  /** Called when it is cancelled or done (to forget it). */
  onDone: ((timer: LoopTimer) => void) | null = null;

  constructor(owner: LoopTimers, fire: Fire, interval: number) {
    this.#owner = owner;
    this.fire = fire;
    this.interval = interval;
  }

  get active(): boolean {
    return this.entry !== null;
  }

  cancel(): boolean {
    return this.#owner.cancel(this);
  }
}

/**
 * Checks a repeating timer's interval and options (`sendEvery`); returns its first delay.
 * @throws {RangeError} for an interval that is not above 0, or an initial delay below 0.
 * @throws {TypeError} when the options are no object, or a delay no number.
 */
export function checkRepeat(intervalMs: number, options: RepeatOptions): number {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `a repeating timer's options must be an object ({ initialDelay }), got ${
        options === null ? "null" : typeof options
      }`,
    );
  }
  checkDelay("an interval", intervalMs, true);
  return checkDelay("an initial delay", options.initialDelay ?? intervalMs, false);
}

/**
 * Checks a delay or interval: a finite number of ms, at least 0 (or above 0 for an interval).
 * @throws {TypeError} when it is no number.
 * @throws {RangeError} when it is out of range.
 */
export function checkDelay(
  name: string,
  ms: number,
  positive: boolean,
): number {
  if (typeof ms !== "number") throw notMsError(name, ms);
  if (!(Number.isFinite(ms) && (positive ? ms > 0 : ms >= 0))) {
    throw new RangeError(
      `${name} must be a finite number of ms${positive ? " above 0" : ""}, got ${ms}`,
    );
  }
  return ms;
}

/** The timers of one receive loop. */
export class LoopTimers {
  readonly #heap = new TimerHeap<LoopTimer>();
  readonly #courier: Courier;
  /** Called when a new timer is due before every other: the loop may be parked longer. */
  readonly #onEarlier: () => void;
  readonly #onError: (error: unknown) => void;
  readonly #onUndelivered: ((lost: Undelivered) => void) | null;

  /**
   * @param courier how timers' messages are sent.
   * @param onEarlier called when a new timer is due before every other (wake a parked loop).
   * @param onError called with what a firing timer threw (it is reported, the others fire).
   * @param onUndelivered called with a timer's message that could not be sent when it fired
   * (its target's mailbox stayed full): a dead letter, not only an error in a log.
   */
  constructor(
    courier: Courier,
    onEarlier: () => void,
    onError: (error: unknown) => void,
    onUndelivered: ((lost: Undelivered) => void) | null = null,
  ) {
    this.#courier = courier;
    this.#onEarlier = onEarlier;
    this.#onError = onError;
    this.#onUndelivered = onUndelivered;
  }

  /** How many timers are pending. */
  get size(): number {
    return this.#heap.size;
  }

  /** Ms until the next timer is due (0 if one is due), or Infinity when there is none. */
  nextDelay(now: number): number {
    const first = this.#heap.peek();
    return first === undefined ? Infinity : Math.max(0, first.at - now);
  }

  /**
   * Sends `message` to `target` after `delayMs`, and every `interval` ms after that if
   * `interval` is above 0. The message is encoded now: later changes to it are not sent.
   */
  sendLater(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
    delayMs: number,
    interval: number,
  ): LoopTimer {
    const courier = this.#courier;
    const record = courier.encode(target, message, sender);
    return this.schedule(delayMs, interval, () => {
      try {
        courier.deliverEncoded(target, record, sender, message);
      } catch (error) {
        // Nobody called send to be told: the message is a dead letter, as the main thread's
        // would be (a Worker's send waits for room, then throws).
        const undelivered = this.#onUndelivered;
        if (!(error instanceof MailboxFullError) || undelivered === null) throw error;
        undelivered({
          target,
          sender,
          message,
          kind: "mailbox-full",
          reason: `a timer's message could not be sent: ${error.message}`,
        });
      }
    });
  }

  /** Calls `fire` after `delayMs` (and every `interval` ms after, if above 0). */
  schedule(delayMs: number, interval: number, fire: Fire): LoopTimer {
    const timer = new LoopTimer(this, fire, interval);
    timer.entry = this.#heap.push(
      new TimerEntry(performance.now() + delayMs, timer),
    );
    if (timer.entry.index === 0) this.#onEarlier();
    return timer;
  }

  /** Cancels `timer`; true if it was pending. */
  cancel(timer: LoopTimer): boolean {
    const entry = timer.entry;
    if (entry === null) return false;
    timer.entry = null;
    this.#heap.remove(entry);
    timer.onDone?.(timer);
    return true;
  }

  /**
   * Cancels every timer: their loop has stopped, so none would fire again (each is told, by its
   * `onDone`, as by a cancel; `active` is false after).
   */
  cancelAll(): void {
    for (
      let entry = this.#heap.popDue(Infinity);
      entry !== undefined;
      entry = this.#heap.popDue(Infinity)
    ) {
      const timer = entry.value;
      timer.entry = null;
      timer.onDone?.(timer);
    }
  }

  /** Fires every timer due by `now`, in deadline order (ties: in the order they were set). */
  fireDue(now: number): void {
    for (
      let entry = this.#heap.popDue(now);
      entry !== undefined;
      entry = this.#heap.popDue(now)
    ) {
      const timer = entry.value;
      if (timer.interval > 0) {
        // Repeating: the next one counts from when this one was due, so it does not drift; one
        // that fell a whole interval behind (a stall) skips what it missed, rather than firing
        // again in this very pass.
        const next = entry.at + timer.interval;
        entry.at = next > now ? next : now + timer.interval;
        this.#heap.push(entry);
      } else {
        timer.entry = null;
        timer.onDone?.(timer);
      }
      try {
        timer.fire(timer);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
