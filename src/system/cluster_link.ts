/**
 * The seam between the system and its cluster link (src/remote/): what each needs of the other,
 * declared once, here. The system loads the link's module by a URL computed at run time (see
 * cluster.ts), and this file imports nothing of src/remote/, so that no program's module graph
 * reaches the NATS client unless it joins a cluster; the link's side names these types, so that
 * the compiler holds both sides to them (they were written twice, and could drift apart
 * unchecked across the dynamic import).
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { Directory, SystemCourier } from "../delivery/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import type { ClusterOptions, ClusterStatus } from "./options.ts";

/** What the link needs of its system. */
export interface LinkHost {
  /** This node's id. */
  readonly node: number;
  /** The cluster's name. */
  readonly cluster: string;
  /** The cluster's subject prefix. */
  readonly prefix: string;
  /** The system thread's courier. */
  readonly courier: SystemCourier;
  readonly directory: Directory;
  /** The system thread's handle on the outbox, bound to its doorbell. */
  readonly outbox: Mailbox;
  /** The system's guardian: where control messages from other nodes go. */
  readonly guardian: ActorRef<unknown>;
  /** Starts an actor here for another node (see RemoteSpawn); resolves to the answer to send. */
  spawnHere(request: unknown): Promise<unknown>;
  /** Whether the actor `ref` names, one of this node's, is starting or running (see names.ts). */
  running(ref: ActorRef<unknown>): boolean;
  /**
   * A call whose reply goes to a Bridge or an ask of node `from` (its slot, generation and tag)
   * came for this node's actor `slot`.`generation`: that node hears if the actor loses its Worker
   * with it (CallsLost).
   */
  calledFromAfar(
    slot: number,
    generation: number,
    from: number,
    replySlot: number,
    replyGeneration: number,
    tag: number,
  ): void;
  /** `count` records from node `from` were lost on the way (a gap in its sequence numbers). */
  lost(from: number, count: number): void;
  /** `count` records from node `from` were refused, because of `why` (see BatchReceiver). */
  refused(from: number, count: number, why: string): void;
}

/** What the system uses of its cluster link (src/remote/link.ts's ClusterLink). */
export interface SystemLink {
  readonly names: {
    register(name: string, ref: ActorRef<unknown>): Promise<void>;
    release(name: string, ref: ActorRef<unknown>): Promise<void>;
    lookup(name: string, timeoutMs: number): Promise<ActorRef<unknown>>;
  };
  readonly peers: {
    onDown(listener: (node: number, reason: string) => void): () => void;
    downReason(node: number): string | undefined;
    onAnswer(listener: (node: number) => void): () => void;
  };
  status(): ClusterStatus;
  /** @internal How many entries its per-node and per-operation state holds (see sizes). */
  sizes(): Record<string, number>;
  spawnThere(node: number, request: unknown, timeoutMs: number): Promise<unknown>;
  control(node: number, message: unknown): number | null;
  controlState(node: number, sequence: number): "taken" | "waiting" | "sent";
  onReachedAgain(listener: (node: number) => void): void;
  kick(): void;
  /** @returns how many messages that never left this node it reported as dead letters. */
  close(): Promise<number>;
}

/** The link module's entry point (src/remote/mod.ts's `joinCluster`): joins, or throws. */
export type JoinCluster = (host: LinkHost, options: ClusterOptions) => Promise<SystemLink>;
