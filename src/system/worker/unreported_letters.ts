/**
 * A Worker's dead-letter reports that found the guardian's mailbox full: kept, counted, and told
 * later (see {@link UnreportedLetters}).
 *
 * @module
 */

import type { ActorRef } from "../../actor/mod.ts";
import type { SystemCourier } from "../../delivery/mod.ts";
import { DeadLetterNotice } from "../control.ts";
import type { KeptReports } from "./worker_runtime.ts";

/** A report of several dead letters carries none of their messages. */
const NO_MESSAGE = new Uint8Array(0);

/** How long the reports of dead letters wait for room in the guardian's mailbox, between tries. */
const UNREPORTED_RETRY_MS = 5;

/** Dead letters of one actor and kind whose reports wait for room in the guardian's mailbox. */
interface Unreported {
  target: ActorRef<unknown> | null;
  messageClass: string;
  kind: DeadLetterNotice["kind"];
  reason: string;
  count: number;
}

/**
 * The dead letters a Worker could not tell the guardian of at once (its mailbox was full: a flood
 * of them, each report carrying its message): kept as one count per actor and kind, with the
 * first one's class and reason, and told as one report each (`count`, no message) as soon as
 * there is room — before any later one, and on a timer while no later one comes. The directory
 * counted each already; this makes `onDeadLetter` hear of each too.
 */
export class UnreportedLetters implements KeptReports {
  readonly #courier: SystemCourier;
  readonly #guardian: ActorRef<unknown>;
  readonly #waiting = new Map<string, Unreported>();
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(courier: SystemCourier, guardian: ActorRef<unknown>) {
    this.#courier = courier;
    this.#guardian = guardian;
  }

  /** Keeps one more dead letter to tell of, and makes sure it is tried again. */
  add(
    target: ActorRef<unknown> | null,
    messageClass: string,
    kind: DeadLetterNotice["kind"],
    reason: string,
  ): void {
    const key = target === null
      ? kind
      : `${kind} ${target.node}.${target.slot}.${target.generation}`;
    const kept = this.#waiting.get(key);
    if (kept !== undefined) kept.count++;
    else this.#waiting.set(key, { target, messageClass, kind, reason, count: 1 });
    this.#schedule();
  }

  /** Tries again in a while (once: the timer tries for all). */
  #schedule(): void {
    if (this.#timer !== undefined) return;
    const timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.flush()) this.#schedule();
    }, UNREPORTED_RETRY_MS);
    // Never what keeps a Worker that is done from ending.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /**
   * Tells all that waits now, waiting for room (as the Worker's other reports do): before a report
   * that may be the Worker's last, which would otherwise leave these behind.
   */
  tellAll(): void {
    if (this.#waiting.size === 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Taken out first: a report that cannot be delivered (the system gave this Worker up) is a
    // dead letter, which the sink would keep here again.
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const letters of waiting) {
      this.#courier.deliver(this.#guardian, this.#notice(letters), null);
    }
  }

  /** Tells what waits, in the order it came, while there is room. @returns whether all was told. */
  flush(): boolean {
    for (const [key, letters] of this.#waiting) {
      if (!this.#courier.tryPost(this.#guardian, this.#notice(letters))) return false;
      this.#waiting.delete(key);
    }
    return true;
  }

  /** The report of `letters`: their count, no message. */
  #notice(letters: Unreported): DeadLetterNotice {
    return new DeadLetterNotice(
      letters.target,
      null,
      letters.messageClass,
      letters.kind,
      letters.reason,
      NO_MESSAGE,
      letters.count,
    );
  }
}
