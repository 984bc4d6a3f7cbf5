/**
 * What happens when a Worker is gone — it died, was killed, ended by itself, or the system is
 * cutting it off: each of its actors either ends (watchers, parents and calls hear of it at once)
 * or, if its supervisor says so, is restarted in another Worker once the dead one's leftovers are
 * safe to touch (see recovery.ts); what was left for the actors that end becomes dead letters,
 * and their slots and mailboxes go back for reuse.
 *
 * @module
 */

import {
  ActorRef,
  ActorStat,
  type DeadLetterKind,
  Failed,
  messageOf,
  portableError,
  Stop,
  Supervisor,
  type TerminationKind,
} from "../actor/mod.ts";
import {
  closeAs,
  type HeldFor,
  isRuntimeAnswer,
  sentBySystem,
  SlotState,
  takeHeld,
} from "../delivery/mod.ts";
import { ActorKilledError, couldNotStart, WorkerDiedError } from "./errors.ts";
import type { ActorRecord } from "./registry.ts";
import type { SystemParts } from "./system_parts.ts";
import { stopWorker, type WorkerHandle } from "./workers.ts";
import { WaitingCalls } from "./waiting_calls.ts";

/** What an actor was doing when its Worker died, as a failure report says it (ActorFailure). */
const WORKER_DIED = "(its Worker died)";

/** How one system handles the end of its Workers. */
export class WorkerDeaths {
  readonly #parts: SystemParts;

  constructor(parts: SystemParts) {
    this.#parts = parts;
  }

  /**
   * A Worker is gone (it died, or the system is cutting it off): it is terminated, and each of
   * its actors ends or is restarted elsewhere, as its supervisor decides.
   * @param killed the actor `system.kill` was called for (its supervisor decides on an
   * ActorKilledError, and it ends as "killed"); its Worker's other actors died with it.
   * @returns the recovery under way (none if the Worker was already gone).
   */
  died(
    handle: WorkerHandle,
    reason: string,
    kind: TerminationKind = "worker-died",
    killed: ActorRecord | null = null,
  ): Promise<void>[] {
    if (handle.dead) return [];
    const { courier, directory, guardian, recoveries, registry, workers } = this.#parts;
    handle.dead = true;
    stopWorker(handle);
    workers.forget(handle);
    workers.heal(handle, reason, killed !== null);
    recoveries.threadGone(handle.threadId);
    this.#parts.askWatches.forget(handle.agent);
    this.#parts.remoteAskWatches.forget(handle.agent);
    directory.setState(handle.agent.slot, SlotState.Dead);
    handle.agentMailbox.close();

    const how = kind === "shutdown"
      ? "the actor system shut down while it ran"
      : `its Worker died: ${reason}`;
    const letterKind = kind === "shutdown" ? "shutdown" : "worker-died";
    // A shutdown's report counts what its cut-off made dead letters, not an earlier death's.
    const undelivered = (count: number) => {
      if (kind === "shutdown") this.#parts.shutdown.undelivered(count);
    };
    const dying = registry.hostedBy(handle);
    const inWorker = new Set(dying);
    const error = new WorkerDiedError(`its Worker died: ${reason}`);
    const killError = killed === null ? null : new ActorKilledError(reason);
    const restarting: ActorRecord[] = [];
    /** Why each actor being restarted lost its calls, told once its dead thread is fenced off. */
    const lostWhy = new Map<ActorRecord, string>();
    const ending: ActorRecord[] = [];
    // Their instances are gone: what they watched on other nodes is unwatched (a restart starts
    // with no watches).
    this.#parts.cluster.forgetWatchesOf(dying.map((record) => registry.refOf(record)));
    // A failure of each actor the Worker took with it, reported first, as a handler's is: an
    // uncaught error in a timer of its, or its Deno.exit(), would otherwise pass unseen when
    // its supervisor restarts it. Not the actor system.kill ended: that was asked for. One
    // console.error for all when nobody listens: a pool Worker may hold thousands.
    if (kind === "worker-died") {
      // Not one that had stopped already, just before (its Worker retired it): it ended well.
      const failed = dying.filter((record) =>
        record !== killed && directory.mailbox(record.slot) !== 0
      ).map((record) => ({
        actor: registry.refOf(record),
        actorName: record.name,
      }));
      // Counted for inspect() as a handler's failure is.
      for (const { actor } of failed) {
        this.#parts.inspector.failed({ actor, messageClass: WORKER_DIED, error });
      }
      this.#parts.events.failures(failed, WORKER_DIED, error);
    }
    for (const record of dying) {
      const cause = record === killed ? killError! : error;
      const directive = kind === "worker-died" ? this.#decide(record, inWorker, cause) : "stop";
      if (directive === "restart") {
        restarting.push(record);
        record.restartedAfterDeath = true;
        // Its mailbox stays open: messages wait for the new instance.
        directory.setState(record.slot, SlotState.Starting);
        const why = record === killed
          ? `${reason}; it is being restarted`
          : `${record.name} lost its Worker (${reason}); it is being restarted`;
        // A Worker's asks of it fail now, as before (see WaitingCalls for why not only those it
        // took); the Bridges' calls hear which it took once it can take no more (see the
        // recovery below).
        this.#parts.askWatches.lost(
          record.slot,
          record.generation,
          why,
          () => registry.refOf(record),
        );
        lostWhy.set(record, why);
        // Calls from other nodes wait on it too: their nodes are told which it took.
        if (record.remoteCallers !== null && record.remoteCallers.length > 0) {
          this.#parts.cluster.callsLost(registry.refOf(record), record.remoteCallers, why);
        }
        // Calls taken from now on are the new instance's to answer.
        record.remoteCallers = null;
        if (record.children !== null) {
          for (const child of record.children) {
            if (!inWorker.has(child)) {
              courier.deliver(registry.refOf(child), new Stop(), guardian);
            }
          }
        }
      } else {
        ending.push(record);
        // An actor that stopped just before its Worker died was retired there: its mailbox may
        // already serve another actor.
        if (directory.mailbox(record.slot) === 0) continue;
        directory.setState(record.slot, SlotState.Dead);
        // Releases senders blocked on a full mailbox; later sends are dead letters. What those
        // senders (and other Workers' backlogs) had on its way into it ends as what was in it.
        const mailbox = courier.mailbox(record.mailbox);
        closeAs(mailbox, letterKind);
        // What this thread still had waiting for room in it ends as what was in it did: it
        // would otherwise be told as stopped, once its wait for room noticed the close.
        undelivered(courier.dropBacklog(mailbox, letterKind, `${record.name} ended: ${how}`));
        if (
          directive === "escalate" && record.parent !== null &&
          !inWorker.has(record.parent)
        ) {
          const failed = new Failed(
            registry.refOf(record),
            portableError(cause),
            record.name,
          );
          courier.deliver(registry.refOf(record.parent), failed, guardian);
        }
      }
    }
    for (const record of ending) this.#parts.inspector.ended(record, null);
    registry.endAll(
      ending.map((record) =>
        record === killed ? { record, kind: "killed", reason, error: portableError(killError) } : {
          record,
          kind,
          reason: `${record.name} ended: ${how}`,
          error: kind === "shutdown" ? null : portableError(error),
        }
      ),
    );
    return [
      recoveries.begin(handle.threadId, () => {
        // Read before its agent's mailbox, which points to it, goes back to the pool.
        const held = heldByActor(takeHeld(this.#parts.arena, handle.agentMailbox));
        for (const record of ending) {
          if (directory.mailbox(record.slot) === 0) {
            // Retired by its Worker before it died (see above): only the slot is left.
            this.#parts.workers.freeSlot(record.slot);
            continue;
          }
          const why = `${record.name} ended: ${how}`;
          undelivered(
            this.#lostWithWorker(record, letterKind, why, held) +
              this.recycle(
                record.slot,
                record.generation,
                record.mailbox,
                letterKind,
                why,
              ),
          );
        }
        const agent = handle.agent;
        undelivered(this.recycle(
          agent.slot,
          agent.generation,
          handle.agentMailbox.offset,
          null,
          `a reply to an ask of an actor that ended with its Worker (${reason}), read by ` +
            `no one`,
        ));
        for (const record of restarting) {
          // The dead thread takes nothing more now (given up at its death, then the grace and
          // the barrier, see CellReader.take): the requests still in the mailbox, or in this
          // thread's backlog for it, are the new instance's to answer; the calls it took, and
          // those that died with its Worker (stashed, or in its local mail), settle now. Not if
          // it ended meanwhile: its calls settled then, and its mailbox may serve another actor.
          if (registry.of(registry.refOf(record)) === record) {
            registry.lost(
              record,
              lostWhy.get(record)!,
              new WaitingCalls(courier.mailbox(record.mailbox), courier),
            );
          }
          // Its mailbox goes on, but what the dead Worker held for it died there.
          this.#lostWithWorker(
            record,
            "worker-died",
            `${record.name} lost its Worker (${reason})`,
            held,
          );
          // Counted here: the dead Worker writes its counters no more, the next has not begun.
          this.#parts.courier.mailbox(record.mailbox).countStat(ActorStat.Restarts);
          this.#respawn(record, reason);
        }
        undelivered(
          this.#heldForOthers(held, letterKind, kind === "shutdown" ? how : reason),
        );
      }),
    ];
  }

  /**
   * Kills `ref`'s actor by ending its Worker (see `ActorSystem.kill`).
   * @returns whether it was killed: false when it is not running.
   */
  kill(ref: ActorRef<unknown>, reason: string): boolean {
    const { registry, spawner } = this.#parts;
    const record = registry.of(ref);
    if (record === undefined) {
      if (!spawner.unannounced(ref)) return false;
      // A child its parent's Worker has just made: killed once the system hears of it.
      registry.whenAnnounced(ref).then((known) => {
        if (typeof known !== "string") this.kill(ref, reason);
      });
      return true;
    }
    if (record.worker.dead) return false;
    // It has ended already (its Stopped may come before its end report): nothing to kill, and
    // its Worker, shared in a pool, must not go down for it.
    const state = this.#parts.directory.state(record.slot);
    if (state === SlotState.Dead || state === SlotState.Free) return false;
    this.died(
      record.worker,
      `${record.name} was killed: ${reason}`,
      "worker-died",
      record,
    );
    return true;
  }

  /**
   * A Worker closed itself after handing back its mailboxes (its last actor ended). Actors
   * placed `near` its last actor while it was ending never started there: they start in a
   * Worker of their own instead.
   */
  ended(handle: WorkerHandle): void {
    const { recoveries, registry, workers } = this.#parts;
    this.#parts.askWatches.forget(handle.agent);
    this.#parts.remoteAskWatches.forget(handle.agent);
    handle.dead = true;
    stopWorker(handle);
    workers.forget(handle);
    // Its agent's slot is ours to free; after forget, which owes a kept slot for a spare's.
    workers.freeSlot(handle.agent.slot);
    recoveries.threadGone(handle.threadId);
    for (const record of registry.hostedBy(handle)) this.#replace(record);
  }

  /**
   * Drains a dead Worker's mailbox on this thread (as dead letters of `kind`), then recycles it
   * and frees its slot. `kind` null drains a Worker's agent's mailbox: the system's own messages
   * to it go silently, and the replies to its actors' asks (whose askers died with it) are dead
   * letters "worker-died" with `reason`.
   * @returns how many messages were drained.
   */
  recycle(
    slot: number,
    generation: number,
    offset: number,
    kind: DeadLetterKind | null,
    reason: string,
  ): number {
    const { courier, guardian, loop, pool } = this.#parts;
    const mailbox = courier.mailbox(offset);
    mailbox.close();
    const target = new ActorRef(slot, generation, 0, courier);
    let drained = 0;
    if (kind === null) {
      drained = loop.drainDeadLetters(
        mailbox,
        target,
        "worker-died",
        reason,
        (message, _sender, tag) => tag === 0 || isRuntimeAnswer(message),
      );
    } else {
      // The system's own notices (a shutdown's or an orphan's Stop, a ChildGone) were no one's
      // messages, as reportDeadLetter has it.
      drained = loop.drainDeadLetters(
        mailbox,
        target,
        kind,
        reason,
        (_message, sender) => sentBySystem(sender, guardian),
      );
    }
    mailbox.unbind();
    pool.release(mailbox);
    this.#parts.workers.freeSlot(slot);
    return drained;
  }

  /** The supervisor's decision for an actor whose Worker died; "resume" cannot apply. */
  #decide(
    record: ActorRecord,
    inWorker: Set<ActorRecord>,
    error: Error,
  ): string {
    if (this.#parts.shutdown.begun) return "stop";
    // A parent that died in the same Worker cannot supervise: its children just end.
    if (record.parent !== null && inWorker.has(record.parent)) return "stop";
    // An actor that never ran is not restarted: its start would most likely fail again. One being
    // restarted after its Worker died (its new instance still starting) ran before: its
    // supervisor decides, as it did then, within the same limit. (Not the mailbox's restart
    // count: an actor whose constructor never once succeeded counts restarts in its Worker.)
    if (
      this.#parts.directory.state(record.slot) !== SlotState.Running &&
      !record.restartedAfterDeath
    ) {
      return "stop";
    }
    const mailbox = this.#parts.courier.mailbox(record.mailbox);
    // It was on its way out (it took a Stop, stopped itself, or failed for good: its cell closed
    // its mailbox), its postStop perhaps still running: it ends as it was going to. A restart
    // would bring back an actor that was asked to stop, in a fresh instance whose closed mailbox
    // ends it at once, with no postStop after its preStart and "stopped" for its end.
    if (mailbox.closed) return "stop";
    const directive = (record.supervisor ??= new Supervisor(record.strategy))
      .decide(error);
    return directive === "resume" ? "stop" : directive;
  }

  /**
   * Counts as dead letters the messages a dead Worker held for an actor of it outside its
   * mailbox's ring (sent between its actors: local mail, a backlog for a full ring; and what
   * the actor stashed; see Mailbox.heldIndex), which died with it: one report for all of them,
   * since they cannot be read back. Only once the Worker is surely stopped (see recovery.ts):
   * its plain stores of the counts are final then, and no live thread holds any for that
   * mailbox but in a backlog, which it counts in its own held table.
   * @param heldThere the dead Worker's backlogs' lengths, by actor (see held_table.ts): the
   * record's is taken out.
   * @returns how many there were.
   */
  #lostWithWorker(
    record: ActorRecord,
    kind: DeadLetterKind,
    reason: string,
    heldThere: Map<string, HeldFor>,
  ): number {
    const { courier, directory, events, registry } = this.#parts;
    const mailbox = courier.mailbox(record.mailbox);
    let held = mailbox.held;
    mailbox.clearHeld();
    const key = actorKey(record.slot, record.generation);
    const backlog = heldThere.get(key);
    if (backlog !== undefined) {
      held += backlog.count;
      heldThere.delete(key);
    }
    if (held === 0) return 0;
    directory.countDeadLetter(kind, held);
    events.deadLetter({
      target: registry.refOf(record),
      sender: null,
      message: undefined,
      messageClass: "messages held in its Worker's memory",
      kind,
      reason: `${reason}; ${held} message${held === 1 ? "" : "s"} held in its Worker's memory ` +
        `(sent by actors of that Worker, or stashed) were lost with it`,
      count: held,
    });
    return held;
  }

  /**
   * Counts as dead letters what a dead Worker held in its backlogs for actors of other Workers
   * and nodes (`held`, after its own actors took theirs out), waiting for room in their
   * mailboxes: one report per actor. The guardian's are the Worker's reports about its own
   * actors, which the recovery settles anyway: no one's messages.
   * @param why why the Worker ended.
   * @returns how many messages there were.
   */
  #heldForOthers(held: Map<string, HeldFor>, kind: DeadLetterKind, why: string): number {
    const { courier, directory, events, guardian, registry } = this.#parts;
    let lost = 0;
    for (const { slot, generation, count } of held.values()) {
      if (slot === guardian.slot && generation === guardian.generation) continue;
      const local = slot >= 0;
      const target = local ? new ActorRef(slot, generation, 0, courier) : null;
      const name = local
        ? registry.nameOf(slot, generation) ?? `the actor in slot ${slot}`
        : "actors of other nodes";
      const where = local ? "its mailbox" : "the cluster link's outbox";
      directory.countDeadLetter(kind, count);
      events.deadLetter({
        target,
        sender: null,
        message: undefined,
        messageClass: "messages held in their sender's Worker's memory",
        kind,
        reason: `${count} message${count === 1 ? "" : "s"} to ${name} ` +
          `${count === 1 ? "was" : "were"} lost with the ` +
          `Worker of the actors that sent them (${why}): they waited there for room in ${where}`,
        count,
      });
      lost += count;
    }
    return lost;
  }

  /** Starts an actor that never started in the Worker it was sent to in a new one. */
  #replace(record: ActorRecord): void {
    const { registry, spawner, workers } = this.#parts;
    try {
      // A spare if there is one: each Worker started uses up one of the system's thread ids.
      registry.move(record, workers.takeDedicated());
    } catch (error) {
      this.#endUnstarted(
        record,
        "start-failed",
        couldNotStart(record.name, error),
      );
      return;
    }
    spawner.start(record);
  }

  /** Starts an actor whose Worker died again, behind the same ref and mailbox. */
  #respawn(record: ActorRecord, reason: string): void {
    const { courier, registry, shutdown, spawner, workers } = this.#parts;
    if (registry.of(registry.refOf(record)) !== record) return; // ended meanwhile
    if (shutdown.begun) {
      // The shutdown cut it off (it lists it): what waited for the new instance is its to count.
      return this.#endUnstarted(
        record,
        "shutdown",
        `${record.name} ended: the actor system shut down while it waited for its restart`,
      );
    }
    let worker: WorkerHandle;
    try {
      worker = record.placement.kind === "pool"
        ? workers.poolWorker(record.placement.pool)
        : workers.takeDedicated(); // a spare if there is one, as for a spawn
    } catch (error) {
      this.#endUnstarted(
        record,
        "worker-died",
        `${record.name} could not be restarted after its Worker died (${reason}): ` +
          messageOf(error),
      );
      return;
    }
    // Its mailbox still names the dead Worker's doorbell as its receiver: with none named,
    // a sender on the new Worker does not block on it (that Worker has to start the actor).
    courier.mailbox(record.mailbox).unbind();
    registry.move(record, worker);
    spawner.start(record);
  }

  /**
   * Ends an actor that could not be (re)started: its end is told, its mailbox drained (counted
   * in the shutdown's report when the shutdown is why).
   */
  #endUnstarted(
    record: ActorRecord,
    kind: "start-failed" | "worker-died" | "shutdown",
    why: string,
  ): void {
    const { courier, directory, registry, shutdown } = this.#parts;
    directory.setState(record.slot, SlotState.Dead);
    courier.mailbox(record.mailbox).close();
    this.#parts.inspector.ended(record, null);
    registry.endAll([{ record, kind, reason: why, error: null }]);
    const drained = this.recycle(record.slot, record.generation, record.mailbox, kind, why);
    if (kind === "shutdown") shutdown.undelivered(drained);
  }
}

/** What a dead Worker held, by actor ({@link actorKey}; the outbox's too). */
function heldByActor(held: HeldFor[]): Map<string, HeldFor> {
  const byActor = new Map<string, HeldFor>();
  for (const entry of held) {
    const key = actorKey(entry.slot, entry.generation);
    const before = byActor.get(key);
    byActor.set(
      key,
      before === undefined ? entry : { ...entry, count: before.count + entry.count },
    );
  }
  return byActor;
}

/** The key of an actor in {@link heldByActor}'s map. */
function actorKey(slot: number, generation: number): string {
  return `${slot}.${generation}`;
}
