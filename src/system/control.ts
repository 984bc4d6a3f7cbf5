/**
 * The messages the actor system sends between its threads: the main thread's guardian and each
 * worker's agent. They travel through ordinary mailboxes, like any message.
 *
 * @module
 */

import { registerMessage } from "../codec/mod.ts";
import type {
  ActorRef,
  DeadLetterKind,
  SupervisionStrategy,
  TerminationKind,
} from "../actor/mod.ts";

/**
 * Guardian -> worker agent: where the class with this id is, sent to a worker once, before the
 * first StartActor of that class there (a pool starts many actors of a few classes).
 */
export class DefineClass {
  constructor(
    readonly id = 0,
    readonly module = "",
    readonly exportName = "",
  ) {}
}
registerMessage(DefineClass, { name: "ringmail.DefineClass" });

/**
 * Guardian -> worker agent: construct an actor of class `classId` (see DefineClass) in your
 * worker. The constructor arguments are encoded on their own: they may hold instances of
 * classes that the actor's module registers, so they can only be decoded once the agent has
 * loaded that module. An empty name means the class's name. `parent` (null: the system)
 * supervises the actor with `strategy`.
 */
export class StartActor {
  constructor(
    readonly slot = 0,
    readonly generation = 0,
    readonly mailbox = 0,
    readonly classId = 0,
    readonly name = "",
    /** The constructor's arguments, encoded; null: none. */
    readonly args: Uint8Array | null = null,
    readonly parent: ActorRef<unknown> | null = null,
    /** Null for the system's strategy, which every Worker has from its bootstrap. */
    readonly strategy: SupervisionStrategy | null = null,
    /**
     * When it starts again after its Worker died: the times of its recent restarts (see
     * restartClock), which count towards its strategy's limit. Null: none.
     */
    readonly restarts: number[] | null = null,
  ) {}
}
registerMessage(StartActor, { name: "ringmail.StartActor" });

/**
 * Guardian -> worker agent: the actors to start, in order (each as a StartActor says). The
 * system sends the starts of one turn to a Worker together (see Spawner.start): one record, one
 * wake-up and one handler run for many actors, where a pool's spawns come by the thousand.
 *
 * Packed, not a StartActor each: most starts are four numbers (slot, generation, mailbox, class
 * id), written into `ids` as they come and copied into the ring as one block — a StartActor
 * object per spawn, written and read field by field, cost both threads ~10 % of a pool's spawn
 * (profiled). What a few starts need beyond that (a name, arguments, a parent, a strategy) is in
 * `extras`, by index, in order.
 */
export class StartActors {
  constructor(
    /** {@link START_IDS} numbers a start: slot, generation, mailbox offset, class id. */
    readonly ids: Int32Array = new Int32Array(0),
    readonly extras: StartExtra[] = [],
  ) {}

  /** How many actors to start. */
  get count(): number {
    return this.ids.length / START_IDS;
  }

  /** The start `index` (from 0, in order), as a StartActor; `extra` is its extra, if any. */
  start(index: number, extra: StartExtra | null): StartActor {
    const ids = this.ids;
    const at = index * START_IDS;
    return extra === null
      ? new StartActor(ids[at], ids[at + 1], ids[at + 2], ids[at + 3])
      : new StartActor(
        ids[at],
        ids[at + 1],
        ids[at + 2],
        ids[at + 3],
        extra.name,
        extra.args,
        extra.parent,
        extra.strategy,
        extra.restarts,
      );
  }
}
registerMessage(StartActors, { name: "ringmail.StartActors" });

/** The numbers of one start in {@link StartActors.ids}. */
export const START_IDS = 4;

/** What the start `index` of a StartActors has beyond its ids (see StartActor's fields). */
export class StartExtra {
  constructor(
    readonly index = 0,
    readonly name = "",
    readonly args: Uint8Array | null = null,
    readonly parent: ActorRef<unknown> | null = null,
    readonly strategy: SupervisionStrategy | null = null,
    readonly restarts: number[] | null = null,
  ) {}
}
registerMessage(StartExtra, { name: "ringmail.StartExtra" });

/** Worker agent -> guardian: the actor is constructed and takes messages. */
export class ActorStarted {
  constructor(readonly slot = 0, readonly generation = 0) {}
}
registerMessage(ActorStarted, { name: "ringmail.ActorStarted" });

/** Worker agent -> guardian: the actor could not be started; its mailbox is closed. */
export class SpawnFailed {
  constructor(
    readonly slot = 0,
    readonly generation = 0,
    readonly error: Error = new Error(),
    /**
     * Messages it handled, as its mailbox counted them: an actor restarted after its Worker died
     * ran before this start that failed.
     */
    readonly handled = 0,
    /** Its restarts, as its mailbox counted them. */
    readonly restarts = 0,
  ) {}
}
registerMessage(SpawnFailed, { name: "ringmail.SpawnFailed" });

/** Worker agent -> guardian: the actor stopped (`kind`, `reason`); its slot and mailbox are free again. */
export class ActorStopped {
  constructor(
    readonly slot = 0,
    readonly generation = 0,
    readonly kind: TerminationKind = "stopped",
    readonly reason = "",
    readonly error: Error | null = null,
    /** Messages it handled, as its mailbox counted them (the mailbox may serve another next). */
    readonly handled = 0,
    /** Its restarts, as its mailbox counted them. */
    readonly restarts = 0,
  ) {}
}
registerMessage(ActorStopped, { name: "ringmail.ActorStopped" });

/** Any thread -> guardian: a handler threw. */
export class HandlerFailed {
  constructor(
    readonly actor: ActorRef<unknown> | null = null,
    readonly actorName = "",
    readonly messageClass = "",
    readonly error: Error = new Error(),
    /**
     * When the actor's supervisor restarted it for this failure (see restartClock; 0: it did
     * not): the system counts it, so that a restart it decides after the actor's Worker dies
     * respects the same limit.
     */
    readonly restartedAt: number = 0,
  ) {}
}
registerMessage(HandlerFailed, { name: "ringmail.HandlerFailed" });

/**
 * Any thread -> guardian: a message could not be delivered or handled. The message itself
 * travels encoded (`message`, empty when it could not be): its class may be registered only in
 * modules the main thread never loaded, and the notice must arrive anyway.
 */
export class DeadLetterNotice {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly sender: ActorRef<unknown> | null = null,
    readonly messageClass = "",
    readonly kind: DeadLetterKind = "stopped",
    readonly reason = "",
    readonly message: Uint8Array = new Uint8Array(0),
    /** How many dead letters it stands for: more than one once reports had to wait (no message). */
    readonly count = 1,
  ) {}
}
registerMessage(DeadLetterNotice, { name: "ringmail.DeadLetterNotice" });

/**
 * Worker agent -> guardian: an actor spawned a child. The worker took the child's slot and
 * mailbox already (its ref is in use); the guardian places it and starts it. The child's class
 * is named by its module and export, like a DefineClass.
 */
export class SpawnChild {
  constructor(
    readonly slot = 0,
    readonly generation = 0,
    readonly mailbox = 0,
    readonly parent: ActorRef<unknown> | null = null,
    readonly module = "",
    readonly exportName = "",
    readonly name = "",
    /** The constructor's arguments, encoded; null: none. */
    readonly args: Uint8Array | null = null,
    readonly strategy: SupervisionStrategy = {},
    readonly near: ActorRef<unknown> | null = null,
    /**
     * The thread of the parent's instance that spawned it: a child of an instance whose Worker
     * died before this report was read is not started (the restart stopped that instance's
     * children, and the fresh one has none).
     */
    readonly from: number = 0,
  ) {}
}
registerMessage(SpawnChild, { name: "ringmail.SpawnChild" });

/** Any thread -> guardian: `watcher` wants `Terminated` when `target` ends. */
export class Watch {
  constructor(
    readonly watcher: ActorRef<unknown> | null = null,
    readonly target: ActorRef<unknown> | null = null,
  ) {}
}
registerMessage(Watch, { name: "ringmail.Watch" });

/**
 * One node's guardian -> another's (through the cluster link's control subject): `watcher`, an
 * actor of the sending node, watches `target`, an actor of the receiving node; `unwatch` ends
 * that. The receiving node tells `watcher` its `Terminated` like any watcher's.
 */
export class RemoteWatch {
  constructor(
    readonly watcher: ActorRef<unknown> | null = null,
    readonly target: ActorRef<unknown> | null = null,
    readonly unwatch = false,
  ) {}
}
registerMessage(RemoteWatch, { name: "ringmail.RemoteWatch" });

/**
 * One node -> another (a NATS request on the link's spawn subject): start an actor of the class
 * `exportName` of `module` there, with these arguments (encoded) and options; the answer is its
 * ref, or a `RemoteSpawnFailed`.
 */
export class RemoteSpawn {
  constructor(
    readonly module = "",
    readonly exportName = "",
    readonly name = "",
    readonly args: Uint8Array | null = null,
    readonly mailboxCapacity = 0,
    readonly sendTimeout = 0,
    readonly whenFull = "",
  ) {}
}
registerMessage(RemoteSpawn, { name: "ringmail.RemoteSpawn" });

/** The answer to a RemoteSpawn that could not start its actor: why, in words. */
export class RemoteSpawnFailed {
  constructor(readonly reason = "") {}
}
registerMessage(RemoteSpawnFailed, { name: "ringmail.RemoteSpawnFailed" });

/**
 * Node -> node, on the control subject, to each node whose calls `target` was sent: those
 * delivered to it get no reply — its Worker died and it is being restarted, so it does not end
 * (an end sends `Terminated` instead). `calls` says which: for each reply address of the
 * receiving node (a Bridge's, a Worker's desk), its slot, generation and the last reply tag
 * delivered to `target`'s node before the death, three numbers each (slot 0: all of the node's
 * calls, for an actor called from more addresses than it keeps). Calls with later tags came after
 * the restart, or were still on their way: the new instance answers them. A call still waiting in
 * the mailbox at the death counts as lost too, though the new instance answers it: that answer is
 * then a dead letter. (A Bridge of the actor's own node learns exactly which calls were taken:
 * src/system/waiting_calls.ts.)
 */
export class CallsLost {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly reason = "",
    readonly calls: number[] = [],
  ) {}
}
registerMessage(CallsLost, { name: "ringmail.CallsLost" });

/**
 * Node -> node, on the spawn subject: has `target`, an actor of the node asked, started? It
 * answers `true` once it runs, or a RemoteStartFailed (see ActorSystem.started).
 */
export class RemoteStarted {
  constructor(readonly target: ActorRef<unknown> | null = null) {}
}
registerMessage(RemoteStarted, { name: "ringmail.RemoteStarted" });

/** The answer to a RemoteStarted whose actor did not start: `dead` when it is no actor there. */
export class RemoteStartFailed {
  constructor(readonly dead = false, readonly reason = "") {}
}
registerMessage(RemoteStartFailed, { name: "ringmail.RemoteStartFailed" });

/**
 * System thread -> guardian: a Bridge waits for the end of `target`, an actor of another node:
 * the guardian watches it (its Terminated then settles the wait; see cluster.ts), or (`unwatch`)
 * no Bridge waits for it any more: the guardian unwatches it.
 */
export class WatchForBridge {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly unwatch = false,
  ) {}
}
registerMessage(WatchForBridge, { name: "ringmail.WatchForBridge" });

/**
 * Any thread -> guardian: `watcher` no longer watches `target`; `ended`: the watch ended with
 * the `Terminated` the watcher got (for an actor of another node: the system's record of the
 * watch goes, and nothing is sent to that node, which forgot it as its actor ended).
 */
export class Unwatch {
  constructor(
    readonly watcher: ActorRef<unknown> | null = null,
    readonly target: ActorRef<unknown> | null = null,
    readonly ended: boolean = false,
  ) {}
}
registerMessage(Unwatch, { name: "ringmail.Unwatch" });

/**
 * Guardian -> worker agents: a thread died and is marked dead in the arena; mailboxes held up
 * by records it reserved and never published can be served again. Each agent answers with
 * ThreadDiedSeen (see recovery.ts).
 */
export class ThreadDied {
  constructor(readonly threadId = 0) {}
}
registerMessage(ThreadDied, { name: "ringmail.ThreadDied" });

/**
 * Guardian -> each worker agent: another node of the cluster is down (see src/remote/peers.ts):
 * the asks of this Worker waiting on its actors fail now.
 */
export class NodeDown {
  constructor(readonly node = 0, readonly reason = "") {}
}
registerMessage(NodeDown, { name: "ringmail.NodeDown" });

/**
 * Worker agent -> guardian: this dedicated Worker hosts no actor any more. The guardian keeps it
 * as the spare for the next actor of its own (see WorkerSet.takeDedicated), or sends it Retire.
 */
export class WorkerIdle {
  constructor(readonly threadId = 0) {}
}
registerMessage(WorkerIdle, { name: "ringmail.WorkerIdle" });

/** Guardian -> worker agent: no actor will come to this idle Worker: end, if still idle. */
export class Retire {}
registerMessage(Retire, { name: "ringmail.Retire" });

/** Worker agent -> guardian: worker `seenBy` has taken in the death of `threadId`. */
export class ThreadDiedSeen {
  constructor(readonly threadId = 0, readonly seenBy = 0) {}
}
registerMessage(ThreadDiedSeen, { name: "ringmail.ThreadDiedSeen" });

/**
 * Worker -> guardian: the worker ends. With an empty `died` it hosts no actor any more and
 * handed everything back; otherwise code in it ended it (`Deno.exit`, `close()`) with actors
 * still in it, and `died` says how.
 */
export class WorkerExited {
  constructor(readonly threadId = 0, readonly died = "") {}
}
registerMessage(WorkerExited, { name: "ringmail.WorkerExited" });

/**
 * Worker -> guardian: actors of the Worker whose agent is `desk` ask `target` (see asks.ts);
 * tell the desk at once if it ends, or is lost with its Worker, while they wait
 * ({@link AskLost}). One watch per Worker and target, however many asks are pending.
 */
export class AskWatch {
  constructor(
    readonly desk: ActorRef<unknown> | null = null,
    readonly target: ActorRef<unknown> | null = null,
  ) {}
}
registerMessage(AskWatch, { name: "ringmail.AskWatch" });

/** Worker -> guardian: no ask of the Worker waits on `target` any more. */
export class AskUnwatch {
  constructor(
    readonly desk: ActorRef<unknown> | null = null,
    readonly target: ActorRef<unknown> | null = null,
  ) {}
}
registerMessage(AskUnwatch, { name: "ringmail.AskUnwatch" });

/**
 * Guardian -> a Worker's agent: `target`, which asks of the Worker wait on, ended or lost its
 * Worker (`reason`): those asks get no reply, and the watch is over; or (`upTo` not 0) an actor of
 * another node lost its Worker and is being restarted: the asks with tags up to `upTo` (-1: all)
 * get no reply (see CallsLost), and the watch goes on.
 */
export class AskLost {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly reason = "",
    readonly upTo = 0,
  ) {}
}
registerMessage(AskLost, { name: "ringmail.AskLost" });
