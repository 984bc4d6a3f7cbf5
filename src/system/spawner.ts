/**
 * Where actors start: a slot and a mailbox claimed for each, the Worker it goes to (its own, a
 * pool's next, or `near` another actor's — for a spawn, and for a child an actor spawned), and
 * the messages that start it there (its class defined once per Worker, then `StartActor`).
 *
 * @module
 */

import { ActorRef, ChildGone } from "../actor/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import type { ActorPool } from "./actor_pool.ts";
import { DefineClass, type SpawnChild, StartActor } from "./control.ts";
import { SlotState } from "../delivery/directory.ts";
import { ActorDeadError, SystemClosedError } from "./errors.ts";
import type { SpawnOptions } from "./options.ts";
import { type ActorRecord, DEDICATED, NEAR, newRecord, type Placement } from "./registry.ts";
import type { SystemParts } from "./system_parts.ts";
import type { WorkerHandle } from "./workers.ts";

/** A claimed slot and mailbox (see {@link Spawner.claim}). */
export interface Claim {
  readonly mailbox: Mailbox;
  readonly slot: number;
  readonly generation: number;
}

/** Starts actors for one system. */
export class Spawner {
  readonly #parts: SystemParts;
  /** Ids of the actor classes spawned so far (what StartActor names them by), by module#name. */
  readonly #classIds = new Map<string, number>();
  readonly #classes: { module: string; exportName: string }[] = [];
  readonly #poolPlacements = new Map<ActorPool, Placement>();

  constructor(parts: SystemParts) {
    this.#parts = parts;
  }

  /** A mailbox and a slot for a new actor (or agent); nothing is left taken if it fails. */
  claim(capacity: number, owner: number): Claim {
    const { pool, directory } = this.#parts;
    const mailbox = pool.acquire({ capacity });
    try {
      const slot = directory.allocate(mailbox.offset, owner);
      return { mailbox, slot, generation: directory.generation(slot) };
    } catch (error) {
      mailbox.close();
      pool.release(mailbox);
      throw error;
    }
  }

  /** Gives back what {@link claim} took, when nothing was started with it. */
  unclaim(slot: number, mailbox: Mailbox): void {
    this.#parts.directory.free(slot);
    mailbox.close();
    this.#parts.pool.release(mailbox);
  }

  /** The id of the actor class `exportName` of `module`. */
  classIdOf(module: string, exportName: string): number {
    const key = `${exportName} ${module}`;
    let id = this.#classIds.get(key);
    if (id === undefined) {
      this.#classes.push({ module, exportName });
      this.#classIds.set(key, id = this.#classes.length);
    }
    return id;
  }

  /** Asks the record's worker to start it, defining its class there first if need be. */
  start(record: ActorRecord): void {
    const { courier, directory, guardian, registry, settings } = this.#parts;
    const worker = record.worker;
    if (!worker.classes.has(record.classId)) {
      worker.classes.add(record.classId);
      const { module, exportName } = this.#classes[record.classId - 1];
      courier.deliver(worker.agent, new DefineClass(record.classId, module, exportName), guardian);
    }
    directory.setOwner(record.slot, worker.threadId);
    const className = this.#classes[record.classId - 1].exportName;
    courier.deliver(
      worker.agent,
      new StartActor(
        record.slot,
        record.generation,
        record.mailbox,
        record.classId,
        record.name === className ? "" : record.name,
        record.args,
        record.parent === null ? null : registry.refOf(record.parent),
        // The system's own strategy is in every Worker already: not written per actor.
        record.strategy === settings.strategy ? null : record.strategy,
      ),
      guardian,
    );
  }

  /** Which Worker a new actor spawned by the system goes to, and how it was placed. */
  place(options: SpawnOptions): [WorkerHandle, Placement] {
    if (options.near !== undefined) {
      return [this.#workerNear(options.near as ActorRef<unknown>), NEAR];
    }
    if (options.pool !== undefined) {
      return [this.#parts.workers.poolWorker(options.pool), this.#poolPlacement(options.pool)];
    }
    return [this.#parts.workers.start(true), DEDICATED];
  }

  /**
   * An actor spawned a child: its Worker took the slot and mailbox; places and starts it, or
   * ends it at once if it cannot start (its parent ended, the system shut down, no Worker).
   */
  spawnChild(request: SpawnChild): void {
    const { registry, shutdown } = this.#parts;
    const parent = registry.of(request.parent);
    const name = request.name || request.exportName;
    let worker: WorkerHandle;
    let placement: Placement;
    try {
      // While a shutdown drains, actors finish their work, which may need children; after
      // it, nothing starts.
      if (shutdown.begun && !shutdown.draining) {
        throw new SystemClosedError("the actor system has shut down");
      }
      if (parent === undefined) throw new ActorDeadError("its parent has ended");
      [worker, placement] = this.#placeChild(parent, request.near);
    } catch (error) {
      this.#neverStarted(request, parent !== undefined, name, error);
      return;
    }
    const record = newRecord({
      slot: request.slot,
      generation: request.generation,
      name,
      mailbox: request.mailbox,
      worker,
      classId: this.classIdOf(request.module, request.exportName),
      args: request.args,
      parent,
      strategy: request.strategy,
      placement,
    });
    registry.add(record);
    this.start(record);
    if (shutdown.draining) shutdown.askToStop(record); // a leaf of a system shutting down
  }

  /** A child that cannot start: its parent (if alive) and calls to it hear of it as of any end. */
  #neverStarted(request: SpawnChild, parentAlive: boolean, name: string, error: unknown): void {
    const { courier, directory, guardian, registry } = this.#parts;
    const why = `${name} could not be started: ${
      error instanceof Error ? error.message : String(error)
    }`;
    directory.setState(request.slot, SlotState.Dead);
    courier.mailbox(request.mailbox).close();
    for (const listener of registry.lossListeners) {
      listener(request.slot, request.generation, why);
    }
    const child = new ActorRef(request.slot, request.generation, 0, courier);
    registry.neverStarted(child, name, why);
    if (parentAlive) courier.deliver(request.parent!, new ChildGone(child), guardian);
    this.#parts.deaths.recycle(
      request.slot,
      request.generation,
      request.mailbox,
      "start-failed",
      why,
    );
  }

  /** A child goes `near` an actor, or where its parent would: its pool, or a Worker of its own. */
  #placeChild(parent: ActorRecord, near: ActorRef<unknown> | null): [WorkerHandle, Placement] {
    if (near !== null) return [this.#workerNear(near), NEAR];
    if (parent.placement.kind === "pool") {
      return [this.#parts.workers.poolWorker(parent.placement.pool), parent.placement];
    }
    return [this.#parts.workers.start(true), DEDICATED];
  }

  /**
   * Whether `ref` names a child the system has not heard of yet: its parent's Worker took its
   * slot (still starting, same generation), and the guardian has not handled its SpawnChild.
   * That report left before the ref could, so it is on its way: wait for it, rather than call
   * the child dead.
   */
  unannounced(ref: ActorRef<unknown>): boolean {
    const { courier, directory, registry } = this.#parts;
    const slot = ref.slot;
    return ref.courier === courier && slot > 0 && slot < directory.capacity &&
      registry.of(ref) === undefined &&
      directory.generation(slot) === ref.generation &&
      directory.state(slot) === SlotState.Starting;
  }

  /** The Worker of the actor `near` names. */
  #workerNear(near: ActorRef<unknown>): WorkerHandle {
    const neighbour = this.#parts.registry.of(near);
    if (neighbour === undefined || neighbour.worker.dead) {
      throw new ActorDeadError(`cannot place an actor near ${near}: it is not running`);
    }
    return neighbour.worker;
  }

  /** One placement object per pool: records of a pool's 100k actors share it. */
  #poolPlacement(pool: ActorPool): Placement {
    let placement = this.#poolPlacements.get(pool);
    if (placement === undefined) this.#poolPlacements.set(pool, placement = { kind: "pool", pool });
    return placement;
  }
}
