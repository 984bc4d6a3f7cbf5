/**
 * How a courier is set up (see courier.ts), and where it reports what it cannot deliver.
 *
 * @module
 */

import type { Undelivered } from "../actor/mod.ts";
import type { Arena, Mailbox } from "../ring/mod.ts";
import type { Directory } from "./directory.ts";
import type { Probe } from "./probe.ts";
import type { MessageTracing } from "./tracing.ts";
import type { Transport } from "./transport.ts";

/** Where a courier reports what it cannot deliver. */
export interface DeadLetterSink {
  /** A message was not delivered (`undefined`: it could not be decoded). */
  deadLetter(lost: Undelivered): void;
}

/** How a courier is set up. */
export interface CourierOptions {
  arena: Arena;
  directory: Directory;
  /** The thread id written into the records this courier reserves. */
  threadId: number;
  /** Whether a send may block the thread while a mailbox is full (Workers: yes). */
  blocking: boolean;
  /** Default milliseconds a send waits for room in a full mailbox. */
  sendTimeout: number;
  /** The largest message; those larger than a mailbox travel in a block of their own. */
  maxMessageBytes: number;
  /**
   * Names actors for errors and `toString` before the directory's names do (undefined: ask
   * those): the system's registry, which also names an ended actor whose slot was reused.
   */
  describe?: (slot: number, generation: number) => string | undefined;
  /**
   * Why the actor of `slot` and `generation` ended, when this thread knows (the system's: its
   * registry), for the dead letters of what is sent to it after: a call to an actor whose start
   * failed says why, not only that it is not running.
   */
  endReason?: (slot: number, generation: number) => string | undefined;
  /** Where records that leave this thread go. Default: shared memory. */
  transport?: Transport<Mailbox>;
  /** Who is told of each send and dead letter. Default: nobody (NO_PROBE). */
  probe?: Probe;
  /** This process's node id in its cluster; 0 (the default) outside a cluster. */
  node?: number;
  /** Whose trace context each send carries (see tracing.ts). Default: none. */
  tracing?: MessageTracing | null;
}
