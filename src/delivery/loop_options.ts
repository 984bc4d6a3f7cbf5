/**
 * What a receive loop is told when it is made, and where it sends the replies to its thread's
 * asks.
 *
 * @module
 */

import type { ActorRef, StatCounters } from "../actor/mod.ts";
import type { Flag, SpinPolicy } from "../ring/mod.ts";

/** See {@link ReceiveLoopOptions.remoteSpin}: a request, or a few, not a run of a busy link. */
export const QUIET_REMOTE_RECORDS = 4;
/**
 * See {@link ReceiveLoopOptions.remoteSpin}: the loop waited this long (ms) before a quiet
 * request came. Requests closer together are a busy link's, which keep the cores busy too.
 */
export const QUIET_REMOTE_GAP_MS = 0.15;
/**
 * See {@link ReceiveLoopOptions.remoteSpin}: this many quiet requests in a row, nothing else from
 * the rings in between (the thread's own work — a timer, an async handler going on — neither
 * breaks the streak nor needs a request: the wait after it spins long too, unless
 * {@link QUIET_REMOTE_END_MS} have passed). 64 pairs of actors ping-ponging across processes on 2
 * cores had runs of a few records now and then, and a long spin after each took ~20–35 % of their
 * round trips a second (it held a core the threads it waited for needed); in a row, they are too
 * rare to count.
 */
export const QUIET_REMOTE_STREAK = 8;
/**
 * See {@link ReceiveLoopOptions.remoteSpin}: a wait this long (ms), from the last records from
 * another node to the next work, says the calls stopped (or come too far apart for a spin to
 * catch the next): the streak ends. A wait shorter than that, after a spin that missed, keeps it:
 * a call slower than the rest now and then must not cost the next eight theirs.
 */
export const QUIET_REMOTE_END_MS = 5;

/** How a receive loop runs. */
export interface ReceiveLoopOptions {
  /** Messages handled from one mailbox before moving to the next ready one. Default 64. */
  batch?: number;
  /** Milliseconds of continuous work before yielding to the event loop. Default 5. */
  sliceMs?: number;
  /** The thread's spin policy. Default: a new one with default budgets. */
  spin?: SpinPolicy;
  /**
   * The spin policy of a wait that follows quiet requests from another node: at least
   * {@link QUIET_REMOTE_STREAK} in a row, each at most {@link QUIET_REMOTE_RECORDS} records from
   * the rings since the loop last waited, one of them sent from another node, after a wait of
   * {@link QUIET_REMOTE_GAP_MS} or more. The next such request is likely within a network round
   * trip, and waking this thread from a park costs a large share of one (60–90 µs of a ~300 µs
   * call across processes through NATS on loopback, 2 cores). Such a spin lasts 2 ms at most by
   * the clock, ends when the loop's next timer is due, and none is made while a handler awaits
   * something. For Workers only: the spin
   * holds the thread. Default: none (the thread's spin, as for any wait).
   */
  remoteSpin?: SpinPolicy;
  /** See {@link QUIET_REMOTE_END_MS}, its default. */
  remoteStreakEndMs?: number;
  /**
   * Whether this loop takes the mailboxes its own thread makes ready directly, past the shared
   * ready queue (one loop per thread may; see `Mailbox.ownDoorbell`). Default false.
   */
  local?: boolean;
  /**
   * Milliseconds the loop may sleep blocked (`Atomics.wait`) when it has nothing to do and no
   * handler of its awaits anything, before it parks with `Atomics.waitAsync`, which leaves the
   * event loop free. A blocked thread wakes at a ring in ~20 µs here; one waiting
   * asynchronously is woken through its event loop, ~30 µs later (measured with a message every
   * ~300 µs, as a remote call brings). Its cost: the thread's own timers and I/O callbacks wait
   * up to this long. For Workers only, never the main thread. Default 0: never blocked.
   */
  blockedParkMs?: number;
  /**
   * Up to two flags another thread sets when it gives this thread up for dead (its Worker
   * terminated): either set means given up. Deno's `Worker.terminate()` does not interrupt running
   * JavaScript: a Worker given up in the middle of a long handler runs that handler to its end,
   * and then would serve on while the system recovers what it held. So the loop reads the flags
   * (plain reads) after each handler, when it reads its clock and when it wakes, and once one is
   * set stops at once, touching nothing more. Default: none.
   */
  abandoned?: readonly Flag[];
  /**
   * Where the thread's own counters go (`ActorStat.ThreadHandled`, `ThreadParkedMs`): a Worker's
   * agent mailbox, for `ActorSystem.inspect()`. Default: not counted.
   */
  threadCounters?: StatCounters;
}

/**
 * Where the records with a reply tag that come to one cell of a loop go, instead of to its
 * actor: the answers to this thread's asks (see `ActorContext.ask`), read whatever state the
 * thread's other actors are in.
 */
export interface ReplyDesk {
  /** A record with reply tag `tag` (a reply, or news that its request was undeliverable). */
  replied(
    tag: number,
    message: unknown,
    sender: ActorRef<unknown> | null,
  ): void;
  /** A record with reply tag `tag` could not be decoded. */
  undecodable(tag: number, error: unknown): void;
}

/** Resolves on the next macrotask, letting timers, I/O and other tasks run first. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    // A MessageChannel task, not setTimeout(0): nested timers are clamped to 4 ms.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
    channel.port2.close();
  });
}
