/**
 * Lingering: the two cells whose mailboxes a receive loop drained last (a chatty pair of actors
 * on one Worker), kept SCHEDULED while the loop spins. Their next message is likely close, and
 * producers of a SCHEDULED mailbox only publish — no compare-exchange, no ready-queue push: ~5
 * cache lines fewer moving between cores per message. They are let go (made IDLE) before the
 * loop parks, or when other mailboxes take their place. Only on the loop's thread.
 *
 * @module
 */

import type { ActorCell } from "../actor/mod.ts";
import type { Fifo } from "../util/fifo.ts";

/** Ends a cell's turn: IDLE unless it has work (local mail keeps it SCHEDULED). */
function endTurn(cell: ActorCell): boolean {
  return cell.hasLocal || cell.mailbox.endTurn();
}

/** Whether a cell has something to serve: local mail, or a record in its mailbox. */
function hasWork(cell: ActorCell): boolean {
  return cell.hasLocal || cell.mailbox.hasRecord();
}

/** The lingering cells of one loop; cells with work go to the back of its run queue. */
export class Lingering {
  #first: ActorCell | null = null;
  #second: ActorCell | null = null;

  constructor(readonly runQueue: Fifo<ActorCell>) {}

  /** Whether `cell` lingers. */
  has(cell: ActorCell): boolean {
    return cell === this.#first || cell === this.#second;
  }

  /** Whether a lingering cell has work (cheap enough for a spin loop). */
  haveWork(): boolean {
    return (this.#first !== null && hasWork(this.#first)) ||
      (this.#second !== null && hasWork(this.#second));
  }

  /**
   * Queues the lingering cells with local mail, behind the cells already waiting, so a busy
   * loop stays fair. Local mail is seen for free (a ring costs an atomic load: see
   * queueWithRecords).
   */
  queueWithLocal(): void {
    const first = this.#first;
    if (first !== null && first.hasLocal) {
      this.#first = null;
      this.runQueue.push(first);
    }
    const second = this.#second;
    if (second !== null && second.hasLocal) {
      this.#second = null;
      this.runQueue.push(second);
    }
  }

  /** Queues the lingering cells that have a record in their ring. */
  queueWithRecords(): void {
    const first = this.#first;
    if (first !== null && first.mailbox.hasRecord()) {
      this.#first = null;
      this.runQueue.push(first);
    }
    const second = this.#second;
    if (second !== null && second.mailbox.hasRecord()) {
      this.#second = null;
      this.runQueue.push(second);
    }
  }

  /** Keeps `cell` scheduled while the loop spins; lets the one kept longest go if need be. */
  add(cell: ActorCell): void {
    if (cell === this.#first || cell === this.#second) return;
    const oldest = this.#second;
    this.#second = this.#first;
    this.#first = cell;
    if (oldest !== null && endTurn(oldest)) this.runQueue.push(oldest);
  }

  /**
   * Lets the lingering cells' mailboxes go IDLE, so their producers queue them from now on.
   * @returns true when one had work after all (it is then in the run queue).
   */
  letGo(): boolean {
    const first = this.#first;
    const second = this.#second;
    this.#first = this.#second = null;
    let work = false;
    if (first !== null && endTurn(first)) {
      this.runQueue.push(first);
      work = true;
    }
    if (second !== null && endTurn(second)) {
      this.runQueue.push(second);
      work = true;
    }
    return work;
  }
}
