/**
 * What a cell (one actor's runtime, actor_cell.ts) is given by the thread it lives in: the host
 * (the system's side: dead letters, failures, children, watches, asks) and the loop that serves
 * it; with the words both sides share: the cell's states, who supervises it, what was failing.
 *
 * @module
 */

import type { ClassInfo } from "../codec/mod.ts";
import type { ActorClass, ChildOptions, Received } from "./actor.ts";
import type { ActorCell } from "./actor_cell.ts";
import type { ActorRef, Courier } from "./actor_ref.ts";
import type { Undelivered } from "./messages.ts";
import type { SupervisionStrategy } from "./supervision.ts";
import type { LoopTimers } from "./timers.ts";

/** What a cell needs from the system it lives in (one per system and thread). */
export interface CellHost {
  /** A message that will never be handled: counted and reported as a dead letter. */
  deadLetter(lost: Undelivered): void;
  /**
   * A handler threw while handling `message` (or, for an {@link Activity}, a hook or a child
   * failed). `restartedAt`: when its supervisor restarted it for this failure (see
   * restartClock; 0: it did not), which the system counts too, so that a restart after the
   * death of the actor's Worker respects the same limit.
   */
  handlerFailed(cell: ActorCell, message: unknown, error: unknown, restartedAt?: number): void;
  /** The actor has stopped (see {@link ActorCell.endKind}): its mailbox is closed and drained. */
  stopped(cell: ActorCell): void;
  /** Starts a child of `parent`'s actor; returns its ref at once. */
  spawnChild(
    parent: ActorCell,
    actorClass: ActorClass,
    options: ChildOptions,
    args: unknown[],
  ): ActorRef<unknown>;
  /** `watcher` wants `Terminated` when `target` ends. */
  watch(watcher: ActorCell, target: ActorRef<unknown>): void;
  /**
   * `watcher` no longer watches `target`; `ended`: its watch ended with the `Terminated` it got
   * (only the system's own record of it goes, nothing is asked of the target's side).
   */
  unwatch(watcher: ActorCell, target: ActorRef<unknown>, ended?: boolean): void;
  /**
   * Sends `request` to `target` on behalf of `asker`'s actor and settles with the reply, or
   * with the error a Bridge call would get (see ActorContext.ask); `timeout` is checked.
   * Missing where actors cannot ask (the system's own thread).
   */
  ask?(
    asker: ActorCell,
    target: ActorRef<unknown>,
    request: unknown,
    timeout: number,
  ): Promise<unknown>;
}

/** What a cell needs from the loop that serves it. */
export interface CellLoop {
  /** Waits up to `timeoutMs` for the cell's next message; `null` on timeout or when closed. */
  receiveFor(cell: ActorCell, timeoutMs: number): Received | null;
  /** The loop's timers. */
  readonly timers: LoopTimers;
  /** The loop's clock, as last read (every few messages, after each slow one). */
  readonly now: number;
  /** The loop's courier. */
  readonly courier: Courier;
  /**
   * Queues a message from the loop's own thread for `cell` and gets the cell served. `trace`:
   * the trace context it carries (delivery's, opaque here), null for none; `cls`: the registered
   * class it is a plain instance of, null when not known (see ActorCell.deliver).
   */
  postLocal(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    trace: object | null,
    cls: ClassInfo | null,
  ): void;
  /** Counts `count` stashed messages with the cell's local mail (they die with the thread). */
  setStashed(cell: ActorCell, count: number): void;
  /** The cell's mailbox closed: this thread's sends to it go through the ring from now on. */
  closeLocal(cell: ActorCell): void;
  /**
   * Puts stashed (message, sender) pairs (flat, oldest first) in front of the cell's local mail,
   * in that order, and gets the cell served.
   */
  unstash(cell: ActorCell, entries: readonly unknown[]): void;
  /**
   * Puts (message, sender) pairs (flat, oldest first) in front of the cell's local mail, in that
   * order, and gets the cell served; what it stashed is left as it is.
   */
  putFirst(cell: ActorCell, entries: readonly unknown[]): void;
}

/** What the cell reads of the local mail its loop keeps for it. */
export interface LocalQueue {
  /** Messages waiting. */
  readonly length: number;
}

/** What an actor was doing when it failed, when it was not handling a message. */
export class Activity {
  constructor(readonly label: string) {}
}

/** Who supervises a cell: its parent (`null`: the system) and the strategy that applies. */
export interface Supervision {
  readonly parent: ActorRef<unknown> | null;
  readonly strategy: SupervisionStrategy;
  /**
   * Times of the actor's recent restarts (see restartClock), oldest first, when it starts again
   * after its Worker died: they count towards its strategy's limit. Default none.
   */
  readonly restarts?: readonly number[] | null;
}

/** The supervision of an actor spawned by the system with no strategy of its own. */
export const UNSUPERVISED: Supervision = { parent: null, strategy: {} };

/** Where a cell is in its life. */
export const CellState = {
  /** Constructed or running `preStart`; messages wait. */
  Starting: 0,
  /** Handling messages. */
  Running: 1,
  /** An async handler (or hook) has not settled; messages wait. */
  Busy: 2,
  /** Got `Stop`: running `postStop`, then answering `Stopped`. */
  Stopping: 3,
  /** Done; its mailbox is closed and drained. */
  Stopped: 4,
} as const;
/** One of {@link CellState}'s values. */
export type CellState = typeof CellState[keyof typeof CellState];

/** Whether a cell in `state` is on its way out (or gone): it takes on nothing new. */
export function isEnding(state: CellState): boolean {
  return state === CellState.Stopping || state === CellState.Stopped;
}
