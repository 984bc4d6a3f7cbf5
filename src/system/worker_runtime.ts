/**
 * What one Worker of an actor system holds: its arena handles, courier, receive loop and the
 * names of the actors it hosts. Also the loop's host: where handler failures and stopped actors
 * are reported (to the guardian on the main thread).
 *
 * @module
 */

import { type ActorCell, ActorRef, type CellHost, type ReceiveLoop } from "../actor/mod.ts";
import type { Arena, Mailbox } from "../ring/mod.ts";
import { ActorStopped, HandlerFailed } from "./control.ts";
import { describeMessage, type SystemCourier } from "./courier.ts";
import type { Directory } from "./directory.ts";
import type { MailboxPool } from "./mailbox_pool.ts";

/** A copy of a thrown value that the codec can always carry (user errors may hold anything). */
export function portableError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`a non-Error value was thrown: ${String(error)}`);
  const copy = new Error(error.message);
  copy.name = error.name;
  copy.stack = error.stack;
  return copy;
}

/** The state of the actor system inside one Worker. */
export class WorkerRuntime implements CellHost {
  readonly arena: Arena;
  readonly directory: Directory;
  readonly pool: MailboxPool;
  readonly courier: SystemCourier;
  readonly guardian: ActorRef<unknown>;
  readonly names = new Map<number, string>();
  /** Whether the worker ends when its last actor stops (a spawn's own worker). */
  readonly dedicated: boolean;
  loop!: ReceiveLoop;
  /** The worker agent's cell. */
  agent: ActorCell | null = null;
  /** Set when the system closed the agent's mailbox: it is discarding this worker. */
  discarded = false;
  /** Actors started or being started here (the agent not counted). */
  hosted = 0;

  constructor(
    arena: Arena,
    directory: Directory,
    pool: MailboxPool,
    courier: SystemCourier,
    guardian: ActorRef<unknown>,
    dedicated: boolean,
  ) {
    this.arena = arena;
    this.directory = directory;
    this.pool = pool;
    this.courier = courier;
    this.guardian = guardian;
    this.dedicated = dedicated;
  }

  deadLetter(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    reason: string,
  ): void {
    this.courier.deadLetter(target, sender, message, reason);
  }

  handlerFailed(cell: ActorCell, message: unknown, error: unknown): void {
    const report = new HandlerFailed(
      cell.self,
      cell.name,
      describeMessage(message),
      portableError(error),
    );
    this.courier.deliver(this.guardian, report, null);
  }

  stopped(cell: ActorCell): void {
    if (cell === this.agent) {
      // Only the system closes an agent's mailbox: when it discards the worker (it died, or
      // the system is shutting down). The system owns what is left; just stop.
      this.discarded = true;
      this.loop.close();
      return;
    }
    const { slot, generation } = cell.self;
    this.names.delete(slot);
    this.retire(cell.self, cell.mailbox, "its actor has stopped");
    this.courier.deliver(this.guardian, new ActorStopped(slot, generation), null);
    this.hosted--;
    this.exitIfEmpty();
  }

  /** Ends a worker that was started for one actor, once that actor is gone. */
  exitIfEmpty(): void {
    if (this.dedicated && this.hosted === 0) this.loop.close();
  }

  /**
   * Hands back the slot and mailbox of an actor of this worker that is gone: closes the
   * mailbox, makes dead letters of what is still in it, and recycles both. Only the thread that
   * receives from a mailbox may do this.
   */
  retire(self: ActorRef<unknown>, mailbox: Mailbox, reason: string): void {
    mailbox.close();
    this.loop.drainDeadLetters(mailbox, self, reason);
    mailbox.unbind();
    this.pool.release(mailbox);
    this.directory.free(self.slot);
  }

  /** A ref to `slot`'s current actor, sending through this worker's courier. */
  ref(slot: number, generation: number): ActorRef<unknown> {
    return new ActorRef(slot, generation, 0, this.courier);
  }
}
