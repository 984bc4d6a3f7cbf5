/**
 * The starts waiting to go to one Worker at the end of the system's turn (see Spawner.start),
 * packed as StartActors carries them: four numbers a start, and an extra only for the few
 * starts that need more — a spawn costs no object of its own until its Worker starts it.
 *
 * @module
 */

import type { ActorRef, SupervisionStrategy } from "../actor/mod.ts";
import { START_IDS, StartActors, StartExtra } from "./control.ts";

/**
 * The most starts sent to a Worker in one StartActors: the Worker starts a spawning loop's
 * actors while it runs, and one message stays small (16 bytes a start).
 */
export const STARTS_PER_MESSAGE = 256;

/** Starts for one Worker, not sent yet. */
export class StartBatch {
  readonly #ids = new Int32Array(STARTS_PER_MESSAGE * START_IDS);
  readonly #extras: StartExtra[] = [];
  #count = 0;

  /** Whether it holds as many starts as one message takes. */
  get full(): boolean {
    return this.#count >= STARTS_PER_MESSAGE;
  }

  /**
   * Adds a start (StartActor's fields; an empty name, no arguments, no parent, no strategy and
   * no restarts are the common case, which takes no extra).
   */
  add(
    slot: number,
    generation: number,
    mailbox: number,
    classId: number,
    name: string,
    args: Uint8Array | null,
    parent: ActorRef<unknown> | null,
    strategy: SupervisionStrategy | null,
    restarts: number[] | null = null,
  ): void {
    const index = this.#count++;
    const ids = this.#ids;
    const at = index * START_IDS;
    ids[at] = slot;
    ids[at + 1] = generation;
    ids[at + 2] = mailbox;
    ids[at + 3] = classId;
    if (
      name !== "" || args !== null || parent !== null || strategy !== null || restarts !== null
    ) {
      this.#extras.push(new StartExtra(index, name, args, parent, strategy, restarts));
    }
  }

  /** The message that starts them, in the order added. Use a batch once: this is its end. */
  message(): StartActors {
    return new StartActors(this.#ids.subarray(0, this.#count * START_IDS), this.#extras);
  }
}
