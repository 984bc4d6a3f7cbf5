/**
 * The system's part in a cluster (the `cluster` option): its node id, the outbox through which
 * every thread sends to other nodes (see src/delivery/outbox.ts), and the link that joins the
 * cluster — loaded on demand, with its NATS client, only when a cluster is configured.
 *
 * @module
 */

import { type ActorClass, actorKey, ActorRef, messageOf, Terminated } from "../actor/mod.ts";
import { decode } from "../codec/mod.ts";
import { noteCaller } from "./remote_callers.ts";
import { describeMessage, policyIndex } from "../delivery/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import {
  CallsLost,
  NodeDown,
  RemoteSpawn,
  RemoteSpawnFailed,
  RemoteStarted,
  RemoteStartFailed,
  RemoteWatch,
  WatchForBridge,
} from "./control.ts";
import { exportedClass } from "./exported_class.ts";
import { whenActorEnds } from "./actor_end.ts";
import { ActorDeadError, ClusterJoinError, SpawnError } from "./errors.ts";
import {
  checkRingCapacity,
  type ClusterOptions,
  type ClusterStatus,
  type SpawnOptions,
} from "./options.ts";
import { actorName, checkActorClass, checkSendTimeout, encodeArguments } from "./spawn_checks.ts";
import type { SystemParts } from "./system_parts.ts";
import type { JoinCluster, SystemLink } from "./cluster_link.ts";

/**
 * The last pass of #watchAgain to a node: its first and last control message, and whether another
 * is due, at the end of this turn or once this one is taken.
 */
interface Rewatch {
  first: number;
  last: number;
  due: "none" | "turn" | "taken";
}

/** The cluster code's entry (see SystemCluster's join). */
const REMOTE_MODULE = new URL("../remote/mod.ts", import.meta.url).href;

/** Bytes in the outbox ring: every message of the process to other nodes passes through it. */
const OUTBOX_BYTES = 1 << 20;

/** A new node id: random, never 0 (0 means "this process" in a ref). */
export function newNodeId(): number {
  const id = new Uint32Array(1);
  do crypto.getRandomValues(id); while (id[0] === 0);
  return id[0];
}

/** The system's cluster membership (see the module doc). */
export class SystemCluster {
  /** The outbox's handle on the system's thread; null outside a cluster. */
  readonly outbox: Mailbox | null = null;
  /** Settles once the node has joined (at once outside a cluster). */
  readonly joined: Promise<void>;
  #link: SystemLink | null = null;
  /**
   * The Bridges' waits on actors of other nodes, by node, slot and generation: the guardian
   * watches each of those actors while a wait on it is on.
   */
  readonly #endWaits = new Map<string, EndWaits>();
  /** Set once this node has left the cluster (its system shut down). */
  #left = false;
  /** The watches of actors of this node on actors of other nodes, by node. */
  readonly #remoteWatches = new Map<
    number,
    Map<string, { watcher: ActorRef<unknown>; target: ActorRef<unknown> }>
  >();
  /** By node: its re-watches (see #watchAgain). */
  readonly #rewatches = new Map<number, Rewatch>();

  constructor(
    readonly parts: SystemParts,
    readonly options: ClusterOptions | undefined,
  ) {
    if (options === undefined) {
      this.joined = Promise.resolve();
      return;
    }
    const { courier, doorbell } = parts;
    const outbox = courier.handles.create({ capacity: OUTBOX_BYTES });
    outbox.bindReceiver(doorbell);
    this.outbox = courier.outbox = outbox;
    this.joined = this.#join(options);
    // Awaited or not, a failed join is reported: sends to other nodes then become dead letters.
    this.joined.catch((error) => console.error("ringmail:", error));
  }

  /** The link, once joined. @throws {ClusterJoinError} outside a cluster, or if joining failed. */
  async link(what: string): Promise<SystemLink> {
    if (this.options === undefined) {
      throw new ClusterJoinError(
        `${what} needs a cluster: make the system with the cluster option ` +
          `(new ActorSystem({ cluster: { servers: "nats://127.0.0.1:4222" } }))`,
      );
    }
    await this.joined;
    return this.#link!;
  }

  /**
   * `watcher` (of this node) watches `target`, an actor of another node, or (`unwatch`) no longer
   * does. The target's node tells the watcher its `Terminated`; if the node goes down first,
   * this one tells it, with kind "node-down".
   */
  watchRemote(
    watcher: ActorRef<unknown>,
    target: ActorRef<unknown>,
    unwatch: boolean,
    ended = false,
  ): void {
    const node = target.node;
    const key = `${watcher.slot}.${watcher.generation}>${target.slot}.${target.generation}`;
    let watches = this.#remoteWatches.get(node);
    if (unwatch) {
      // A watch that ended with its Terminated is forgotten there already: only its record goes.
      if (watches?.delete(key) && !ended) {
        this.#link?.control(node, new RemoteWatch(watcher, target, true));
      }
      return;
    }
    const down = this.options === undefined
      ? "this system is in no cluster"
      : this.#link?.peers.downReason(node);
    if (down !== undefined) return this.#tellNodeDown(watcher, target, down);
    if (watches === undefined) {
      this.#remoteWatches.set(node, watches = new Map());
    }
    watches.set(key, { watcher, target });
    this.joined.then(
      () => this.#link!.control(node, new RemoteWatch(watcher, target)),
      (error) =>
        this.#tellNodeDown(
          watcher,
          target,
          `this node could not join: ${error}`,
        ),
    );
  }

  /**
   * Resolves with the `Terminated` of `target`, an actor of another node (for the Bridge's calls
   * and `whenTerminated`): the guardian watches it while a wait on it is on. A wait whose
   * `signal` aborts is forgotten (its promise never settles), and the watch goes with the last
   * wait: a Bridge keeps neither it nor the other node's record of it longer than it waits (see
   * src/bridge/lingering_waits.ts), as with Registry.whenEnded for this node's actors.
   */
  whenEnded(target: ActorRef<unknown>, signal?: AbortSignal): Promise<Terminated> {
    // Left: no end of another node's actor can be heard any more.
    if (this.#left) return Promise.resolve(leftEnd(target));
    const key = actorKey(target);
    return new Promise((resolve) => {
      if (signal?.aborted) return;
      let waits = this.#endWaits.get(key);
      if (waits === undefined) {
        this.#endWaits.set(key, waits = { target, waiting: [] });
        const { courier, guardian } = this.parts;
        courier.deliver(guardian, new WatchForBridge(target), guardian);
      }
      const wait: EndWait = { resolve, signal, onAbort: null };
      waits.waiting.push(wait);
      if (signal !== undefined) {
        wait.onAbort = () => this.#giveUp(key, waits, wait);
        signal.addEventListener("abort", wait.onAbort, { once: true });
      }
    });
  }

  /** `wait` was given up: the last wait on its actor takes the guardian's watch with it. */
  #giveUp(key: string, waits: EndWaits, wait: EndWait): void {
    const at = waits.waiting.indexOf(wait);
    if (at < 0) return; // settled already
    waits.waiting.splice(at, 1);
    if (waits.waiting.length > 0 || this.#endWaits.get(key) !== waits) return;
    this.#endWaits.delete(key);
    if (this.#left || this.parts.shutdown.begun) return;
    const { courier, guardian } = this.parts;
    courier.deliver(guardian, new WatchForBridge(waits.target, true), guardian);
  }

  /**
   * The calls `target`, an actor of this node, took get no reply (see CallsLost): tells each node
   * that sent it calls (`callers`: node, reply slot, generation and last tag, four numbers each;
   * see ActorRecord.remoteCallers) which of its calls, once. Whether that node's watch of it
   * has come yet or not does not matter: the watch, a control message, may come after the call.
   */
  callsLost(target: ActorRef<unknown>, callers: readonly number[], reason: string): void {
    const link = this.#link;
    if (link === null) return;
    const byNode = new Map<number, number[]>();
    for (let i = 0; i < callers.length; i += 4) {
      const node = callers[i];
      let calls = byNode.get(node);
      if (calls === undefined) byNode.set(node, calls = []);
      calls.push(callers[i + 1], callers[i + 2], callers[i + 3]);
    }
    for (const [node, calls] of byNode) link.control(node, new CallsLost(target, reason, calls));
  }

  /**
   * The instances of `watchers` died with their Worker (each ends, or runs again as a fresh
   * instance with no watches): their watches of other nodes' actors go, and those nodes forget
   * them. One pass over the watches, however many died. Not as the system shuts down: the
   * other nodes forget this one's watchers as it leaves.
   */
  forgetWatchesOf(watchers: Iterable<ActorRef<unknown>>): void {
    if (this.#remoteWatches.size === 0 || this.#left || this.parts.shutdown.begun) return;
    const dead = new Set<string>();
    for (const watcher of watchers) dead.add(`${watcher.slot}.${watcher.generation}`);
    if (dead.size === 0) return;
    for (const [node, watches] of this.#remoteWatches) {
      for (const [key, { watcher, target }] of watches) {
        if (!dead.has(`${watcher.slot}.${watcher.generation}`)) continue;
        watches.delete(key);
        this.#link?.control(node, new RemoteWatch(watcher, target, true));
      }
    }
  }

  /**
   * Records from node `node` may have been lost (a gap in its batches, or this node's connection
   * was lost): every watch of its actors still on is made again. A watched actor that has ended
   * meanwhile is told again at once by its node (watching an ended actor gets its `Terminated`),
   * as a control message is redelivered until taken; one still running is watched once there
   * (a watch made twice is one). A `Terminated` told twice is taken once: the watch ended with
   * the first (see DeathWatch.ended, and `ended` for the Bridge's waits).
   *
   * What was lost was sent before now, so any re-watch that node takes after this covers it: one
   * pass per acknowledgement round covers all the gaps of that round. Gaps come in runs on a
   * lossy link (several in one socket read, more before the first re-watch is even taken), and a
   * pass each — a control message per watch, kept until taken — would pile onto a node likely
   * overloaded already. So the gaps of one turn share a pass at its end; a pass still waiting to
   * be published goes after this and covers it; one published but not yet taken may have been
   * taken before the loss, so one more pass follows once it is taken (see #answered).
   */
  #watchAgain(node: number): void {
    if (this.#link === null || !this.#remoteWatches.has(node)) return;
    const pass = this.#rewatches.get(node);
    if (pass === undefined) return this.#rewatchThisTurn(node, { first: 0, last: 0, due: "none" });
    if (pass.due !== "none") return;
    if (this.#link.controlState(node, pass.first) === "waiting") return;
    if (this.#link.controlState(node, pass.last) !== "taken") pass.due = "taken";
    else this.#rewatchThisTurn(node, pass);
  }

  /** A node answered a ping: a re-watch due once the last one is taken goes if it was. */
  #answered(node: number): void {
    const pass = this.#rewatches.get(node);
    if (pass?.due !== "taken") return;
    const link = this.#link!;
    // Lost and sent again after the gaps it waited for: it covers them.
    if (link.controlState(node, pass.first) === "waiting") pass.due = "none";
    else if (link.controlState(node, pass.last) === "taken") this.#rewatchThisTurn(node, pass);
  }

  #rewatchThisTurn(node: number, pass: Rewatch): void {
    pass.due = "turn";
    this.#rewatches.set(node, pass);
    queueMicrotask(() => {
      const link = this.#link;
      const watches = this.#remoteWatches.get(node);
      // Down meanwhile (its watches ended), or this node left.
      if (link === null || watches === undefined || this.#rewatches.get(node) !== pass) return;
      pass.due = "none";
      let first: number | null = null;
      let last: number | null = null;
      for (const [key, { watcher, target }] of watches) {
        // A watcher that ended without unwatching (its Worker died): its watch goes with it.
        if (!this.#alive(watcher)) {
          watches.delete(key);
          continue;
        }
        last = link.control(node, new RemoteWatch(watcher, target));
        first ??= last;
      }
      if (first === null || last === null) return void this.#rewatches.delete(node);
      pass.first = first;
      pass.last = last;
    });
  }

  /** `count` records from node `from` were lost on the way (a gap in its batches). */
  recordsLost(from: number, count: number): void {
    const parts = this.parts;
    // A watched actor's Terminated may be among them (it goes in a batch, like any record,
    // to keep its place behind the actor's last words): its watcher would wait for good.
    this.#watchAgain(from);
    parts.directory.countDeadLetter("lost-in-transit", count);
    parts.events.deadLetter({
      target: null,
      sender: null,
      message: undefined,
      messageClass: "lost in transit",
      kind: "lost-in-transit",
      reason: `${count} messages from node ${from} were lost on the way (the link ` +
        `between the nodes broke, or the NATS server dropped them)`,
      count,
    });
  }

  /** Whether `watcher`, an actor of this node (or its guardian), still runs. */
  #alive(watcher: ActorRef<unknown>): boolean {
    return watcher.equals(this.parts.guardian) || this.parts.registry.of(watcher) !== undefined;
  }

  /** A `Terminated` came to the guardian: the waits on that actor settle (see whenEnded). */
  ended(end: Terminated): void {
    const actor = end.actor;
    if (actor === null) return;
    const key = actorKey(actor);
    const waits = this.#endWaits.get(key);
    if (waits === undefined) return;
    this.#endWaits.delete(key);
    settleAll(waits, end);
  }

  /** Node `node` is down: every watch on its actors ends with a `Terminated` of kind "node-down". */
  #remoteWatchesEnd(node: number, reason: string): void {
    const watches = this.#remoteWatches.get(node);
    if (watches === undefined) return;
    this.#remoteWatches.delete(node);
    for (const { watcher, target } of watches.values()) {
      this.#tellNodeDown(watcher, target, reason);
    }
  }

  #tellNodeDown(
    watcher: ActorRef<unknown>,
    target: ActorRef<unknown>,
    reason: string,
  ): void {
    const parts = this.parts;
    parts.courier.deliver(
      watcher,
      new Terminated(target, "node-down", reason),
      parts.guardian,
    );
  }

  /**
   * Starts an actor of `actorClass` on node `node` (this node's own id: here); resolves to its
   * ref once that node has taken it (its start goes on there, as a local spawn's does).
   */
  async spawnOn(
    node: number,
    actorClass: ActorClass,
    options: SpawnOptions,
    args: readonly unknown[],
    timeoutMs: number,
  ): Promise<ActorRef<unknown>> {
    const parts = this.parts;
    if (!(Number.isInteger(node) && node >= 0 && node <= 0xffff_ffff)) {
      throw new RangeError(
        `spawnOn takes a node's id (a ref's \`node\`, or system.node), got ${node}`,
      );
    }
    // 0 is what a ref of this process says of its node.
    if (node === 0 || node === parts.courier.node) {
      // As on another node, a class its module does not export is refused here, not in its
      // Worker after the ref came back.
      const module = checkActorClass(actorClass);
      const exported = await exportedClass(module, actorClass.name);
      if (!("found" in exported && exported.found === actorClass)) {
        throw new SpawnError(
          `${actorName(options.name, actorClass)} could not be spawned on node ` +
            `${parts.courier.node}: ${
              "why" in exported ? exported.why : `${module} exports no ${actorClass.name}`
            }`,
        );
      }
      return parts.spawner.spawn(actorClass, options, args);
    }
    const module = checkActorClass(actorClass);
    if (options.pool !== undefined || options.near !== undefined) {
      throw new TypeError(
        "a spawn on another node takes no pool and no near: those name this node's Workers",
      );
    }
    const name = actorName(options.name, actorClass);
    // Checked here, as a spawn here checks them: a bad option is the caller's RangeError at once,
    // not that node's SpawnError after a round trip (and 0, "the default" on the wire, is no size).
    checkSendTimeout(options.sendTimeout);
    policyIndex(options.whenFull);
    if (options.mailboxCapacity !== undefined) {
      checkRingCapacity("mailboxCapacity", options.mailboxCapacity);
    }
    const request = new RemoteSpawn(
      module,
      actorClass.name,
      name,
      encodeArguments(name, args, parts.courier, true),
      options.mailboxCapacity ?? 0,
      options.sendTimeout ?? 0,
      options.whenFull ?? "",
    );
    const answer = await (await this.link("spawnOn")).spawnThere(
      node,
      request,
      timeoutMs,
    );
    if (answer instanceof ActorRef) return answer;
    const reason = answer instanceof RemoteSpawnFailed ? answer.reason : String(answer);
    throw new SpawnError(
      `${name} could not be spawned on node ${node}: ${reason}`,
    );
  }

  /**
   * Resolves once `target`, an actor of another node, runs there (what `system.started` does
   * for one of this node's).
   * @throws {SpawnError} when it could not start, or its node did not answer within `timeoutMs`.
   * @throws {ActorDeadError} when it is no actor that node is starting or running.
   */
  async startedThere(target: ActorRef<unknown>, timeoutMs: number): Promise<void> {
    let answer: unknown;
    try {
      answer = await (await this.link("started")).spawnThere(
        target.node,
        new RemoteStarted(target),
        timeoutMs,
      );
    } catch (error) {
      if (error instanceof ActorDeadError) throw error;
      throw new SpawnError(
        `node ${target.node} did not say whether ${target} started: ${messageOf(error)}`,
        { cause: error },
      );
    }
    if (answer === true) return;
    if (answer instanceof RemoteStartFailed) {
      throw answer.dead ? new ActorDeadError(answer.reason) : new SpawnError(answer.reason);
    }
    throw new SpawnError(
      `node ${target.node} gave no answer ringmail knows (a different version?)`,
    );
  }

  /** Another node asks this one to start an actor (see RemoteSpawn), or whether one started. */
  async #spawnHere(request: unknown): Promise<unknown> {
    if (request instanceof RemoteStarted) {
      try {
        await this.parts.spawner.whenStarted(request.target!);
        return true;
      } catch (error) {
        return new RemoteStartFailed(error instanceof ActorDeadError, messageOf(error));
      }
    }
    if (!(request instanceof RemoteSpawn)) {
      return new RemoteSpawnFailed(
        "the request was not a spawn (a different ringmail version?)",
      );
    }
    const exported = await exportedClass(request.module, request.exportName);
    if ("why" in exported) return new RemoteSpawnFailed(exported.why);
    const actorClass = exported.found;
    if (actorClass === undefined) {
      return new RemoteSpawnFailed(
        `${request.module} exports no ${request.exportName}`,
      );
    }
    const args = request.args === null ? [] : decode(request.args, this.parts.courier) as unknown[];
    const options: SpawnOptions = { name: request.name };
    if (request.mailboxCapacity !== 0) {
      options.mailboxCapacity = request.mailboxCapacity;
    }
    if (request.sendTimeout !== 0) options.sendTimeout = request.sendTimeout;
    if (request.whenFull !== "") {
      options.whenFull = request.whenFull as "wait" | "drop";
    }
    return this.parts.spawner.spawn(actorClass as ActorClass, options, args);
  }

  /**
   * What this node knows of its links now, read on this thread; null outside a cluster, or
   * before joining.
   */
  statusNow(): ClusterStatus | null {
    return this.#link?.status() ?? null;
  }

  /**
   * @internal How many entries this node's cluster state holds — the link's, the watches of
   * other nodes' actors, the Bridge's waits, the other nodes' watches of this node's actors —
   * for tests that check nothing grows with nodes that come and go; null outside a cluster.
   */
  sizes(): Record<string, number> | null {
    if (this.#link === null) return null;
    let remoteWatches = 0;
    for (const watches of this.#remoteWatches.values()) remoteWatches += watches.size;
    return {
      ...this.#link.sizes(),
      remoteWatchNodes: this.#remoteWatches.size,
      remoteWatches,
      rewatchNodes: this.#rewatches.size,
      endWaits: this.#endWaits.size,
      endWaiters: [...this.#endWaits.values()].reduce(
        (sum, waits) => sum + waits.waiting.length,
        0,
      ),
      watchersFromAfar: this.parts.registry.remoteWatcherCount(),
      callersFromAfar: this.parts.registry.remoteCallerCount(),
    };
  }

  /** What this node knows of its links (none outside a cluster). */
  async status(): Promise<ClusterStatus> {
    if (this.options === undefined) return { node: 0, connected: false, links: [] };
    return (await this.link("clusterStatus")).status();
  }

  /**
   * Names `ref` across the cluster, until its actor ends (or this node leaves).
   * @throws {TypeError} when `ref` is not an actor's ref.
   * @throws {ActorDeadError} when its actor has ended, or its node is down.
   */
  async register(name: string, ref: ActorRef<unknown>): Promise<void> {
    if (!(ref instanceof ActorRef)) {
      throw new TypeError(
        `register names an actor's ref (what spawn returns), got ${describeMessage(ref)}`,
      );
    }
    // A name goes with its actor: one that has ended would be given up as soon as it was
    // taken, and the register's success would name an actor nobody finds.
    const { registry, spawner } = this.parts;
    if (ref.node === 0 && registry.of(ref) === undefined && !spawner.unannounced(ref)) {
      const end = registry.endOf(ref);
      throw new ActorDeadError(
        `cannot register ${JSON.stringify(name)}: ${ref} ` +
          (end === undefined
            ? "is not an actor this system is running"
            : `is not running: ${end.reason}`),
      );
    }
    const link = await this.link("register");
    const down = ref.node === 0 ? undefined : link.peers.downReason(ref.node);
    if (down !== undefined) {
      throw new ActorDeadError(`cannot register ${JSON.stringify(name)}: ${ref}'s ${down}`);
    }
    await link.names.register(name, ref);
    // The name goes with its actor: a dead actor's name would be found, and never free again.
    whenActorEnds(this.parts, ref).then(() => {
      if (this.#left || this.parts.shutdown.begun) return; // the node's leave gives it up
      link.names.release(name, ref).catch((error) => {
        console.warn(
          `ringmail: the name ${JSON.stringify(name)} of ${ref}, which ended, could not be ` +
            `given up (${messageOf(error)}); it is tried again until the cluster takes it`,
        );
      });
    });
  }

  /** The actor named `name` anywhere in the cluster. */
  async lookup(name: string, timeoutMs: number): Promise<ActorRef<unknown>> {
    return await (await this.link("lookup")).names.lookup(name, timeoutMs);
  }

  /**
   * Leaves the cluster: the batches begun are published, what never left is reported (dead
   * letters "shutdown"), then the connection closes. @returns how many were reported.
   */
  async close(): Promise<number> {
    if (this.options === undefined) return 0;
    await this.joined.catch(() => {});
    this.parts.courier.outboxWritten = null;
    let abandoned = 0;
    try {
      abandoned = await this.#link?.close() ?? 0;
    } finally {
      this.outbox?.close();
      // The waits on other nodes' actors would never hear of their ends now.
      this.#left = true;
      const waits = [...this.#endWaits.values()];
      this.#endWaits.clear();
      for (const each of waits) settleAll(each, leftEnd(each.target));
    }
    return abandoned;
  }

  async #join(options: ClusterOptions): Promise<void> {
    const parts = this.parts;
    let joinCluster: JoinCluster;
    try {
      // A URL computed at run time: Deno does not see the cluster code (and its NATS client)
      // when it loads a program, so a program without a cluster downloads and loads none of it.
      ({ joinCluster } = await import(REMOTE_MODULE) as { joinCluster: JoinCluster });
    } catch (error) {
      this.outbox!.close();
      throw new ClusterJoinError(
        `could not load ringmail's cluster code and its NATS client (npm:@nats-io/transport-node): ` +
          `${messageOf(error)}; a first run needs the npm registry (or a filled Deno cache)`,
        { cause: error },
      );
    }
    try {
      this.#link = await joinCluster({
        node: parts.courier.node,
        cluster: options.name ?? "ringmail",
        prefix: `ringmail.${options.name ?? "ringmail"}`,
        courier: parts.courier,
        directory: parts.directory,
        outbox: this.outbox!,
        guardian: parts.guardian,
        spawnHere: (request) => this.#spawnHere(request),
        running: (ref) => parts.registry.of(ref) !== undefined || parts.spawner.unannounced(ref),
        calledFromAfar: (slot, generation, from, replySlot, replyGeneration, tag) => {
          const record = parts.registry.at(slot);
          if (record?.generation !== generation) return;
          noteCaller(record.remoteCallers ??= [], from, replySlot, replyGeneration, tag);
        },
        lost: (from, count) => this.recordsLost(from, count),
        refused: (from, count, why) => {
          parts.directory.countDeadLetter("node-down", count);
          parts.events.deadLetter({
            target: null,
            sender: null,
            message: undefined,
            messageClass: "refused",
            kind: "node-down",
            reason: `${count} messages from node ${from} were refused: ${why}`,
            count,
          });
        },
      }, options);
    } catch (error) {
      this.outbox!.close();
      const refused = refusedByDeno(error);
      throw new ClusterJoinError(
        refused === undefined
          ? `could not join the cluster at ${options.servers}: ${
            (error as { name?: unknown } | null)?.name === "TimeoutError"
              ? "a server there took the connection but did not answer in time (is it frozen, " +
                "or overloaded?)"
              : "is a NATS server running there? (start one with `nats-server -a 127.0.0.1`)"
          }`
          : `could not join the cluster at ${options.servers}: Deno refused the connection ` +
            `(${refused}): run the program with --allow-net, naming the server's host exactly ` +
            `as the URL does (--allow-net=127.0.0.1 does not allow "localhost")`,
        { cause: error },
      );
    }
    const link = this.#link;
    parts.courier.outboxWritten = () => link.kick();
    // Records lost in the outage are counted as they are found (a gap, see `lost` above); a node
    // that answers again is asked for the ends anyway, before any batch or ping of it shows one.
    link.onReachedAgain((node) => this.#watchAgain(node));
    link.peers.onAnswer((node) => this.#answered(node));
    this.#link.peers.onDown((node, reason) => {
      parts.events.nodeDown(node, reason);
      this.#remoteWatchesEnd(node, reason);
      this.#rewatches.delete(node);
      parts.registry.forgetWatchersOn(node);
      // Each Worker's asks waiting on the node's actors fail too.
      parts.spawner.sendStarts(); // after what each agent was told before
      for (const handle of parts.workers.values()) {
        parts.courier.deliver(
          handle.agent,
          new NodeDown(node, reason),
          parts.guardian,
        );
      }
    });
  }
}

/** What a wait on the end of `target`, an actor of another node, gets once this node has left. */
function leftEnd(target: ActorRef<unknown>): Terminated {
  return new Terminated(
    target,
    "node-down",
    "this node left the cluster (its actor system shut down): the end of an actor of another " +
      "node can no longer be heard",
  );
}

/**
 * What Deno said when it refused the NATS client a connection for want of --allow-net, or
 * undefined if `error` (or any cause behind it) is no such refusal: Deno's own NotCapable, or
 * the EPERM its node:dns gives for a host name the flag does not allow.
 */
function refusedByDeno(error: unknown): string | undefined {
  for (let seen = 0; error instanceof Error && seen < 8; seen++) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return error.message;
    }
    const { code, syscall } = error as { code?: unknown; syscall?: unknown };
    if (code === "EPERM" && (syscall === "getaddrinfo" || syscall === "connect")) {
      return error.message;
    }
    error = error.cause;
  }
  return undefined;
}

/** A Bridge's wait on the end of an actor of another node (see SystemCluster.whenEnded). */
interface EndWait {
  readonly resolve: (end: Terminated) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

/** The waits on one actor of another node, which the guardian watches while there are any. */
interface EndWaits {
  readonly target: ActorRef<unknown>;
  readonly waiting: EndWait[];
}

/** Settles every wait of `waits` with `end`, and lets go of their signals. */
function settleAll(waits: EndWaits, end: Terminated): void {
  for (const wait of waits.waiting.splice(0)) {
    if (wait.onAbort !== null) wait.signal!.removeEventListener("abort", wait.onAbort);
    wait.resolve(end);
  }
}
