/**
 * Whether this thread is a Worker of an actor system. Actor modules are loaded again in every
 * Worker that hosts their actors, so top-level code in them runs there too; the flag lets the
 * system refuse to be made there, with the fix in the error, instead of spawning Workers from
 * Workers whose actors never start.
 *
 * @module
 */

let actorWorker = false;

/** Marks this thread as an actor system's Worker; its runtime calls it first. */
export function markActorWorker(): void {
  actorWorker = true;
}

/** Whether {@link markActorWorker} was called on this thread. */
export function isActorWorker(): boolean {
  return actorWorker;
}
