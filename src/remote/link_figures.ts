/**
 * A link's figures (see LinkStatus): the link counts records, bytes and batches per node as it
 * publishes and takes batches — once a batch, on the system's thread, never per message in a
 * Worker — and samples the counts every 250 ms for their rates. Credit stalls come from Credits,
 * round trips from Peers; {@link LinkFigures.status} puts them together.
 *
 * @module
 */

import type { ClusterStatus, LinkStatus } from "../system/options.ts";
import { SAMPLE_EVERY_MS, SampleClock, Track } from "../system/rates.ts";
import type { Rate } from "../system/snapshot.ts";
import type { Credits } from "./credits.ts";
import type { Peers } from "./peers.ts";

/**
 * How long a node found down is still listed (ms), with why: long enough for a look now and then
 * to see it, and no longer, since a node that restarts comes back as a new node — a cluster whose
 * nodes restart for weeks would otherwise list, sample and export (OpenTelemetry) every one of
 * them for good. It stays down all the same (see Peers).
 */
export const DOWN_LINK_LISTED_MS = 60_000;

/** One link's counts so far. */
export class LinkCounts {
  recordsSent = 0;
  recordsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  batchesSent = 0;
  batchesReceived = 0;
  /** The credit of the entries sent, wrapping at 2^32 (see wire.ts): the next batch's head. */
  creditSent = 0;
  /** The records begun in the entries sent, wrapping at 2^32 (see wire.ts): the next head. */
  begunSent = 0;
  /** Whether the last entry sent is a piece of a record that the next batch goes on with. */
  midRecord = false;
  /** The sampled counts (records sent, received, bytes sent, received); null until sampled. */
  tracks: [Track, Track, Track, Track] | null = null;

  /** The counts that have rates, in the order of {@link tracks}. */
  rated(): [number, number, number, number] {
    return [this.recordsSent, this.recordsReceived, this.bytesSent, this.bytesReceived];
  }
}

/** Every link's figures (see the module doc). */
export class LinkFigures {
  readonly #counts = new Map<number, LinkCounts>();
  /**
   * The nodes found down less than DOWN_LINK_LISTED_MS ago, with when (performance.now()), oldest
   * first: listed, then forgotten. Only these are walked, not every node ever found down.
   */
  readonly #recentlyDown = new Map<number, number>();
  readonly #clock = new SampleClock();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(readonly peers: Peers, readonly credits: Credits) {
    peers.onDown((node) => this.#recentlyDown.set(node, performance.now()));
    this.#timer = setInterval(() => this.#sample(), SAMPLE_EVERY_MS);
    // Sampling never keeps a program alive.
    Deno.unrefTimer(this.#timer);
  }

  /** The counts of the link to `node`, if there is one yet (see {@link of}). */
  find(node: number): LinkCounts | undefined {
    return this.#counts.get(node);
  }

  /** `node`'s counts (made at its first batch). */
  of(node: number): LinkCounts {
    let counts = this.#counts.get(node);
    if (counts === undefined) this.#counts.set(node, counts = new LinkCounts());
    return counts;
  }

  /**
   * Every link's figures now (`node`: this node's id; `connected`: whether its connection is up):
   * those of a node down for DOWN_LINK_LISTED_MS or more are dropped, not listed.
   */
  status(node: number, connected: boolean, now: number = performance.now()): ClusterStatus {
    const links: LinkStatus[] = this.peers.watched().map((peer) => ({
      ...this.#figures(peer.node, now),
      up: true,
      roundTripMs: peer.roundTripMs,
      roundTripAverageMs: peer.roundTripAverageMs,
      reason: "",
    }));
    this.#forgetLongDown(now);
    for (const node of this.#recentlyDown.keys()) {
      links.push({
        ...this.#figures(node, now),
        up: false,
        roundTripMs: -1,
        roundTripAverageMs: -1,
        reason: this.peers.downReason(node) ?? "",
      });
    }
    return { node, connected, links };
  }

  /** @internal How many links it counts (tests: what stays per node that left). */
  get size(): number {
    return this.#counts.size;
  }

  /** Stops sampling. */
  close(): void {
    clearInterval(this.#timer);
  }

  /** The figures of the nodes down for DOWN_LINK_LISTED_MS go: their counts and stalls. */
  #forgetLongDown(now: number): void {
    for (const [node, since] of this.#recentlyDown) {
      if (now - since < DOWN_LINK_LISTED_MS) return;
      this.#recentlyDown.delete(node);
      this.#counts.delete(node);
      this.credits.forgetStalls(node);
    }
  }

  #figures(
    node: number,
    now: number,
  ): Omit<LinkStatus, "up" | "roundTripMs" | "roundTripAverageMs" | "reason"> {
    const counts = this.#counts.get(node) ?? new LinkCounts();
    const [recordsSentRate, recordsReceivedRate, bytesSentRate, bytesReceivedRate] = counts
      .rated().map((value, at) => this.#rate(counts.tracks?.[at], value, now));
    const stalls = this.credits.stalls(node);
    return {
      node,
      recordsSent: counts.recordsSent,
      recordsReceived: counts.recordsReceived,
      recordsSentRate,
      recordsReceivedRate,
      bytesSent: counts.bytesSent,
      bytesReceived: counts.bytesReceived,
      bytesSentRate,
      bytesReceivedRate,
      batchesSent: counts.batchesSent,
      batchesReceived: counts.batchesReceived,
      waitingForCredit: this.credits.waiting(node),
      creditStalls: stalls.count,
      creditStalledMs: stalls.ms,
    };
  }

  #rate(track: Track | undefined, value: number, now: number): Rate {
    if (track === undefined) return { lastSecond: 0, lastTenSeconds: 0 };
    return {
      lastSecond: track.rate(this.#clock, value, now, 1_000),
      lastTenSeconds: track.rate(this.#clock, value, now, 10_000),
    };
  }

  #sample(): void {
    const now = performance.now();
    // Counts of a node down for long go, whether or not anyone asks (see DOWN_LINK_LISTED_MS).
    this.#forgetLongDown(now);
    const index = this.#clock.tick(now);
    for (const counts of this.#counts.values()) {
      const values = counts.rated();
      counts.tracks ??= [
        new Track(0, values[0], now),
        new Track(0, values[1], now),
        new Track(0, values[2], now),
        new Track(0, values[3], now),
      ];
      for (let at = 0; at < 4; at++) counts.tracks[at].values[index] = values[at];
    }
  }
}
