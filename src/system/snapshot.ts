/**
 * What `ActorSystem.inspect()` returns: the system at one moment, read from counters that the
 * threads keep in shared memory as they work (see inspector.ts), so looking never stops an actor.
 *
 * @module
 */

import type { ActorRef, DeadLetterKind } from "../actor/mod.ts";
import type { LinkStatus } from "./options.ts";

/** How fast a counter moved, from the samples the system took while someone inspected it. */
export interface Rate {
  /** Per second, over about the last second (0 until there are two samples). */
  readonly lastSecond: number;
  /** Per second, over about the last ten seconds (or as far back as the samples go). */
  readonly lastTenSeconds: number;
}

/** The state of an actor, as the directory has it. */
export type ActorState = "starting" | "running" | "stopping" | "dead";

/** An actor's mailbox at the moment of the snapshot. */
export interface MailboxSnapshot {
  /** Bytes its waiting records take in the ring. */
  readonly usedBytes: number;
  /** Bytes the ring holds. */
  readonly capacityBytes: number;
  /**
   * Messages sent to it and not yet taken by its handler: those in the ring, and those its
   * thread holds in memory (mail from its own thread, or sends waiting for room).
   */
  readonly waiting: number;
}

/** The last failure of an actor's handler (or start). */
export interface FailureSnapshot {
  /** The error's message. */
  readonly message: string;
  /** The error's class name (`name`). */
  readonly errorName: string;
  /** The class of the message being handled (or "onStart" and the like). */
  readonly messageClass: string;
  /** When the system heard of it, in ms since the epoch. */
  readonly at: number;
}

/** One actor, as `inspect()` saw it. */
export interface ActorSnapshot {
  /** Its ref: send to it, call it, watch it. */
  readonly ref: ActorRef<unknown>;
  /** Its name (the class name unless it was spawned with one). */
  readonly name: string;
  /** Its class's name. */
  readonly className: string;
  /** The thread id of its Worker; 0 while it has none (its Worker died, its restart pending). */
  readonly worker: number;
  /** Its parent, or `null` for an actor the system spawned. */
  readonly parent: ActorRef<unknown> | null;
  /** Its children still alive. */
  readonly children: readonly ActorRef<unknown>[];
  /** Its state. */
  readonly state: ActorState;
  /** Its mailbox. */
  readonly mailbox: MailboxSnapshot;
  /** Messages its handlers took, since it started. */
  readonly handled: number;
  /** Messages its handlers sent, since it started. */
  readonly sent: number;
  /** How fast it handles messages. */
  readonly handledRate: Rate;
  /** Its handlers' failures (each one, whatever the supervisor then decided). */
  readonly failures: number;
  /** How often its supervisor restarted it. */
  readonly restarts: number;
  /** Its last failure, or `null`. */
  readonly lastFailure: FailureSnapshot | null;
}

/** One Worker, as `inspect()` saw it. */
export interface WorkerSnapshot {
  /** Its thread id (what {@link ActorSnapshot.worker} names). */
  readonly threadId: number;
  /** `"dedicated"`: started for one actor; `"pool"`: one of a pool's Workers. */
  readonly kind: "dedicated" | "pool";
  /** How many of the snapshot's actors it hosts. */
  readonly actors: number;
  /** Messages its actors took, since it started. */
  readonly handled: number;
  /** How fast its actors handle messages. */
  readonly handledRate: Rate;
  /** Milliseconds it has run since it started. */
  readonly upMs: number;
  /** Milliseconds of those it spent parked, waiting for mail. */
  readonly parkedMs: number;
  /** The share of the last second it was busy (not parked), 0 to 1. */
  readonly busy: number;
}

/** The whole system at one moment: what `ActorSystem.inspect()` returns. */
export interface SystemSnapshot {
  /** When it was taken, in ms since the epoch. */
  readonly at: number;
  /** Milliseconds since the system was made. */
  readonly upMs: number;
  /** Every running Worker (the idle spare not counted). */
  readonly workers: readonly WorkerSnapshot[];
  /** Every actor of this system that has not ended. */
  readonly actors: readonly ActorSnapshot[];
  /** Dead letters so far, in all and by kind (kinds with none left out). */
  readonly deadLetters: {
    readonly total: number;
    readonly byKind: Readonly<Partial<Record<DeadLetterKind, number>>>;
  };
  /** Bridge calls waiting for their replies, over all of the system's Bridges. */
  readonly pendingCalls: number;
  /** Messages all actors took, and how fast. */
  readonly handled: number;
  /** How fast all actors handle messages. */
  readonly handledRate: Rate;
  /**
   * This node's links to the other nodes of its cluster, as `clusterStatus()` has them (empty
   * outside a cluster).
   */
  readonly links: readonly LinkStatus[];
  /**
   * Whether this node's connection to the NATS server is up, as `clusterStatus().connected`;
   * null outside a cluster (and before it has joined).
   */
  readonly connected: boolean | null;
}
