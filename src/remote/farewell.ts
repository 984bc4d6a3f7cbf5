/**
 * A leaving node's last exchange with the others. It says it leaves, on a subject every node of
 * the cluster reads; each node then finds it down at once (what waits for it there becomes dead
 * letters, calls to its actors fail) and pings it one last time. That ping is published after
 * the pinging node's last batch to it, so when it comes, everything that node sent has arrived
 * — or is counted as lost by the ping (see BatchReceiver.sentSoFar) — and nothing more will
 * come: the leaving node may stop reading. Without this, what the others sent between its
 * unsubscribing and their next ping went to a subject nobody read, and vanished.
 *
 * The notice: u32 the leaving node's id (little-endian).
 *
 * @module
 */

import { deferred } from "../util/deferred.ts";

/** The bytes of the notice that node `node` leaves. */
export function writeLeaving(node: number): Uint8Array {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, node >>> 0, true);
  return data;
}

/** The node a leaving notice names; null for bytes that are none. */
export function readLeaving(data: Uint8Array): number | null {
  if (data.length !== 4) return null;
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
}

/**
 * The leaving node's wait for the last ping of each node that sent it anything: over once every
 * such node has pinged since the notice (see {@link heard}, {@link check}).
 */
export class Farewell {
  readonly #heard = new Set<number>();
  readonly #over = deferred();
  /** @param senders the nodes this node has taken batches or pings from (and not found down). */
  constructor(readonly senders: () => Iterable<number>) {}

  /** Resolves once every sender has been heard from. */
  get over(): Promise<void> {
    return this.#over.promise;
  }

  /** Node `from` pinged: all it sent is in. */
  heard(from: number): void {
    this.#heard.add(from);
    this.check();
  }

  /** Looks again whether every sender has been heard from (a new one may have sent meanwhile). */
  check(): void {
    for (const node of this.senders()) if (!this.#heard.has(node)) return;
    this.#over.resolve();
  }
}
