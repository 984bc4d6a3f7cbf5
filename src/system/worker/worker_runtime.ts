/**
 * What one Worker of an actor system holds: its arena handles, courier, receive loop and the
 * names of the actors it hosts. Also the loop's host: where handler failures and stopped actors
 * are reported (to the guardian on the main thread), and where actors spawn children and watch
 * others (the guardian keeps the family tree and the watches).
 *
 * @module
 */

import {
  Activity,
  type ActorCell,
  type ActorClass,
  ActorRef,
  ActorStat,
  type CellHost,
  type ChildOptions,
  type DeadLetterKind,
  isRuntimeNotice,
  portableError,
  strategyOf,
  type SupervisionStrategy,
  type Undelivered,
} from "../../actor/mod.ts";
import {
  describeMessage,
  type Directory,
  type DrainFilter,
  POLICY_WORD,
  policyIndex,
  type ReceiveLoop,
  SEND_TIMEOUT_WORD,
  type SystemCourier,
} from "../../delivery/mod.ts";
import type { Arena, Mailbox } from "../../ring/mod.ts";
import type { Asks } from "./asks.ts";
import { ActorStopped, HandlerFailed, SpawnChild, Unwatch, Watch, WorkerIdle } from "../control.ts";
import { withClaim } from "../claim.ts";
import type { MailboxPool } from "../mailbox_pool.ts";
import {
  actorName,
  checkActorClass,
  checkSendTimeout,
  describeValue,
  encodeArguments,
} from "../spawn_checks.ts";

/** What a Worker's runtime is told at its start, beyond its arena handles. */
export interface WorkerSettings {
  /** Whether the worker ends when its last actor stops (a spawn's own worker). */
  readonly dedicated: boolean;
  /** The system's default mailbox size, for children spawned here. */
  readonly mailboxCapacity: number;
  /** The largest message, for the mailboxes of children spawned here. */
  readonly maxMessageBytes: number;
  /** The system's strategy for top-level actors. */
  readonly supervision: SupervisionStrategy;
}

/** Dead-letter reports a Worker kept back for want of room (see unreported_letters.ts). */
export interface KeptReports {
  /** Sends them all now, waiting for room as {@link WorkerRuntime.tellGuardian} does. */
  tellAll(): void;
}

/** The state of the actor system inside one Worker. */
export class WorkerRuntime implements CellHost {
  readonly arena: Arena;
  readonly directory: Directory;
  readonly pool: MailboxPool;
  readonly courier: SystemCourier;
  readonly guardian: ActorRef<unknown>;
  /** Told before any report of this Worker's (see {@link tellGuardian}). */
  keptReports: KeptReports | null = null;
  readonly settings: WorkerSettings;
  loop!: ReceiveLoop;
  /** The asks of this Worker's actors (see asks.ts); their replies come to the agent. */
  asks!: Asks;
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
    settings: WorkerSettings,
  ) {
    this.arena = arena;
    this.directory = directory;
    this.pool = pool;
    this.courier = courier;
    this.guardian = guardian;
    this.settings = settings;
  }

  deadLetter(lost: Undelivered): void {
    this.courier.deadLetter(lost);
  }

  handlerFailed(cell: ActorCell, message: unknown, error: unknown, restartedAt = 0): void {
    this.courier.tracing?.failed(error);
    const report = new HandlerFailed(
      cell.self,
      cell.name,
      message instanceof Activity ? message.label : describeMessage(message),
      portableError(error),
      restartedAt,
    );
    this.tellGuardian(report);
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
    const { kind, reason } = cell.leftoverWhy();
    // Read before the mailbox is retired: it may serve another actor next.
    const handled = cell.mailbox.stat(ActorStat.Handled);
    const restarts = cell.mailbox.stat(ActorStat.Restarts);
    this.retire(cell.self, cell.mailbox, kind, reason, isRuntimeNotice);
    // Gone here (its slot dead): Stopped goes out before the end report, which would fail a
    // caller waiting for it with "stopped" first.
    cell.answerStopRequesters();
    this.tellGuardian(
      new ActorStopped(
        slot,
        generation,
        cell.endKind,
        cell.endReason,
        cell.endError,
        handled,
        restarts,
      ),
    );
    this.hosted--;
    // After the cell's last words (its Stopped answers follow this call): the system may retire
    // an idle Worker as soon as it hears.
    queueMicrotask(() => this.exitIfEmpty());
  }

  /**
   * Takes a slot and a mailbox for a child of `parent` here, at once (so its ref works from now
   * on), and asks the guardian to place and start it.
   */
  spawnChild(
    parent: ActorCell,
    actorClass: ActorClass,
    options: ChildOptions,
    args: unknown[],
  ): ActorRef<unknown> {
    const module = checkActorClass(actorClass);
    const name = actorName(options.name, actorClass);
    const encodedArgs = encodeArguments(name, args, this.courier);
    const sendTimeout = checkSendTimeout(options.sendTimeout);
    const policy = policyIndex(options.whenFull);
    const near = options.near ?? null;
    if (
      near !== null &&
      !(near instanceof ActorRef && near.courier === this.courier)
    ) {
      throw new TypeError(
        `near must be a ref of this actor system, got ${describeValue(near)}`,
      );
    }
    // The parent's class says how its children are supervised; a malformed one fails here.
    const strategy = strategyOf(parent.actorClass!);
    // Until the system places the child, its owner says whether it may be placed here: next to
    // an actor of this Worker, or anywhere in this Worker's pool. Senders here must not block
    // on its mailbox then (this thread may be the one to start it); elsewhere, they may.
    const nearMailbox = near === null ? 0 : this.directory.liveMailbox(near.slot, near.generation);
    const mayStartHere = near === null
      ? !this.settings.dedicated
      : nearMailbox !== 0 && this.loop.cellOf(nearMailbox) !== undefined;
    const { mailbox, slot, generation } = withClaim(
      this,
      options.mailboxCapacity ?? this.settings.mailboxCapacity,
      mayStartHere ? this.courier.threadId : 0,
      name,
      (claim) => claim,
    );
    mailbox.maxExternal = this.settings.maxMessageBytes;
    mailbox.setUserWord(SEND_TIMEOUT_WORD, sendTimeout);
    mailbox.setUserWord(POLICY_WORD, policy);
    const child = this.ref(slot, generation);
    this.tellGuardian(
      new SpawnChild(
        slot,
        generation,
        mailbox.offset,
        parent.self,
        module,
        actorClass.name,
        name === actorClass.name ? "" : name,
        encodedArgs,
        strategy,
        near as ActorRef<unknown> | null,
        this.courier.threadId,
      ),
    );
    return child;
  }

  watch(watcher: ActorCell, target: ActorRef<unknown>): void {
    this.tellGuardian(new Watch(watcher.self, target));
  }

  unwatch(watcher: ActorCell, target: ActorRef<unknown>, ended = false): void {
    this.tellGuardian(new Unwatch(watcher.self, target, ended));
  }

  ask(
    _asker: ActorCell,
    target: ActorRef<unknown>,
    request: unknown,
    timeout: number,
  ) {
    return this.asks.ask(target, request, timeout);
  }

  /**
   * A dedicated Worker that hosts no actor any more tells the guardian, which keeps it for the
   * next actor of its own or retires it (see Retire).
   */
  exitIfEmpty(): void {
    if (this.settings.dedicated && this.hosted === 0) {
      this.tellGuardian(new WorkerIdle(this.courier.threadId));
    }
  }

  /**
   * Sends the guardian one of this Worker's reports. Should the system's mailbox be full, the
   * Worker blocks until there is room, not queue it: a report kept in this Worker's memory would
   * die with it (a child's SpawnChild, the exit trap's WorkerExited), and the system would never
   * learn what it said.
   */
  tellGuardian(report: unknown): void {
    // What was kept back goes first: a report after it (an actor's end, the Worker's exit) may
    // be the last this Worker sends.
    this.keptReports?.tellAll();
    this.courier.deliver(this.guardian, report, null);
  }

  /** The guardian retires this idle Worker: it ends, unless an actor came meanwhile. */
  retireIfIdle(): void {
    if (this.settings.dedicated && this.hosted === 0) this.loop.close();
  }

  /**
   * Hands back the mailbox of an actor of this worker that is gone: closes it, makes dead
   * letters of what is still in it, and recycles it; marks the slot dead, for the system to
   * free once it has heard of the end. Only the thread that receives from a mailbox may do this.
   */
  retire(
    self: ActorRef<unknown>,
    mailbox: Mailbox,
    kind: DeadLetterKind,
    reason: string,
    ignore?: DrainFilter,
  ): void {
    mailbox.close();
    this.loop.drainDeadLetters(mailbox, self, kind, reason, ignore);
    mailbox.unbind();
    // Dead before its mailbox goes back; the system frees the slot when it hears of the end.
    this.directory.retire(self.slot);
    this.pool.release(mailbox);
  }

  /** A ref to `slot`'s current actor, sending through this worker's courier. */
  ref(slot: number, generation: number): ActorRef<unknown> {
    return new ActorRef(slot, generation, 0, this.courier);
  }
}
