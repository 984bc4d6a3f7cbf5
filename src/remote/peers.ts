/**
 * Peers: which other nodes of the cluster are alive, as far as this node can tell. A node this
 * one talks to is pinged (a NATS request to its ping subject) every `pingIntervalMs`:
 *
 * - nobody answers for it ("no responders": NATS knows its connection is gone — a process that
 *   was killed, or exited): it is down at once;
 * - its answers stop coming (a process frozen, a network cut off): it is down once
 *   `downAfterMs` passed since its last answer.
 *
 * A node that is down stays down: it is an incarnation (a random id per start), and a process
 * that restarts is a new one. Only on the system's own thread.
 *
 * @module
 */

/** The weight of the newest round trip in the smoothed one. */
const ROUND_TRIP_WEIGHT = 0.2;
/**
 * A ping that came back unanswered after this many times its timeout tells of this node's own
 * stall, not of the other node's silence (see Peers.#ping).
 */
const STALLED_AFTER = 2;

/**
 * What one ping learned: it answered; nobody answers for it (its process ended); no answer in
 * time; or it answered that it has found this node down (see BatchReceiver.sentSoFar).
 */
export type PingResult = "answered" | "nobody" | "silent" | "found-down";

/** How peers are watched. */
export interface PeerTiming {
  /** Ms between two pings of a node. */
  readonly pingIntervalMs: number;
  /** Ms without an answer after which a node is down. */
  readonly downAfterMs: number;
}

interface Peer {
  lastAnswer: number;
  /** The last ping's round trip, in ms (-1: none answered yet). */
  roundTripMs: number;
  /** The round trips, smoothed (-1: none answered yet). */
  roundTripAverageMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * This node's connection was lost, and the peer has not answered since: nobody answering for
   * it is no sign that its process ended — it may not have subscribed again yet.
   */
  reconnecting: boolean;
  /** Counts the peer's ping rounds restarted (see {@link Peers.reconnected}): an older one stops. */
  round: number;
  /** Whether it has shown it is there: answered a ping, or sent this node a batch. */
  alive: boolean;
  /**
   * Ms since its last answer that this node was stalled itself (see {@link Peers.#ping}): not
   * counted as the peer's silence.
   */
  stalledMs: number;
}

/** The nodes this node knows of. */
export class Peers {
  readonly #peers = new Map<number, Peer>();
  readonly #down = new Map<number, string>();
  readonly #listeners = new Set<(node: number, reason: string) => void>();
  readonly #answerListeners = new Set<(node: number) => void>();
  /** Why this node is a dead incarnation to another (see {@link foundDownBy}); set once. */
  #foundDown: string | undefined;
  readonly #foundDownListeners = new Set<(reason: string) => void>();
  /** Whether this node's connection is lost (see {@link disconnected}), and since when. */
  #offline = false;
  #offlineSince = 0;
  /** When it last came back (see {@link reconnected}); -Infinity: never lost. */
  #reconnectedAt = -Infinity;
  #closed = false;

  /** @param ping asks `node` whether it is there. */
  constructor(
    readonly timing: PeerTiming,
    readonly ping: (node: number, timeoutMs: number) => Promise<PingResult>,
  ) {}

  /** Whether this node's connection to the server is lost (see {@link disconnected}). */
  get offline(): boolean {
    return this.#offline;
  }

  /**
   * Whether nobody answering for `node` may only mean that it has not subscribed again since the
   * server came back: it has not answered since this node's connection was lost, or that came
   * back less than `downAfterMs` ago.
   */
  mayNotHaveSubscribed(node: number): boolean {
    return this.#peers.get(node)?.reconnecting === true ||
      performance.now() - this.#reconnectedAt < this.timing.downAfterMs;
  }

  /** Why `node` is down, or undefined while it is not known to be. */
  downReason(node: number): string | undefined {
    return this.#down.get(node);
  }

  /**
   * Why another node found this one down, or undefined while none is known to: this node is then
   * a dead incarnation to it (its refs are dead there, what it sends is refused), for good.
   */
  get foundDown(): string | undefined {
    return this.#foundDown;
  }

  /**
   * `node` answered that it found this node down (this node did not answer it for its
   * downAfterMs: frozen, or cut off): it stays down for it, so it is down here too, and this node
   * is the one found down — unless this node had found it down first: then each found the other
   * down, and a node dead here says nothing of this one.
   */
  foundDownBy(node: number): void {
    if (node === 0 || this.#down.has(node)) return;
    const reason = `node ${node} found this node down (this node did not answer it for its ` +
      `downAfterMs: frozen, or cut off), and a node found down stays down`;
    this.down(node, `node ${node} is unreachable: ${reason}; restart this node to reach it again`);
    if (this.#foundDown !== undefined) return;
    this.#foundDown = reason;
    for (const listener of this.#foundDownListeners) {
      try {
        listener(reason);
      } catch (error) {
        console.error("ringmail: a listener of this node being found down failed:", error);
      }
    }
  }

  /** Calls `listener` once another node is known to have found this one down (see foundDown). */
  onFoundDown(listener: (reason: string) => void): () => void {
    this.#foundDownListeners.add(listener);
    return () => this.#foundDownListeners.delete(listener);
  }

  /** The nodes watched, with their last ping's round trip and its average (ms; -1: none yet). */
  watched(): { node: number; roundTripMs: number; roundTripAverageMs: number }[] {
    return Array.from(this.#peers, ([node, peer]) => ({
      node,
      roundTripMs: peer.roundTripMs,
      roundTripAverageMs: peer.roundTripAverageMs,
    }));
  }

  /** Calls `listener` for each node that goes down from now on; returns its remover. */
  onDown(listener: (node: number, reason: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` each time a node answers a ping; returns its remover. */
  onAnswer(listener: (node: number) => void): () => void {
    this.#answerListeners.add(listener);
    return () => this.#answerListeners.delete(listener);
  }

  /**
   * This node talks to `node` (or heard from it: `heard`): keep an eye on it.
   */
  watch(node: number, heard = false): void {
    const known = this.#peers.get(node);
    if (known !== undefined && heard) known.alive = true;
    if (this.#closed || known !== undefined || this.#down.has(node)) return;
    const peer: Peer = {
      lastAnswer: performance.now(),
      roundTripMs: -1,
      roundTripAverageMs: -1,
      timer: undefined,
      // First met while this node is cut off: not a sign of life from it either.
      reconnecting: this.#offline,
      round: 0,
      alive: heard,
      stalledMs: 0,
    };
    this.#peers.set(node, peer);
    this.#schedule(node, peer, 0);
  }

  /**
   * Whether `node` has shown it is there (answered a ping, or sent this node a batch) since this
   * node began to watch it: what is published for a node that never has may go to nobody.
   */
  hasShownLife(node: number): boolean {
    return this.#peers.get(node)?.alive === true;
  }

  /** Whether this node watches `node`, or has found it down: it talks, or talked, to it. */
  knows(node: number): boolean {
    return this.#peers.has(node) || this.#down.has(node);
  }

  /** Declares `node` down, for `reason`, and tells the listeners. */
  down(node: number, reason: string): void {
    if (this.#down.has(node)) return;
    const peer = this.#peers.get(node);
    if (peer !== undefined) clearTimeout(peer.timer);
    this.#peers.delete(node);
    this.#down.set(node, reason);
    for (const listener of this.#listeners) listener(node, reason);
  }

  /**
   * This node's connection is lost (the NATS server restarts, say): from now until each peer
   * answers again, nobody answering for it is no sign that its process ended — it may not have
   * reconnected and subscribed again yet, and a ping sent into the outage may be answered so
   * once the connection is back. Only `downAfterMs` without an answer downs it then. Set here,
   * not at the reconnect: that news may come after such an answer.
   */
  disconnected(): void {
    if (!this.#offline) this.#offlineSince = performance.now();
    this.#offline = true;
    for (const peer of this.#peers.values()) peer.reconnecting = true;
  }

  /**
   * This node's connection came back: each peer is pinged at once (not after the ping sent into
   * the outage times out); see {@link disconnected} for what its silence means until it answers.
   */
  reconnected(): void {
    this.#offline = false;
    this.#reconnectedAt = performance.now();
    for (const [node, peer] of this.#peers) {
      peer.reconnecting = true;
      peer.round++;
      clearTimeout(peer.timer);
      this.#schedule(node, peer, 0);
    }
  }

  /**
   * Why `node` is down after no answer for `downAfterMs`: when this node's own connection was
   * lost meanwhile, that is the likelier story, and what the reader should look at.
   */
  #silenceReason(node: number, peer: Peer, now: number): string {
    const stalled = peer.stalledMs > 0
      ? ` (${Math.round(peer.stalledMs)} ms of them while this node was stalled itself)`
      : "";
    const silent = `it has not answered for ${Math.round(now - peer.lastAnswer)} ms${stalled}`;
    if (this.#offline) {
      return `node ${node} is unreachable: this node's connection to the NATS server has been ` +
        `lost for ${Math.round(now - this.#offlineSince)} ms, and ${silent}`;
    }
    if (peer.reconnecting) {
      return `node ${node} is unreachable: ${silent}, not since this node's connection to the ` +
        `NATS server was lost`;
    }
    return `node ${node} is unreachable: ${silent}`;
  }

  /** @internal How many entries its maps hold (tests: what stays per node that left). */
  sizes(): Record<string, number> {
    return {
      peers: this.#peers.size,
      down: this.#down.size,
      downListeners: this.#listeners.size,
      answerListeners: this.#answerListeners.size,
      foundDownListeners: this.#foundDownListeners.size,
    };
  }

  /** Stops pinging. */
  close(): void {
    this.#closed = true;
    for (const peer of this.#peers.values()) clearTimeout(peer.timer);
    this.#peers.clear();
  }

  #schedule(node: number, peer: Peer, delay: number): void {
    const round = peer.round;
    peer.timer = setTimeout(() => {
      this.#ping(node, peer, round).catch((error) => {
        console.error(`ringmail: pinging node ${node} failed:`, error);
      });
    }, delay);
  }

  async #ping(node: number, peer: Peer, round: number): Promise<void> {
    const { pingIntervalMs, downAfterMs } = this.timing;
    const sent = performance.now();
    const timeoutMs = Math.min(downAfterMs, Math.max(pingIntervalMs * 4, 50));
    const result = await this.ping(node, timeoutMs);
    if (this.#closed || this.#peers.get(node) !== peer || peer.round !== round) return;
    const now = performance.now();
    if (result === "answered") {
      peer.alive = true;
      peer.lastAnswer = now;
      peer.stalledMs = 0;
      peer.reconnecting = false;
      peer.roundTripMs = now - sent;
      // An exponential average: one slow answer moves it a little, a slow link a lot.
      peer.roundTripAverageMs = peer.roundTripAverageMs < 0
        ? peer.roundTripMs
        : peer.roundTripAverageMs +
          ROUND_TRIP_WEIGHT * (peer.roundTripMs - peer.roundTripAverageMs);
      // The next ping is due whatever a listener does.
      this.#schedule(node, peer, pingIntervalMs);
      for (const listener of this.#answerListeners) {
        try {
          listener(node);
        } catch (error) {
          console.error(`ringmail: a listener of node ${node}'s answers failed:`, error);
        }
      }
      return;
    } else if (result === "found-down") {
      return this.foundDownBy(node);
    } else if (result === "nobody" && !peer.reconnecting) {
      return this.down(
        node,
        `node ${node} is unreachable: its process ended (nobody answers for it)`,
      );
    }
    const stalled = now - sent > STALLED_AFTER * timeoutMs;
    if (stalled) {
      // No answer in time, but this node's own timers ran that late: it was stalled itself
      // (frozen, then resumed; or starved of CPU), and the timeout fired before the answer
      // waiting in the socket was read. The time past the timeout says nothing of the other
      // node. Only that time: a node stalled at every ping (its loop lagging for good) would
      // otherwise never find a frozen node down, and calls on it would wait for good.
      peer.stalledMs += now - sent - timeoutMs;
    }
    if (now - peer.lastAnswer - peer.stalledMs >= downAfterMs) {
      return this.down(node, this.#silenceReason(node, peer, now));
    }
    // After a stall, asked again at once: it answers, or says it found this node down
    // meanwhile, or stays silent.
    this.#schedule(node, peer, stalled ? 0 : pingIntervalMs);
  }
}
