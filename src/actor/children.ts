/**
 * The children of one actor (Pekko's dungeon `Children`): which are still its own, so that news
 * of a child from before a restart, or of an earlier actor in a child's slot, is ignored; and
 * stopping them all when their parent stops or restarts.
 *
 * @module
 */

import type { ActorRef, Courier } from "./actor_ref.ts";
import { Stop } from "./messages.ts";

/**
 * Where a child is filed: by slot and generation, since a child's slot may be the next child's
 * before the news of the first one's end (its `Failed`, its `ChildGone`) has come.
 */
function keyOf(child: ActorRef<unknown>): string {
  return `${child.slot}.${child.generation}`;
}

/** An actor's children that have not gone yet, by slot and generation. Made on its first spawn. */
export class Children {
  readonly #byKey = new Map<string, ActorRef<unknown>>();

  /** The children, in the order spawned. */
  list(): ActorRef<unknown>[] {
    return [...this.#byKey.values()];
  }

  add(child: ActorRef<unknown>): void {
    this.#byKey.set(keyOf(child), child);
  }

  /** Whether `child` is one of these children (not an earlier actor of its slot). */
  has(child: ActorRef<unknown> | null): child is ActorRef<unknown> {
    return child !== null && this.#byKey.has(keyOf(child));
  }

  /** `child` has gone (its `ChildGone` came): forgets it, if it is one of these. */
  gone(child: ActorRef<unknown> | null): void {
    if (child !== null) this.#byKey.delete(keyOf(child));
  }

  /**
   * Sends each child `Stop`. A parent that restarts forgets them (`forget`): its fresh instance
   * has none. One that stops keeps them listed, for its postStop (they have not ended yet).
   */
  stopAll(courier: Courier, forget: boolean): void {
    // No sender: a child's Stopped would only come back as a dead letter.
    for (const child of this.#byKey.values()) {
      courier.deliver(child, new Stop(), null, 0, true);
    }
    if (forget) this.#byKey.clear();
  }
}
