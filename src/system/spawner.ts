/**
 * Where actors start: a slot and a mailbox claimed for each, the Worker it goes to (its own, a
 * pool's next, or `near` another actor's — for a spawn, and for a child an actor spawned), the
 * messages that start it there (its class defined once per Worker, then `StartActor`), and when
 * a start is known to have happened.
 *
 * @module
 */

import { type ActorClass, ActorRef, ChildGone } from "../actor/mod.ts";
import { POLICY_WORD, policyIndex, SEND_TIMEOUT_WORD, SlotState } from "../delivery/mod.ts";
import { deferred } from "../util/deferred.ts";
import { ActorPool } from "./actor_pool.ts";
import { ArenaFullError } from "../ring/mod.ts";
import { type Claim, withClaim } from "./claim.ts";
import { DefineClass, type SpawnChild } from "./control.ts";
import { ActorDeadError, couldNotStart, SpawnError, SystemClosedError } from "./errors.ts";
import type { SpawnOptions } from "./options.ts";
import {
  type ActorRecord,
  DEDICATED,
  NEAR,
  newRecord,
  type Placement,
  settleStart,
} from "./registry.ts";
import {
  actorName,
  checkActorClass,
  checkSendTimeout,
  describeValue,
  encodeArguments,
} from "./spawn_checks.ts";
import { StartBatch } from "./start_batch.ts";
import type { SystemParts } from "./system_parts.ts";
import type { WorkerHandle } from "./workers.ts";

/** Starts actors for one system. */
export class Spawner {
  readonly #parts: SystemParts;
  /** Workers with starts not yet sent, and whether their sending is queued for this turn. */
  readonly #unsent: WorkerHandle[] = [];
  #sendQueued = false;
  /** Ids of the actor classes spawned so far (what StartActor names them by), by module#name. */
  readonly #classIds = new Map<string, number>();
  readonly #classes: { module: string; exportName: string }[] = [];
  /** The same ids by class: a spawn finds its class's without building the module#name key. */
  readonly #classIdsByClass = new WeakMap<ActorClass, number>();
  readonly #poolPlacements = new Map<ActorPool, Placement>();

  constructor(parts: SystemParts) {
    this.#parts = parts;
  }

  /**
   * A mailbox and a slot for a new actor (or agent, or the guardian), passed to `use`; nothing
   * is left taken if either `use` or the claim fails (see claim.ts).
   */
  withClaim<T>(capacity: number, owner: number, name: string, use: (claim: Claim) => T): T {
    try {
      return withClaim(this.#parts, capacity, owner, name, use);
    } catch (error) {
      // The idle spares' mailboxes are the system's memory, not the program's: they make room.
      if (error instanceof ArenaFullError) this.#parts.workers.outOfRoom();
      throw error;
    }
  }

  /**
   * Spawns an actor for the system itself (it has no parent): checks the class, its arguments
   * and options, claims its slot and mailbox, places it, and asks its Worker to start it.
   * @returns its ref, at once.
   * @throws {SystemClosedError} once the system's shutdown has begun: whoever asks (user code,
   * another node's spawn request whose module finished loading only now) starts nothing that
   * would outlive it.
   */
  spawn(
    actorClass: ActorClass,
    options: SpawnOptions,
    args: readonly unknown[],
  ): ActorRef {
    if (this.#parts.shutdown.begun) {
      throw new SystemClosedError("cannot spawn: the actor system was shut down");
    }
    const { courier, registry, settings } = this.#parts;
    const module = checkActorClass(actorClass);
    checkPlacement(options, courier);
    const name = actorName(options.name, actorClass);
    const encodedArgs = encodeArguments(name, args, courier);
    const sendTimeout = checkSendTimeout(options.sendTimeout);
    const policy = policyIndex(options.whenFull);
    const capacity = options.mailboxCapacity ?? options.pool?.mailboxCapacity ??
      settings.mailboxCapacity;
    const [{ mailbox, slot, generation }, [worker, placement]] = this.withClaim(
      capacity,
      0,
      name,
      (claim) => [claim, this.place(options)] as const,
    );
    // A fresh or reopened mailbox's words are 0: the system's default.
    if (sendTimeout !== 0) mailbox.setUserWord(SEND_TIMEOUT_WORD, sendTimeout);
    if (policy !== 0) mailbox.setUserWord(POLICY_WORD, policy);
    const record = newRecord({
      slot,
      generation,
      name,
      mailbox: mailbox.offset,
      worker,
      classId: this.#classIdsByClass.get(actorClass) ?? this.#classIdOfClass(actorClass, module),
      args: encodedArgs,
      parent: null,
      strategy: settings.strategy,
      placement,
    });
    registry.add(record);
    this.start(record);
    const ref = new ActorRef(slot, generation, 0, courier);
    // The courier's own handle (the pool's are the courier's): every ref to this actor on this
    // thread sends through it, and waits for room in the same backlog.
    ref.mailboxCache = mailbox;
    return ref;
  }

  /** Resolves once `ref`'s actor has started (see `ActorSystem.started`). */
  whenStarted(ref: ActorRef<unknown>): Promise<void> {
    const { directory, registry } = this.#parts;
    const record = registry.of(ref);
    if (record === undefined) {
      if (this.unannounced(ref)) {
        return registry.whenAnnounced(ref).then((known) =>
          typeof known === "string" ? Promise.reject(new SpawnError(known)) : this.whenStarted(ref)
        );
      }
      // Ended already: a start that failed is told as when it was awaited in time.
      const end = registry.endOf(ref);
      if (end?.kind === "start-failed") {
        return Promise.reject(new SpawnError(end.reason, { cause: end.error ?? undefined }));
      }
      return Promise.reject(
        new ActorDeadError(
          end === undefined
            ? `${ref} is not an actor this system is running`
            : `${ref} is not running: ${end.reason}`,
        ),
      );
    }
    if (record.started === null) {
      record.started = deferred();
      if (record.outcome === true) record.started.resolve();
      else if (record.outcome !== null) record.started.reject(record.outcome);
      else if (
        !directory.transition(
          ref.slot,
          SlotState.Starting,
          SlotState.StartAwaited,
        ) &&
        directory.generation(ref.slot) === ref.generation &&
        directory.state(ref.slot) === SlotState.Running
      ) {
        // It started before we asked: its worker saw no one waiting, and reported nothing.
        settleStart(record, true);
      }
      // Otherwise its worker reports ActorStarted (it finds StartAwaited) or SpawnFailed.
    }
    return record.started.promise;
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

  #classIdOfClass(actorClass: ActorClass, module: string): number {
    const id = this.classIdOf(module, actorClass.name);
    this.#classIdsByClass.set(actorClass, id);
    return id;
  }

  /** The name of the actor class with id `classId`. */
  classNameOf(classId: number): string {
    return this.#classes[classId - 1]?.exportName ?? "";
  }

  /**
   * Asks the record's worker to start it, defining its class there first if need be. The start
   * is sent with the others of this turn to that Worker, at the end of the turn (or once a
   * message's worth wait, see start_batch.ts): a spawn costs the system's thread no record, ring
   * or bell of its own, and the Worker starts them all in one wake-up (it was woken, and its agent
   * run, once per spawn: ~15 % of the system's thread's time spawning into a pool, profiled). The
   * actor's messages wait in its mailbox meanwhile, as they wait for any start.
   */
  start(record: ActorRecord): void {
    const { courier, directory, guardian, registry, settings } = this.#parts;
    const worker = record.worker;
    if (!worker.classes.has(record.classId)) {
      // In order: the starts waiting may be of classes defined before.
      this.sendStarts(worker);
      worker.classes.add(record.classId);
      const { module, exportName } = this.#classes[record.classId - 1];
      courier.deliver(
        worker.agent,
        new DefineClass(record.classId, module, exportName),
        guardian,
      );
    }
    directory.setOwner(record.slot, worker.threadId);
    const className = this.#classes[record.classId - 1].exportName;
    let starts = worker.pendingStarts;
    if (starts === null) {
      starts = worker.pendingStarts = new StartBatch();
      this.#unsent.push(worker);
      if (!this.#sendQueued) {
        this.#sendQueued = true;
        queueMicrotask(() => this.sendStarts());
      }
    }
    starts.add(
      record.slot,
      record.generation,
      record.mailbox,
      record.classId,
      record.name === className ? "" : record.name,
      record.args,
      record.parent === null ? null : registry.refOf(record.parent),
      // The system's own strategy is in every Worker already: not written per actor.
      record.strategy === settings.strategy ? null : record.strategy,
      // Started again after its Worker died: the restarts so far count towards its limit.
      record.supervisor?.recent() ?? null,
    );
    if (starts.full) this.sendStarts(worker);
  }

  /**
   * Sends the starts waiting for `worker` (all Workers': none given) now. Whatever else the
   * system tells a Worker's agent goes after them: call this first (a `Retire` that overtook
   * a start would end the Worker the actor was placed in). Starts for a Worker that died
   * meanwhile are dropped: its death restarted or ended their actors (WorkerDeaths.died).
   */
  sendStarts(worker?: WorkerHandle): void {
    if (worker === undefined) {
      this.#sendQueued = false;
      const unsent = this.#unsent;
      for (let i = 0; i < unsent.length; i++) this.#send(unsent[i]);
      unsent.length = 0;
      return;
    }
    this.#send(worker);
  }

  #send(worker: WorkerHandle): void {
    const starts = worker.pendingStarts;
    if (starts === null) return;
    worker.pendingStarts = null;
    if (worker.dead) return;
    const { courier, guardian } = this.#parts;
    courier.deliver(worker.agent, starts.message(), guardian);
  }

  /** Which Worker a new actor spawned by the system goes to, and how it was placed. */
  place(options: SpawnOptions): [WorkerHandle, Placement] {
    if (options.near !== undefined) {
      return [this.#workerNear(options.near as ActorRef<unknown>), NEAR];
    }
    if (options.pool !== undefined) {
      return [
        this.#parts.workers.poolWorker(options.pool),
        this.#poolPlacement(options.pool),
      ];
    }
    return [this.#parts.workers.takeDedicated(), DEDICATED];
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
      if (parent === undefined) {
        throw new ActorDeadError("its parent has ended");
      }
      // The instance that spawned it lost its Worker (the parent ends, or runs again elsewhere):
      // that instance's children were stopped as it died, and a fresh one has none.
      if (parent.worker.dead || parent.worker.threadId !== request.from) {
        throw new ActorDeadError(
          `${parent.name}, its parent, lost its Worker before the child could start`,
        );
      }
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
  #neverStarted(
    request: SpawnChild,
    parentAlive: boolean,
    name: string,
    error: unknown,
  ): void {
    const { courier, directory, guardian, registry } = this.#parts;
    const why = couldNotStart(name, error);
    directory.setState(request.slot, SlotState.Dead);
    courier.mailbox(request.mailbox).close();
    for (const listener of registry.lossListeners) {
      listener(request.slot, request.generation, why);
    }
    const child = new ActorRef(request.slot, request.generation, 0, courier);
    registry.neverStarted(child, name, why);
    if (parentAlive) {
      courier.deliver(request.parent!, new ChildGone(child), guardian);
    }
    this.#parts.deaths.recycle(
      request.slot,
      request.generation,
      request.mailbox,
      "start-failed",
      why,
    );
  }

  /** A child goes `near` an actor, or where its parent would: its pool, or a Worker of its own. */
  #placeChild(
    parent: ActorRecord,
    near: ActorRef<unknown> | null,
  ): [WorkerHandle, Placement] {
    if (near !== null) return [this.#workerNear(near), NEAR];
    if (parent.placement.kind === "pool") {
      return [
        this.#parts.workers.poolWorker(parent.placement.pool),
        parent.placement,
      ];
    }
    return [this.#parts.workers.takeDedicated(), DEDICATED];
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
      throw new ActorDeadError(
        `cannot place an actor near ${near}: it is not running`,
      );
    }
    return neighbour.worker;
  }

  /** One placement object per pool: records of a pool's 100k actors share it. */
  #poolPlacement(pool: ActorPool): Placement {
    let placement = this.#poolPlacements.get(pool);
    if (placement === undefined) {
      this.#poolPlacements.set(pool, placement = { kind: "pool", pool });
    }
    return placement;
  }
}

/**
 * Checks what a spawn's options name: `near` a ref of this system, `pool` one of its pools.
 * @param courier the system's: refs of this system carry it.
 * @throws {TypeError} when the options are no object, or `near` or `pool` is no such thing.
 */
function checkPlacement(options: unknown, courier: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`spawnWith's options must be an object, got ${describeValue(options)}`);
  }
  const { near, pool } = options as { near?: unknown; pool?: unknown };
  if (near !== undefined && !(near instanceof ActorRef && near.courier === courier)) {
    throw new TypeError(`near must be a ref of this actor system, got ${describeValue(near)}`);
  }
  if (pool !== undefined && !(pool instanceof ActorPool)) {
    throw new TypeError(
      `pool must be a pool made by this system's createPool, got ${describeValue(pool)}`,
    );
  }
}
