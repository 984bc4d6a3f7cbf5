/**
 * Control messages between nodes (a watch, an unwatch, calls lost: see ClusterLink.control),
 * delivered in order and at most once, and redelivered until taken. They are few, and each one
 * lost costs more than a record: a `CallsLost` lost leaves calls to their timeouts, an unwatch
 * lost leaves the other node keeping a watch (and telling an end nobody waits for), a watch lost
 * never hears of its actor's end. A connection that dies unnoticed (a frozen server) takes what
 * was published into it without a trace, so counting a gap (as batches do) is not enough: the
 * sender keeps each message until the other node says it took it, and publishes it again when
 * it did not.
 *
 * Each message to a node carries its number (1, 2, ... per pair of nodes, in a header, see
 * nats.ts). The receiver takes only the next one it expects: one it took already (sent again)
 * and one after a gap (its predecessor lost) are dropped, and the one lost is sent again with
 * all after it, so order holds. Acknowledgements ride on the pings the sender makes anyway (see
 * Peers): a ping's answer says how many of its control messages the answering node has taken
 * (wire.ts). NATS keeps a connection's messages in order, so one published before the ping and
 * not taken by the answer never arrived.
 *
 * @module
 */

/** A control message to one node, kept until it is taken. */
interface Kept {
  readonly sequence: number;
  readonly data: Uint8Array;
  /** The publish count at its last publish ({@link ControlSender.mark}); -1: to publish. */
  published: number;
}

/** The control messages to one node. */
interface Outgoing {
  /** The number of the last one numbered. */
  last: number;
  /** Those not known to be taken, oldest first. */
  readonly kept: Kept[];
}

/** Whether sequence number `a` comes after `b` (u32, wrapping). */
function after(a: number, b: number): boolean {
  const gap = (a - b) >>> 0;
  return gap !== 0 && gap < 0x8000_0000;
}

/** The sending side: numbers, keeps and (re)publishes the control messages to each node. */
export class ControlSender {
  readonly #out = new Map<number, Outgoing>();
  /** Counts publishes over all nodes (see {@link mark}). */
  #publishes = 0;

  /** @param publish publishes `data`, numbered `sequence`, on `node`'s control subject. */
  constructor(readonly publish: (node: number, sequence: number, data: Uint8Array) => void) {}

  /**
   * Numbers `data` for `node` and keeps it until taken; publishes it now when `now` and nothing
   * before it still waits to be published (else it waits for {@link flush}).
   */
  send(node: number, data: Uint8Array, now: boolean): number {
    let out = this.#out.get(node);
    if (out === undefined) this.#out.set(node, out = { last: 0, kept: [] });
    const sequence = out.last = (out.last + 1) >>> 0;
    const kept: Kept = { sequence, data, published: -1 };
    const before = out.kept.at(-1);
    out.kept.push(kept);
    if (now && (before === undefined || before.published !== -1)) this.#publish(node, kept);
    return sequence;
  }

  /**
   * Where control message `sequence` to `node` is: taken by it (or it is down), waiting to be
   * published (it goes after anything that happens now), or published and not yet known taken.
   */
  state(node: number, sequence: number): "taken" | "waiting" | "sent" {
    const kept = this.#out.get(node)?.kept;
    if (kept === undefined || kept.length === 0) return "taken";
    // Those kept are numbered one after another: one dropped before the first wraps far past.
    const message = kept[(sequence - kept[0].sequence) >>> 0];
    if (message === undefined) return "taken";
    return message.published === -1 ? "waiting" : "sent";
  }

  /** Whether control messages to `node` wait to be published (see {@link flush}). */
  waiting(node: number): boolean {
    return this.#out.get(node)?.kept.at(-1)?.published === -1;
  }

  /** Publishes what waits for `node`, in order. */
  flush(node: number): void {
    const out = this.#out.get(node);
    if (out === undefined) return;
    for (const kept of out.kept) if (kept.published === -1) this.#publish(node, kept);
  }

  /** The publish count now: taken as a ping goes, to tell from its answer what was lost. */
  mark(): number {
    return this.#publishes;
  }

  /**
   * `node` answered a ping sent at `mark` (see {@link mark}): it has taken `taken` of this
   * node's control messages (null: its answer does not say, an older build; what it was sent
   * before the ping is taken as taken, as before numbers). Those taken are dropped; if one
   * published before the ping was not taken, it was lost, and it goes again with all after it
   * (the receiver dropped those that came after the gap) at the next {@link flush}.
   */
  answered(node: number, taken: number | null, mark: number): void {
    const kept = this.#out.get(node)?.kept;
    if (kept === undefined) return;
    while (kept.length > 0) {
      const first = kept[0];
      const gone = taken === null
        ? first.published !== -1 && first.published <= mark
        : !after(first.sequence, taken);
      if (!gone) break;
      kept.shift();
    }
    const first = kept[0];
    if (first === undefined || first.published === -1 || first.published > mark) return;
    for (const each of kept) each.published = -1;
  }

  /** `node` is down: nothing more goes to it, nor is kept for it. */
  forget(node: number): void {
    this.#out.delete(node);
  }

  /** @internal The nodes it keeps numbers for, and the messages kept (tests). */
  sizes(): { controlNodes: number; controlKept: number } {
    let kept = 0;
    for (const out of this.#out.values()) kept += out.kept.length;
    return { controlNodes: this.#out.size, controlKept: kept };
  }

  #publish(node: number, kept: Kept): void {
    kept.published = ++this.#publishes;
    this.publish(node, kept.sequence, kept.data);
  }
}

/** The receiving side: which control message of each node comes next. */
export class ControlReceiver {
  /** How many control messages of each node were taken, in order. */
  readonly #taken = new Map<number, number>();

  /**
   * Whether the control message `sequence` of node `from` is to be taken now: the next one
   * expected. One taken already (sent again) or after a gap (see the module doc) is not.
   */
  take(from: number, sequence: number): boolean {
    const taken = this.#taken.get(from) ?? 0;
    if (sequence !== ((taken + 1) >>> 0)) return false;
    this.#taken.set(from, sequence);
    return true;
  }

  /** How many control messages node `node` has had taken here (for its ping's answer). */
  taken(node: number): number {
    return this.#taken.get(node) ?? 0;
  }

  /** Node `node` is down: nothing more is taken from it. */
  forget(node: number): void {
    this.#taken.delete(node);
  }

  /** @internal The nodes it counts for (tests). */
  get size(): number {
    return this.#taken.size;
  }
}
