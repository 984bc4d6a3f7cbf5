/**
 * The Workers of an actor system, as the system's thread sees them: what it remembers of each,
 * and how one is started (its one `postMessage`: the bootstrap).
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import { couldNotStart } from "./errors.ts";
import type { StartBatch } from "./start_batch.ts";
import type { Bootstrap } from "./worker/worker_main.ts";

/** A Worker of the system. */
export interface WorkerHandle {
  /**
   * Null until its thread starts: a pool's replacement for a Worker that died young waits a
   * little (see pool_workers.ts), while its agent's mailbox already takes the actors placed in it.
   */
  worker: Worker | null;
  /** When its thread started (`performance.now()`); NaN until then. */
  startedAt: number;
  /** The timer of a start that waits. */
  startTimer: ReturnType<typeof setTimeout> | undefined;
  readonly threadId: number;
  readonly agent: ActorRef<unknown>;
  readonly agentMailbox: Mailbox;
  /** Whether it was started for one actor (it ends when that actor does). */
  readonly dedicated: boolean;
  /** Ids of the classes defined in this worker. */
  readonly classes: Set<number>;
  /** Starts not yet sent to it (see Spawner.start); null: none. */
  pendingStarts: StartBatch | null;
  dead: boolean;
}

/** JavaScript, so that Deno does not type-check the runtime again per Worker (see the file). */
const WORKER_MODULE = new URL("./worker/worker_entry.js", import.meta.url);

/** What happens to a Worker, for the system to act on. */
export interface WorkerEvents {
  /** It died by itself: an uncaught error, or its bootstrap could not be read. */
  died(handle: WorkerHandle, reason: string): void;
}

/**
 * Starts a Worker and posts it its bootstrap, at once or after `delayMs`.
 * @throws whatever `new Worker` throws (permissions, resources), when it starts at once; a
 * start that waited and failed is reported to `events.died`.
 */
export function startWorker(
  boot: Bootstrap,
  agent: ActorRef<unknown>,
  agentMailbox: Mailbox,
  events: WorkerEvents,
  delayMs = 0,
): WorkerHandle {
  const handle: WorkerHandle = {
    worker: null,
    startedAt: NaN,
    startTimer: undefined,
    threadId: boot.threadId,
    agent,
    agentMailbox,
    dedicated: boot.dedicated,
    classes: new Set(),
    pendingStarts: null,
    dead: false,
  };
  if (delayMs <= 0) {
    launch(handle, boot, events);
    return handle;
  }
  handle.startTimer = setTimeout(() => {
    handle.startTimer = undefined;
    try {
      launch(handle, boot, events);
    } catch (error) {
      events.died(handle, couldNotStart("it", error));
    }
  }, delayMs);
  return handle;
}

/** Ends a Worker's thread, or the wait before its start. */
export function stopWorker(handle: WorkerHandle): void {
  clearTimeout(handle.startTimer);
  handle.startTimer = undefined;
  handle.worker?.terminate();
}

function launch(
  handle: WorkerHandle,
  boot: Bootstrap,
  events: WorkerEvents,
): void {
  const worker = new Worker(WORKER_MODULE, {
    type: "module",
    name: `ringmail worker ${boot.threadId}`,
  });
  handle.worker = worker;
  handle.startedAt = performance.now();
  worker.onerror = (event) => {
    // Handled here, not passed up: an error in a Worker must not end the program.
    event.preventDefault();
    events.died(handle, `an uncaught error: ${event.message}`);
  };
  worker.onmessageerror = () => events.died(handle, "it could not read its bootstrap");
  worker.postMessage(boot);
}
