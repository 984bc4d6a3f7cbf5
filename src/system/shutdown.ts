/**
 * A graceful shutdown: the system takes no new messages from outside its actors, asks each actor
 * to stop behind what was sent to it before — children before their parents — waits for them up
 * to a timeout, then cuts off what is left (its Workers are terminated, what was still meant for
 * it becomes dead letters) and reports exactly what stopped, what was cut off, and how many
 * messages it could not deliver.
 *
 * @module
 */

import { Stop, type TerminationKind } from "../actor/mod.ts";
import type { CutOffActor, ShutdownReport } from "./options.ts";
import type { ActorRecord } from "./registry.ts";
import type { SystemParts } from "./system_parts.ts";
import { beforeTimeout } from "../util/before_timeout.ts";

/** The system's shutdown: not begun, draining its actors, or done (its report). */
export class Shutdown {
  readonly #parts: SystemParts;
  #report: Promise<ShutdownReport> | null = null;
  #begun = false;
  /** Set while the actors are given time to finish: resolves once none is left. */
  #drained: (() => void) | null = null;
  /** Messages that became dead letters because of the shutdown. */
  #undelivered = 0;
  /** Actors that stopped by themselves while the shutdown waited for them. */
  #stopped = 0;
  /** Actors that ended otherwise meanwhile (failed, killed, their Worker died). */
  #ended = 0;
  /** What else closes with the system (its live views), once its actors are done. */
  readonly #alsoClose = new Set<() => Promise<void>>();

  constructor(parts: SystemParts) {
    this.#parts = parts;
  }

  /**
   * Whether the shutdown has begun: the system starts nothing new. Set before the shutdown's first
   * step, not with its report: with no actor left to wait for, the whole shutdown runs before its
   * report exists, and the Workers it ends would otherwise be healed (replaced) by their pools.
   */
  get begun(): boolean {
    return this.#begun;
  }

  /** Whether the actors are being given time to finish (they may still spawn children). */
  get draining(): boolean {
    return this.#drained !== null;
  }

  /** Begins the shutdown (once; later calls get the same report). */
  begin(timeout: number): Promise<ShutdownReport> {
    if (this.#report === null) {
      this.#begun = true;
      this.#report = this.#run(timeout);
    }
    return this.#report;
  }

  /**
   * Has `close` called when the system shuts down, once its actors have stopped or been cut off
   * (a live view shows them stopping); the report waits for it. Returns how to take it back.
   */
  alsoClose(close: () => Promise<void>): () => void {
    this.#alsoClose.add(close);
    return () => this.#alsoClose.delete(close);
  }

  /** Counts messages that became dead letters because the shutdown cut their actor off. */
  undelivered(count: number): void {
    this.#undelivered += count;
  }

  /** Asks an actor to stop, once, from the guardian (the shutdown refuses only outsiders). */
  askToStop(record: ActorRecord): void {
    if (record.stopAsked) return;
    record.stopAsked = true;
    const registry = this.#parts.registry;
    this.#parts.courier.deliver(
      registry.refOf(record),
      new Stop(),
      this.#parts.guardian,
    );
  }

  async #run(timeout: number): Promise<ShutdownReport> {
    const { courier, registry, recoveries, loop } = this.#parts;
    // Counts as of the shutdown's start: the actors' counters go with them.
    this.#parts.observer?.[Symbol.dispose]();
    this.#parts.workers.stopSpares();
    courier.refusing =
      "the actor system is shutting down: it takes no new messages from outside its actors";
    // What this thread sent before waits for room as long as the shutdown waits: each Stop
    // queues behind it, and the cut-off accounts for what is left.
    courier.holdBacklogs();
    if (registry.size > 0 && timeout > 0) {
      const drained = new Promise<void>((resolve) => this.#drained = resolve);
      registry.onEnded = (record, kind) => this.#progress(record, kind);
      // Leaves first: a parent is asked once its last child has ended.
      for (const record of [...registry.values()]) {
        if (record.children === null || record.children.size === 0) {
          this.askToStop(record);
        }
      }
      await beforeTimeout(drained, timeout);
      this.#drained = null;
      registry.onEnded = null;
    }
    const cutOff: CutOffActor[] = Array.from(
      registry.values(),
      (record) => ({ actor: registry.refOf(record), name: record.name }),
    );
    const dropped = this.#dropBacklogs();
    const { deaths, workers } = this.#parts;
    // Workers that died before (killed, crashed) left mail behind that their recoveries report
    // as dead letters: those finish, whatever the shutdown does with its own.
    const earlier = recoveries.underWay();
    const stopping = [...workers.values()];
    const recovered = stopping.flatMap((handle) =>
      deaths.died(handle, "the actor system shut down", "shutdown")
    );
    // What was cut off is drained (as dead letters) once its threads are surely stopped;
    // without anything cut off there is nothing more to recover from them.
    if (cutOff.length > 0) await Promise.all([...recovered, earlier]);
    else {
      recoveries.cancel(stopping.map((handle) => handle.threadId));
      await earlier;
    }
    this.#undelivered += dropped;
    await Promise.all(Array.from(this.#alsoClose, (close) => close()));
    this.#undelivered += await this.#parts.cluster.close();
    await loop.close();
    this.#parts.workers.endPools();
    registry.announceNoMore("the actor system shut down before it started");
    this.#parts.guardianMailbox.close();
    courier.refusing =
      "the actor system has shut down: it takes no messages; send to the actors of a new one";
    return {
      stopped: this.#stopped,
      ended: this.#ended,
      cutOff,
      undelivered: this.#undelivered,
    };
  }

  /**
   * At the cut-off: closes the mailboxes of the actors still running, and makes dead letters of
   * what this thread still had waiting for room in them (the cluster's link reports what never
   * left for other nodes as it closes).
   * @returns how many messages became dead letters.
   */
  #dropBacklogs(): number {
    const { courier, directory, registry } = this.#parts;
    let dropped = 0;
    for (const record of registry.values()) {
      // Retired by its Worker just now: its mailbox may already serve another actor.
      if (directory.mailbox(record.slot) === 0) continue;
      const mailbox = courier.mailbox(record.mailbox);
      mailbox.close();
      dropped += courier.dropBacklog(
        mailbox,
        "shutdown",
        `${record.name} ended: the actor system shut down while it ran`,
      );
    }
    return dropped;
  }

  /** An actor ended while the actors were draining: its parent may now be asked to stop. */
  #progress(record: ActorRecord, kind: TerminationKind): void {
    if (kind === "stopped") this.#stopped++;
    else this.#ended++;
    const registry = this.#parts.registry;
    const parent = record.parent;
    if (
      parent !== null &&
      (parent.children === null || parent.children.size === 0) &&
      registry.of(registry.refOf(parent)) === parent
    ) {
      this.askToStop(parent);
    }
    if (registry.size === 0) this.#drained?.();
  }
}
