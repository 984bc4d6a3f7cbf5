/**
 * The cluster link: this node's one NATS connection, on the system's own thread. It
 *
 * - drains the outbox (src/delivery/outbox.ts), where every thread of the process puts its
 *   records for other nodes, and publishes them in batches, one subject per node
 *   (`<prefix>.<node>`: one subscription per node, not per actor);
 * - takes the batches other nodes publish to it and puts each record into its target's mailbox
 *   as it came, without decoding it (the courier's policy and backlogs apply, as to any send);
 * - answers pings (`<prefix>.<node>.ping`) and watches the nodes it talks to (see Peers): a node
 *   that goes down fails the calls waiting on it, and what is sent to it becomes dead letters
 *   of kind "node-down";
 * - says so when it leaves (`<prefix>.leaving`), and hears when others do (see farewell.ts);
 * - counts what goes over each link (see link_figures.ts) and answers the NATS services
 *   protocol's discovery (see service.ts);
 * - registers and looks up named actors (see names.ts).
 *
 * The first two are its send side (batch_sender.ts) and its receive side (batch_receiver.ts);
 * this file ties them to the connection and holds the rest: control messages, spawns, pings.
 *
 * @module
 */

import { messageOf } from "../actor/mod.ts";
import { RingmailError } from "../errors.ts";
import { ActorDeadError, SpawnError } from "../system/errors.ts";
import { CallsLost, RemoteSpawnFailed, RemoteWatch } from "../system/control.ts";
import { decode, encode, messageName } from "../codec/mod.ts";
import { describeMessage } from "../delivery/mod.ts";
import { BatchReceiver } from "./batch_receiver.ts";
import { BatchSender } from "./batch_sender.ts";
import { ControlReceiver, ControlSender } from "./controls.ts";
import { Credits } from "./credits.ts";
import type { ClusterStatus } from "../system/options.ts";
import type { LinkHost, SystemLink } from "../system/cluster_link.ts";
import { MOST_CALLS_LOST_NUMBERS } from "../system/remote_callers.ts";
import { LinkFigures } from "./link_figures.ts";
import { NodeService } from "./service.ts";
import { Peers, type PeerTiming, type PingResult } from "./peers.ts";
import { type Names, openKvNames, SubjectNames } from "./names.ts";
import { readPingAnswer, readSentSoFar, writeSentSoFar } from "./wire.ts";
import { Farewell, readLeaving, writeLeaving } from "./farewell.ts";
import {
  controlHeaders,
  controlSequence,
  foundDownHeaders,
  fromHeaders,
  fromNode,
  isFoundDown,
  isNoResponders,
  isTimeout,
  type Msg,
  type NatsConnection,
  onMessage,
  type Subscription,
} from "./nats.ts";
import { beforeTimeout, TIMED_OUT } from "../util/before_timeout.ts";

/**
 * How long a node that leaves waits — for the last pings of the nodes that sent it records (see
 * farewell.ts), and for the NATS server to give its names up and drain what it published —
 * before it closes the connection anyway: a node or server that answers nothing (frozen, or cut
 * off without a reset) would otherwise hold the shutdown for good.
 */
const LEAVE_WAIT_MS = 2_000;
/** The payload of an answer that says all in its headers. */
const NO_DATA = new Uint8Array(0);
/**
 * How long a leave still unfinished when the connection is closed is waited for: a step that
 * needs the server (a drain) never ends once it is closed.
 */
const CLOSED_LEAVE_WAIT_MS = 250;
/**
 * How much of that a leaving node gives the others' last pings (see farewell.ts): a node frozen
 * meanwhile never pings, and the names and the drain still need their turn.
 */
const FAREWELL_WAIT_MS = 1_000;
/**
 * How many kinds of control message this node does not know it tells of (see #refuseControl): a
 * newer build has a few; a node that sends garbage would otherwise fill the log and this set.
 */
const REFUSED_CONTROL_KINDS_TOLD = 32;

/** One node's link to its cluster. */
export class ClusterLink implements SystemLink {
  readonly peers: Peers;
  /** The cluster's names (see names.ts); set by {@link start}. */
  names!: Names;
  readonly #nc: NatsConnection;
  readonly #host: LinkHost;
  readonly #subscriptions: Subscription[] = [];
  /** The send side: the outbox, drained into batches (see batch_sender.ts). */
  readonly #sender: BatchSender;
  /** The receive side: other nodes' batches, into mailboxes (see batch_receiver.ts). */
  readonly #receiver: BatchReceiver;
  readonly #figures: LinkFigures;
  readonly #service: NodeService;
  #closed = false;
  /** Set while this node leaves: its wait for the others' last pings (see farewell.ts). */
  #farewell: Farewell | null = null;
  /** Set once a leave has taken LEAVE_WAIT_MS: the connection is being closed. */
  #late = false;
  /** Spawn requests waiting for their answer, by node (a node that leaves fails them). */
  readonly #asking = new Map<number, number>();
  /** The control messages to other nodes: numbered, kept until taken (see controls.ts). */
  readonly #controlsOut: ControlSender;
  /** Which control message of each node comes next (see controls.ts). */
  readonly #controlsIn = new ControlReceiver();
  /** Headers naming this node, on its spawn requests (control messages number theirs). */
  readonly #from: ReturnType<typeof fromHeaders>;
  /** The kinds of control message refused so far (see #refuseControl): each is told once. */
  readonly #refusedControls = new Set<string>();
  /** Who hears of a node answering again after this node's connection was lost. */
  readonly #reachedAgain = new Set<(node: number) => void>();

  constructor(nc: NatsConnection, host: LinkHost, timing: PeerTiming) {
    this.#nc = nc;
    this.#host = host;
    this.#from = fromHeaders(host.node);
    this.#controlsOut = new ControlSender((node, sequence, data) =>
      this.#nc.publish(`${host.prefix}.${node}.ctl`, data, {
        headers: controlHeaders(host.node, sequence),
      })
    );
    this.peers = new Peers(
      timing,
      (node, timeoutMs) => this.#ping(node, timeoutMs),
    );
    // Credit per node this node sends to: the sender spends it, the figures time its stalls.
    const credits = new Credits();
    this.#figures = new LinkFigures(this.peers, credits);
    // Each side's batches carry the grants of the other side's credit (see credits.ts).
    this.#sender = new BatchSender(
      nc,
      host,
      this.peers,
      credits,
      this.#figures,
      (node) => this.#receiver.riding(node),
      (node) => this.#receiver.resendGrant(node),
    );
    this.#receiver = new BatchReceiver(
      nc,
      host,
      this.peers,
      this.#figures,
      (node, total) => this.#sender.granted(node, total),
      (node) => this.#controlsIn.taken(node),
    );
    // Records kept for a node waiting for its credit die with it, as dead letters; nothing is
    // owed to it any more.
    this.peers.onDown((node, reason) => {
      this.#sender.nodeDown(node, reason);
      this.#receiver.forget(node);
      // A watch of its actors is answered by the down itself (SystemCluster.watchRemote); the
      // calls another node's lost wait for it no more; what it sends is refused.
      this.#controlsOut.forget(node);
      this.#controlsIn.forget(node);
    });
    host.courier.leftBacklog = (node, length) => this.#receiver.leftBacklog(node, length);
    this.#watchConnection(nc);
    this.peers.onAnswer((node) => {
      // Kept only for its first answer: no return after an outage.
      const wasPaused = this.#sender.isPaused(node) && !this.#sender.awaitsFirstAnswer(node);
      this.#sender.resume(node);
      this.#sendControlWaiting(node);
      if (!wasPaused) return;
      for (const listener of this.#reachedAgain) {
        try {
          listener(node);
        } catch (error) {
          console.error(`ringmail: a listener of node ${node}'s return failed:`, error);
        }
      }
    });
    const here = `${host.prefix}.${host.node}`;
    this.#service = new NodeService(nc, {
      cluster: host.cluster,
      node: host.node,
      statusSubject: `${here}.status`,
      status: () => this.status(),
    });
    this.#subscriptions.push(
      nc.subscribe(here, {
        callback: onMessage((msg) => {
          if (this.#receiver.take(msg.data)) this.#sender.awaitAnswers();
          // A node first heard from as this one leaves: its last ping is awaited too.
          this.#farewell?.check();
        }),
      }),
      nc.subscribe(`${here}.ping`, {
        callback: onMessage((msg) => msg.respond(this.#receiver.sentSoFar(msg.data))),
      }),
      nc.subscribe(`${here}.farewell`, {
        callback: onMessage((msg) => {
          // A node's last ping as this one leaves (see #nodeLeft): all it sent is in, or counted.
          // Its own subject: a regular ping sent before that node read the notice says nothing
          // of what it sends next.
          this.#receiver.sentSoFar(msg.data);
          const from = readSentSoFar(msg.data)?.from;
          if (from !== undefined) this.#farewell?.heard(from);
        }),
      }),
      nc.subscribe(`${host.prefix}.leaving`, {
        callback: onMessage((msg) => this.#nodeLeft(msg.data)),
      }),
      nc.subscribe(`${here}.ctl`, {
        callback: onMessage((msg) => this.#controlled(msg)),
      }),
      nc.subscribe(`${here}.spawn`, {
        callback: onMessage((msg) => this.#spawnHere(msg)),
      }),
      nc.subscribe(`${here}.credit`, {
        callback: onMessage((msg) => this.#sender.credited(msg.data)),
      }),
    );
  }

  /**
   * Calls `listener` with each node that answers again after this node's connection was lost:
   * what went in batches then (a watched actor's `Terminated`) may have been lost, and is asked
   * for again (control messages are redelivered on their own, see controls.ts).
   */
  onReachedAgain(listener: (node: number) => void): void {
    this.#reachedAgain.add(listener);
  }

  /**
   * @internal How many entries the link's per-node and per-operation state holds, and the NATS
   * client's subscriptions and requests in flight (tests: nothing grows with nodes that come and
   * go, nor with operations done).
   */
  sizes(): Record<string, number> {
    const protocol = (this.#nc as unknown as {
      protocol?: { subscriptions?: { size(): number }; muxSubscriptions?: { size(): number } };
    }).protocol;
    return {
      ...this.peers.sizes(),
      ...this.#sender.sizes(),
      ...this.#receiver.sizes(),
      figures: this.#figures.size,
      asking: this.#asking.size,
      ...this.#controlsOut.sizes(),
      controlsIn: this.#controlsIn.size,
      reachedAgain: this.#reachedAgain.size,
      ...this.names.sizes(),
      natsSubscriptions: protocol?.subscriptions?.size() ?? -1,
      natsRequests: protocol?.muxSubscriptions?.size() ?? -1,
    };
  }

  /** A record was just put into the outbox on this thread: out now (see BatchSender.kick). */
  kick(): void {
    this.#sender.kick();
  }

  /** What this node knows of its links to other nodes (see ActorSystem.clusterStatus). */
  status(): ClusterStatus {
    return this.#figures.status(this.#host.node, !this.peers.offline);
  }

  /**
   * Starts draining the outbox, once the server knows this node's subscriptions, with the
   * cluster's names in a KV bucket when the server has JetStream (exclusive), else answered by
   * subscriptions (see names.ts).
   */
  async start(): Promise<void> {
    const ping = async (node: number) => {
      const says = await this.#ping(node, this.peers.timing.downAfterMs);
      // Learnt from as a watched node's answer is (see Peers.foundDownBy).
      if (says === "found-down") this.peers.foundDownBy(node);
      return says;
    };
    const gone = async (node: number) => {
      if (this.peers.downReason(node) !== undefined) return true;
      // One this node talks to is pinged already: found down in time if it goes.
      if (this.peers.knows(node) || this.peers.offline) return false;
      // One it never met (its process may have ended before this one started) is asked.
      return await ping(node) === "nobody" && !this.peers.mayNotHaveSubscribed(node);
    };
    this.names = await openKvNames(this.#nc, this.#host, this.peers, ping, gone) ??
      new SubjectNames(this.#nc, this.#host, this.peers);
    this.peers.onFoundDown(() => this.names.foundDown());
    await this.#nc.flush();
    this.#sender.start();
  }

  /**
   * Sends a control message (one of the guardians' own) to node `node`'s guardian: refs inside
   * it name this node's actors with this node's id. It is kept until that node says it took it,
   * and published again if it did not (see controls.ts); to a node found down, nothing goes.
   * Returns its number (see {@link controlState}), or null when nothing went.
   */
  control(node: number, message: unknown): number | null {
    if (this.peers.downReason(node) !== undefined) return null;
    this.peers.watch(node);
    const data = encode(message, this.#host.courier);
    // Not while what the client publishes could go out into the outage, as records do not (see
    // BatchSender.pauseAll): it would only be sent again.
    return this.#controlsOut.send(
      node,
      data,
      !this.peers.offline && !this.#sender.isPaused(node),
    );
  }

  /** Where control message `sequence` to `node` is (see ControlSender.state). */
  controlState(node: number, sequence: number): "taken" | "waiting" | "sent" {
    return this.#controlsOut.state(node, sequence);
  }

  /**
   * Node `node` answered: the control messages that waited for it go, and those its answer
   * showed lost go again (see {@link control}).
   */
  #sendControlWaiting(node: number): void {
    if (!this.peers.offline) this.#controlsOut.flush(node);
  }

  /**
   * Asks node `node` to start an actor (`request`, a RemoteSpawn): resolves to its answer.
   * @throws {ActorDeadError} when nobody answers for the node, or it is (or goes) down.
   * @throws {SpawnError} when the request is larger than the NATS server takes, or no answer
   * came within `timeoutMs`.
   */
  async spawnThere(
    node: number,
    request: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    const courier = this.#host.courier;
    const down = this.peers.downReason(node);
    if (down !== undefined) {
      throw new ActorDeadError(`cannot reach node ${node}: ${down}`);
    }
    if (this.peers.offline) {
      // Asked now, the request would wait in the client, go out at the reconnect and likely
      // meet a node that has not subscribed again yet: it would fail at its timeout, or as if
      // that node had died.
      throw new SpawnError(
        `cannot ask node ${node} to spawn: this node's connection to the NATS server is down ` +
          `(it is reconnecting); retry once clusterStatus().connected is true`,
      );
    }
    const data = encode(request, courier);
    const maxPayload = this.#nc.info?.max_payload;
    if (maxPayload !== undefined && data.length > maxPayload) {
      throw new SpawnError(
        `cannot ask node ${node} to spawn: the request takes ${data.length} bytes, more than the ` +
          `NATS server takes in one message (its max_payload, ${maxPayload}); pass smaller ` +
          `constructor arguments, and send large data to the actor in messages (they travel in ` +
          `pieces)`,
      );
    }
    // A node this one talks to is pinged: if it freezes or dies while it answers, it is
    // declared down, and the request fails then, not at its timeout.
    let unwatch = () => {};
    const wentDown = new Promise<never>((_, reject) => {
      unwatch = this.peers.onDown((downNode, reason) => {
        if (downNode === node) reject(new ActorDeadError(`cannot reach node ${node}: ${reason}`));
      });
    });
    const asked = this.#nc.request(`${this.#host.prefix}.${node}.spawn`, data, {
      timeout: timeoutMs,
      headers: this.#from,
    });
    this.#asking.set(node, (this.#asking.get(node) ?? 0) + 1);
    // Whichever loses the race below settles unobserved.
    asked.catch(() => {});
    wentDown.catch(() => {});
    try {
      const reply = await Promise.race([asked, wentDown]);
      if (isFoundDown(reply)) {
        // It found this node down: as when a ping is answered so (see Peers.foundDownBy).
        this.peers.foundDownBy(node);
        throw new ActorDeadError(
          `cannot spawn on node ${node}: ${this.peers.downReason(node) ?? "it is down"}`,
        );
      }
      // Answered: watched from now on (a node that answers nothing is not, nor reported down).
      this.peers.watch(node);
      return decode(reply.data, courier);
    } catch (error) {
      if (error instanceof RingmailError) throw error;
      if (isNoResponders(error)) {
        if (this.peers.mayNotHaveSubscribed(node)) {
          throw new SpawnError(
            `node ${node} did not answer: this node's connection to the NATS server came back ` +
              `just now, and that node may not have subscribed again yet; retry`,
            { cause: error },
          );
        }
        throw new ActorDeadError(
          `cannot reach node ${node}: it is not in this cluster (down?)`,
          { cause: error },
        );
      }
      throw new SpawnError(
        isTimeout(error)
          ? `node ${node} did not answer within ${timeoutMs} ms`
          : `could not ask node ${node}: ${messageOf(error)}`,
        { cause: error },
      );
    } finally {
      unwatch();
      const asking = this.#asking.get(node)! - 1;
      if (asking === 0) this.#asking.delete(node);
      else this.#asking.set(node, asking);
    }
  }

  async #spawnHere(msg: Msg): Promise<void> {
    const courier = this.#host.courier;
    // From a node found down: refused, as its batches are; it learns so from the answer.
    const from = fromNode(msg);
    if (from !== 0 && this.peers.downReason(from) !== undefined) {
      try {
        msg.respond(NO_DATA, { headers: foundDownHeaders(this.#host.node) });
      } catch (error) {
        if (!this.#closed) console.error("ringmail: a spawn request could not be refused:", error);
      }
      return;
    }
    let answer: unknown;
    try {
      answer = await this.#host.spawnHere(decode(msg.data, courier));
    } catch (error) {
      answer = new RemoteSpawnFailed(messageOf(error));
    }
    try {
      msg.respond(encode(answer, courier));
    } catch (error) {
      // This node left while the spawn was being made (its module loading): the asking node
      // hears no answer and finds this node gone, as for any request in flight as a node leaves.
      if (!this.#closed) {
        console.error("ringmail: the answer to a spawn request could not be sent:", error);
      }
    }
  }

  /**
   * A control message from another node: to this node's guardian. One from a node found down is
   * dropped: it would watch for a node whose watches are forgotten, or settle calls it no longer
   * makes. (Not a dead letter: no one's message, as the runtime's notices are not.)
   */
  #controlled(msg: Msg): void {
    const from = fromNode(msg);
    if (from !== 0 && this.peers.downReason(from) !== undefined) return;
    // Watched from now on, as a node that sends batches is: what it asks this node to keep (its
    // actors' watches of this node's, see Registry.watchFromAfar) goes when it is found down.
    // A node that only watched was never pinged, nor found down when it left or died, and the
    // watched actor kept its watches for good (nodes restart as new nodes). Heard from: it is
    // there, as a node that sent a batch is.
    if (from !== 0) this.peers.watch(from, true);
    // Taken in order, once: one sent again, or after one lost, is not (see controls.ts). One
    // without a number (an older build) is taken as it comes.
    const sequence = controlSequence(msg);
    if (from !== 0 && sequence !== null && !this.#controlsIn.take(from, sequence)) return;
    const data = msg.data;
    let message: unknown;
    try {
      message = decode(data, this.#host.courier);
    } catch (error) {
      return this.#refuseControl(from, `one this node could not read (${messageOf(error)})`);
    }
    // Only the guardian's own: it would drop any other without a word (a message of the system
    // to itself is nobody's dead letter).
    if (!(message instanceof RemoteWatch || message instanceof CallsLost)) {
      const constructor = (message as { constructor?: unknown } | null)?.constructor;
      return this.#refuseControl(
        from,
        `a ${messageName(constructor) ?? describeMessage(message)}, which is no control message ` +
          `this node knows`,
      );
    }
    // Decoded, a few bytes can name a sparse array of 2^27 calls: walked, it would hold this
    // thread for seconds, for nothing any node sends.
    if (
      message instanceof CallsLost &&
      !(Array.isArray(message.calls) && message.calls.length <= MOST_CALLS_LOST_NUMBERS)
    ) {
      const length = Array.isArray(message.calls) ? message.calls.length : "no array of";
      return this.#refuseControl(
        from,
        `a CallsLost naming ${length} numbers, where a node sends at most ` +
          MOST_CALLS_LOST_NUMBERS,
      );
    }
    // From the system (the guardian to itself): a control message is the runtime's, never an
    // outsider's message refused (and counted) while this node shuts down.
    this.#host.courier.deliver(this.#host.guardian, message, this.#host.guardian);
  }

  /**
   * A control message from node `from` (0: it did not say) was `what`, and is dropped: told once
   * per kind, since a node of another version sends it again with each watch or loss, and what it
   * stood for (a watch, a notice) will not happen.
   */
  #refuseControl(from: number, what: string): void {
    const told = this.#refusedControls;
    if (told.has(what) || told.size >= REFUSED_CONTROL_KINDS_TOLD) return;
    told.add(what);
    const last = told.size === REFUSED_CONTROL_KINDS_TOLD
      ? `; this is the last kind told of (${REFUSED_CONTROL_KINDS_TOLD} were)`
      : "";
    console.warn(
      `ringmail: ${from === 0 ? "a node that did not say which" : `node ${from}`} sent a control ` +
        `message that was ${what}: it is dropped, and what it asked for (a watch, or a notice) ` +
        `does not happen here. Is that node of another ringmail version? Run the same version ` +
        `on every node; this is told once for each kind${last}`,
    );
  }

  /**
   * Stops what a link that never started runs on its own (its figures' sampler, its pings, its
   * service): its join failed, and its connection is closed by whoever made it.
   */
  discard(): void {
    this.#closed = true;
    this.peers.close();
    this.#figures.close();
    this.#service.close();
  }

  /**
   * Stops: publishes the batches begun, reports what never left as dead letters, drops the
   * subscriptions, stops pinging. @returns how many messages it reported.
   */
  async close(): Promise<number> {
    if (this.#closed) return 0;
    this.#closed = true;
    this.#sender.stop();
    this.#receiver.close();
    this.#host.courier.leftBacklog = null;
    await this.#sender.stopped;
    let abandoned = 0;
    try {
      this.#sender.flushAll();
      // Closed first: nothing gets in after what never left is reported.
      const outbox = this.#host.outbox;
      outbox.close();
      abandoned = this.#sender.abandon() + this.#host.courier.dropBacklog(
        outbox,
        "shutdown",
        "this node shut down before it could send it to the other node",
      );
    } finally {
      await this.#closeRest();
    }
    return abandoned;
  }

  async #closeRest(): Promise<void> {
    this.peers.close();
    this.#figures.close();
    this.#service.close();
    const leaving = this.#leave();
    try {
      if (await beforeTimeout(leaving, LEAVE_WAIT_MS) === TIMED_OUT) {
        // From now on the connection is closing: nothing more is asked of it (a drain begun
        // while it closes never ends).
        this.#late = true;
        console.warn(
          `ringmail: node ${this.#host.node} left the cluster without the NATS server's answer ` +
            `within ${LEAVE_WAIT_MS} ms (is it frozen, or cut off?): what it published last may ` +
            `not have reached it`,
        );
      }
    } finally {
      // Closing ends what still waits for the server: its requests fail. A drain begun before
      // the close never settles after it: the leave is waited for a moment only, and an error it
      // ends with later is still told.
      await this.#nc.close();
      if (await beforeTimeout(leaving, CLOSED_LEAVE_WAIT_MS) === TIMED_OUT) {
        leaving.catch((error) => {
          console.warn(
            `ringmail: node ${this.#host.node}'s leave failed after its connection closed:`,
            error,
          );
        });
      }
    }
  }

  /**
   * Says goodbye (see #sayFarewell) and stops reading; gives this node's names up, then drains
   * the connection (see #drain) — unless the leave's time ran out meanwhile.
   */
  async #leave(): Promise<void> {
    const reachable = !this.peers.offline;
    try {
      if (reachable) await this.#sayFarewell();
    } finally {
      for (const subscription of this.#subscriptions) subscription.unsubscribe();
    }
    try {
      if (!this.#late) await this.names.close(reachable);
    } finally {
      if (reachable && !this.#late) await this.#drain();
    }
  }

  /**
   * Tells the cluster that this node leaves, then waits (at most FAREWELL_WAIT_MS) for the last
   * ping of each node it has heard from: what they sent is all in then, or counted lost (see
   * farewell.ts).
   */
  async #sayFarewell(): Promise<void> {
    const farewell = this.#farewell = new Farewell(() => this.#receiver.senders());
    try {
      this.#nc.publish(`${this.#host.prefix}.leaving`, writeLeaving(this.#host.node));
    } catch (error) {
      console.warn(
        `ringmail: node ${this.#host.node} could not tell the cluster that it leaves ` +
          `(${messageOf(error)}): the other nodes find it down at their next ping, and what they ` +
          `send it meanwhile is lost`,
      );
      return;
    }
    farewell.check();
    await beforeTimeout(farewell.over, FAREWELL_WAIT_MS);
  }

  /**
   * Node `data` names leaves the cluster: it is down from now on (what waits for it becomes dead
   * letters, calls to its actors fail), and a last ping tells it what this node sent it, after
   * everything this node published to it (see farewell.ts).
   */
  #nodeLeft(data: Uint8Array): void {
    const node = readLeaving(data);
    if (node === null || node === this.#host.node) return;
    // Leaving too (two nodes at once): its notice comes after the last batch it published, so
    // nothing more will come from it.
    this.#farewell?.heard(node);
    // A node this one never talked to (nor waits for) leaves nothing to settle, nor a link to
    // show as down.
    if (this.#closed || !(this.peers.knows(node) || this.#asking.has(node))) return;
    this.peers.down(node, `node ${node} left the cluster (it shut down)`);
    try {
      this.#nc.publish(`${this.#host.prefix}.${node}.farewell`, this.#sentSoFar(node));
    } catch (error) {
      // The connection went meanwhile: the node leaving waits for this ping until its time is up.
      console.warn(`ringmail: could not send the last ping to node ${node}, which leaves:`, error);
    }
  }

  /**
   * Drains the connection, so that what was published reaches the server before #closeRest
   * closes it. A connection that is down is not drained (the client refuses, and would go on
   * reconnecting for good, keeping the process alive): what its client holds for the server is
   * dropped — no record of ours (those wait while the connection is down, and were reported as
   * the link closed), but pings, grants and control messages — unless the connection went down
   * during the drain, which may take the batches published last with it.
   */
  async #drain(): Promise<void> {
    try {
      await this.#nc.drain();
    } catch (error) {
      // Closed because the server took too long (#closeRest said so), or lost meanwhile.
      if (this.#nc.isClosed()) return;
      console.warn(
        `ringmail: node ${this.#host.node} could not drain its connection as it left ` +
          `(${messageOf(error)}): what it published last may not have reached the server`,
      );
    }
  }

  /**
   * Follows this node's connection: lost, records wait (see BatchSender.pauseAll) and silence
   * downs no peer at once (see Peers.disconnected); back, the peers are pinged (see
   * Peers.reconnected).
   */
  #watchConnection(nc: NatsConnection): void {
    (async () => {
      for await (const status of nc.status()) {
        // What the server got for a node that has not subscribed again yet would be dropped:
        // records wait, each node's until it answers a ping.
        if (status.type === "disconnect") {
          this.peers.disconnected();
          this.#sender.pauseAll();
        }
        if (status.type === "reconnect") this.peers.reconnected();
      }
    })().catch((error) => {
      console.error("ringmail: the cluster link stopped watching its connection:", error);
    });
  }

  /**
   * What this node has sent `node` so far, for its ping (see BatchReceiver.sentSoFar): published
   * after every batch it counts, so it never overtakes one.
   */
  #sentSoFar(node: number): Uint8Array {
    const counts = this.#figures.find(node);
    return writeSentSoFar({
      from: this.#host.node,
      // Nothing sent yet: all zero.
      sequence: counts?.recordsSent ?? 0,
      begun: counts?.begunSent ?? 0,
      credit: counts?.creditSent ?? 0,
      midRecord: counts?.midRecord ?? false,
    });
  }

  async #ping(node: number, timeoutMs: number): Promise<PingResult> {
    // What was published before the ping, and not taken by its answer, was lost.
    const mark = this.#controlsOut.mark();
    try {
      const answer = await this.#nc.request(
        `${this.#host.prefix}.${node}.ping`,
        this.#sentSoFar(node),
        { timeout: timeoutMs },
      );
      const said = readPingAnswer(answer.data);
      if (said === "found-down") return said;
      if (said !== null) {
        // The credit it has granted this node so far: a grant lost with a connection is made
        // good.
        this.#sender.granted(node, said.granted);
        this.#controlsOut.answered(node, said.controlsTaken, mark);
      }
      return "answered";
    } catch (error) {
      return isNoResponders(error) ? "nobody" : "silent";
    }
  }
}
