/**
 * The Workers of an actor system, as the system's thread sees them: what it remembers of each,
 * and how one is started (its one `postMessage`: the bootstrap).
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import type { Bootstrap } from "./worker_main.ts";

/** A Worker of the system. */
export interface WorkerHandle {
  readonly worker: Worker;
  readonly threadId: number;
  readonly agent: ActorRef<unknown>;
  readonly agentMailbox: Mailbox;
  /** Slots of the actors it hosts (started or starting). */
  readonly actors: Set<number>;
  /** Whether it was started for one actor (it ends when that actor does). */
  readonly dedicated: boolean;
  /** Ids of the classes defined in this worker. */
  readonly classes: Set<number>;
  dead: boolean;
}

/** JavaScript, so that Deno does not type-check the runtime again per Worker (see the file). */
const WORKER_MODULE = new URL("./worker_entry.js", import.meta.url);

/** What happens to a Worker, for the system to act on. */
export interface WorkerEvents {
  /** It died by itself: an uncaught error, or its bootstrap could not be read. */
  died(handle: WorkerHandle, reason: string): void;
}

/**
 * Starts a Worker and posts it its bootstrap.
 * @throws whatever `new Worker` throws (permissions, resources).
 */
export function startWorker(
  boot: Bootstrap,
  agent: ActorRef<unknown>,
  agentMailbox: Mailbox,
  events: WorkerEvents,
): WorkerHandle {
  const worker = new Worker(WORKER_MODULE, {
    type: "module",
    name: `ringmail worker ${boot.threadId}`,
  });
  const handle: WorkerHandle = {
    worker,
    threadId: boot.threadId,
    agent,
    agentMailbox,
    actors: new Set(),
    dedicated: boot.dedicated,
    classes: new Set(),
    dead: false,
  };
  worker.onerror = (event) => {
    // Handled here, not passed up: an error in a Worker must not end the program.
    event.preventDefault();
    events.died(handle, `an uncaught error: ${event.message}`);
  };
  worker.onmessageerror = () => events.died(handle, "it could not read its bootstrap");
  worker.postMessage(boot);
  return handle;
}
