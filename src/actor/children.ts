/**
 * The children of one actor (Pekko's dungeon `Children`): which are still its own, so that news
 * of a child from before a restart, or of an earlier actor in a child's slot, is ignored; and
 * stopping them all when their parent stops or restarts.
 *
 * @module
 */

import type { ActorRef, Courier } from "./actor_ref.ts";
import { Stop } from "./messages.ts";

/** An actor's children that have not gone yet, by slot. Made on its first spawn. */
export class Children {
  readonly #bySlot = new Map<number, ActorRef<unknown>>();

  /** The children, in the order spawned. */
  list(): ActorRef<unknown>[] {
    return [...this.#bySlot.values()];
  }

  add(child: ActorRef<unknown>): void {
    this.#bySlot.set(child.slot, child);
  }

  /** Whether `child` is one of these children (not an earlier actor of its slot). */
  has(child: ActorRef<unknown> | null): child is ActorRef<unknown> {
    return child !== null &&
      this.#bySlot.get(child.slot)?.generation === child.generation;
  }

  /** `child` has gone (its `ChildGone` came): forgets it, if it is one of these. */
  gone(child: ActorRef<unknown> | null): void {
    if (this.has(child)) this.#bySlot.delete(child.slot);
  }

  /** Sends each child `Stop`; their parent forgets them (it is stopping or restarting). */
  stopAll(courier: Courier): void {
    // No sender: a child's Stopped would only come back as a dead letter.
    for (const child of this.#bySlot.values()) {
      courier.deliver(child, new Stop(), null, 0, true);
    }
    this.#bySlot.clear();
  }
}
