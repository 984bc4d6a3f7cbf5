/**
 * Whether a receive loop is serving quiet requests from another node, one after another (a
 * sequential call across processes, say): then the next is likely one network round trip away,
 * and the loop looks for it longer before it parks (see ReceiveLoopOptions.remoteSpin). Only on
 * the loop's thread; no shared memory.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import { QUIET_REMOTE_GAP_MS, QUIET_REMOTE_RECORDS, QUIET_REMOTE_STREAK } from "./loop_options.ts";

/** One loop's streak of quiet requests from another node. */
export class QuietStreak {
  /** Records read from the rings since the loop last began to wait. */
  #records = 0;
  /** Whether one of those was sent from another node. */
  #fromAfar = false;
  /** When the loop last began to wait after records from another node; NaN: untimed. */
  #waitBegan = NaN;
  /** Whether the loop's last wait lasted QUIET_REMOTE_GAP_MS or more. */
  #quietBefore = false;
  /** Quiet requests in a row. */
  #streak = 0;

  /** @param endMs a wait this long from the last request ends the streak (see QUIET_REMOTE_END_MS). */
  constructor(readonly endMs: number) {}

  /** A record was read from a ring, sent by `sender`: one field store, and a compare. */
  read(sender: ActorRef<unknown> | null): void {
    this.#records++;
    if (sender !== null && sender.node !== 0) this.#fromAfar = true;
  }

  /**
   * The loop begins to wait for work. @returns whether it follows a streak of quiet requests:
   * the long spin. The clock is read only after records from another node, so a thread of this
   * process's traffic alone pays nothing for this.
   */
  waitBegins(): boolean {
    if (this.#records > 0) {
      const quiet = this.#fromAfar && this.#quietBefore && this.#records <= QUIET_REMOTE_RECORDS;
      this.#streak = quiet ? this.#streak + 1 : 0;
      this.#waitBegan = this.#fromAfar ? performance.now() : NaN;
      this.#fromAfar = false;
      this.#records = 0;
    }
    return this.#streak >= QUIET_REMOTE_STREAK;
  }

  /** Work came after a wait (a spin, or a park): how long was it? */
  waitEnded(): void {
    const began = this.#waitBegan;
    if (Number.isNaN(began)) {
      this.#quietBefore = false;
      return;
    }
    const waited = performance.now() - began;
    this.#quietBefore = waited >= QUIET_REMOTE_GAP_MS;
    if (waited >= this.endMs) this.#streak = 0;
  }
}
