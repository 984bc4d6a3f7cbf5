/**
 * Death watch (Pekko's dungeon `DeathWatch`): the actors one actor watches, so that it gets one
 * `Terminated` for each that ends, and none after it unwatched it (Akka's promise: even one that
 * was already on its way is dropped).
 *
 * @module
 */

import type { ActorCell } from "./actor_cell.ts";
import { actorKey, type ActorRef } from "./actor_ref.ts";
import type { CellHost } from "./cell_host.ts";

/** What one actor watches, by node, slot and generation. Made on its first watch. */
export class DeathWatch {
  readonly #watcher: ActorCell;
  readonly #host: CellHost;
  readonly #byKey = new Map<string, ActorRef<unknown>>();

  constructor(watcher: ActorCell, host: CellHost) {
    this.#watcher = watcher;
    this.#host = host;
  }

  /**
   * Watches `target` (watching twice is watching once).
   * @throws {TypeError} when `target` is the watcher, a reply address, or of another system.
   */
  watch(target: ActorRef<unknown>): void {
    const watcher = this.#watcher;
    if (target.equals(watcher.self)) {
      throw new TypeError(`${watcher.name} cannot watch itself`);
    }
    if (target.tag !== 0) {
      // No actor's end would ever be told for it: it would be found "not running" at once.
      throw new TypeError(
        `${watcher.name} cannot watch ${target}: it is the reply address of a call or an ask ` +
          `(a Bridge's, or an asking actor's), not an actor. To watch the asking actor, have it ` +
          `send its own ref (this.context.self) in the request`,
      );
    }
    if (target.courier !== watcher.self.courier) {
      throw new TypeError(
        `${target} belongs to another actor system than ${watcher.name}`,
      );
    }
    if (this.#watches(target)) return;
    this.#byKey.set(actorKey(target), target);
    this.#host.watch(watcher, target);
  }

  unwatch(target: ActorRef<unknown>): void {
    if (!this.#watches(target)) return;
    this.#byKey.delete(actorKey(target));
    this.#host.unwatch(this.#watcher, target);
  }

  /**
   * A `Terminated` for `actor` came: whether it is for an actor still watched (the handlers get
   * it; the actor is no longer watched) or not (it is dropped: unwatched since it was sent).
   */
  ended(actor: ActorRef<unknown> | null): boolean {
    if (actor === null || !this.#watches(actor)) return false;
    this.#byKey.delete(actorKey(actor));
    // The system keeps a record of a watch of another node's actor (to make it again after an
    // outage): it goes now.
    if (actor.node !== 0) this.#host.unwatch(this.#watcher, actor, true);
    return true;
  }

  /**
   * Unwatches the actors of other nodes (the watcher stops): their nodes forget it, and tell it
   * no end it would only take for a dead letter. The system forgets its own watchers' watches
   * as they end.
   */
  unwatchRemote(): void {
    for (const [key, target] of this.#byKey) {
      if (target.node === 0) continue;
      this.#byKey.delete(key);
      this.#host.unwatch(this.#watcher, target);
    }
  }

  /** Unwatches everything (the instance that watched is gone: a restart). */
  unwatchAll(): void {
    for (const target of this.#byKey.values()) {
      this.#host.unwatch(this.#watcher, target);
    }
    this.#byKey.clear();
  }

  #watches(target: ActorRef<unknown>): boolean {
    return this.#byKey.has(actorKey(target));
  }
}
