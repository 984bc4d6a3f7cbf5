/**
 * The Bridge's calls that wait for a reply: found by their reply tag (a reply), by their target
 * (an actor's end), and by their deadline (see call_deadlines.ts). Settling a call — with its
 * reply, its default or its error — happens here, once; which error a cause becomes is
 * `callFailure`'s decision (src/system/call_failure.ts), not this file's.
 *
 * Many calls are in flight at once, so a call costs no Map or Set operation: calls are kept in
 * a flat table indexed by the low bits of their tag (a new call takes the next tag whose place
 * is free; the table doubles before it is half full), and the calls to one target in a list
 * linked through the calls themselves, its head in a table by the actor's slot (dense: an array).
 *
 * @module
 */

import type { ActorRef, DeadLetterKind, RequestFailed } from "../actor/mod.ts";
import { callFailure, handlerFailure } from "../system/call_failure.ts";
import { SystemClosedError } from "../system/errors.ts";
import { CallDeadlines, type DeadlineQueue } from "./call_deadlines.ts";
import { DenseTable } from "../util/dense_table.ts";
import type { Holds } from "./lingering_waits.ts";
import { tagAtMost } from "../util/reply_tags.ts";

/** Options of {@link Bridge.call}. */
export interface CallOptions<D = never> {
  /**
   * Milliseconds to wait for the reply. Default 5000. It is also the request's deadline (not a
   * `Stop`'s: the actor stops whenever it comes to it).
   */
  timeout?: number;
  /**
   * What the call resolves to when no reply comes because of the actor's state: it is gone
   * (instead of `ActorDeadError`), its mailbox stayed full (`MailboxFullError`), or it did not
   * reach the request in time (`CallTimeoutError`). Not when the request itself cannot be
   * handled (`UndeliverableError`, `CodecError`): that is a bug a default would hide.
   */
  default?: D;
  /** Abandons the call; it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Where the outcomes of many calls go, by their index (multiCall's results). */
export interface CallResults {
  replied(index: number, target: ActorRef<never>, reply: unknown): void;
  failed(index: number, target: ActorRef<never>, error: unknown): void;
}

/**
 * What calls made with the same options share: one object for all the calls of a multiCall, and
 * for a run of plain calls with equal options (see {@link matches}), not four fields in each call.
 * A pending call is kept for its whole wait, and its size is what a fan-out's calls promote to the
 * old generation by the thousand: 10,000 calls in flight held ~245 bytes each before (measured).
 */
export class CallTerms {
  readonly hasDefault: boolean;
  readonly fallback: unknown;
  readonly signal: AbortSignal | undefined;
  /**
   * When a multiCall sent its calls (`performance.now()`); -1 for plain calls. Its calls' timeouts
   * all count from it: one clock read for the lot (a fan-out of 10,000 calls read the clock
   * 10,000 times, ~7% of its time), and none is early by the time the others took to send.
   */
  sentAt = -1;

  /**
   * @param timeout the calls' timeout (ms; Infinity: none).
   * @param options the rest of the calls' options (their default, their signal).
   * @param results where a multiCall's outcomes go; null for plain calls (a promise's functions).
   */
  constructor(
    readonly timeout: number,
    options: CallOptions<unknown>,
    readonly results: CallResults | null = null,
  ) {
    this.hasDefault = "default" in options;
    this.fallback = options.default;
    this.signal = options.signal;
  }

  /** Whether a plain call with `timeout` and `options` would have these very terms. */
  matches(timeout: number, options: CallOptions<unknown>): boolean {
    return this.results === null && this.timeout === timeout &&
      this.signal === options.signal && this.hasDefault === ("default" in options) &&
      Object.is(this.fallback, options.default);
  }
}

/** A call waiting for its reply. */
export class PendingCall {
  /** Its reply tag, given by {@link PendingCalls.add}. */
  tag = 0;
  readonly target: ActorRef<unknown>;
  /** Its timeout, default, signal, and where a multiCall's outcome goes. */
  readonly terms: CallTerms;
  /** When it times out, in `performance.now()` milliseconds (Infinity: never). */
  deadline = Infinity;
  /** Where its outcome goes: a promise's resolving functions, or `terms.results` at `index`. */
  readonly resolve: ((value: unknown) => void) | null;
  readonly reject: ((error: unknown) => void) | null;
  readonly index: number;
  /** Told whether it succeeded when it settles (the calls observer; null: nobody). */
  observed: ((ok: boolean) => void) | null = null;
  /** False once settled. */
  pending = true;
  /** The deadline queue it waits in (see call_deadlines.ts). */
  deadlines: DeadlineQueue | null = null;
  onAbort: (() => void) | null = null;
  /** Its neighbours among the calls to its target (see PendingCalls.#headsOf). */
  previousOfTarget: PendingCall | null = null;
  nextOfTarget: PendingCall | null = null;

  /**
   * A call to `target` on `terms`; its outcome goes to `resolve` or `reject`, or to the terms'
   * results at `index`.
   */
  constructor(
    target: ActorRef<unknown>,
    terms: CallTerms,
    resolve: ((value: unknown) => void) | null,
    reject: ((error: unknown) => void) | null,
    index = 0,
  ) {
    this.target = target;
    this.terms = terms;
    this.resolve = resolve;
    this.reject = reject;
    this.index = index;
  }
}

/** The key of the list `target`'s calls are in, among the heads {@link PendingCalls} keeps. */
function listKey(target: ActorRef<unknown>): number {
  return target.node === 0 ? target.slot : target.node;
}

/** The calls of a list from `first` on, as an array (settling them changes the list). */
function listFrom(first: PendingCall | undefined): PendingCall[] {
  const calls: PendingCall[] = [];
  for (let call = first ?? null; call !== null; call = call.nextOfTarget) calls.push(call);
  return calls;
}

/** The first call of each list of calls to one target, by its key (get, set, delete). */
interface ListHeads {
  get(key: number): PendingCall | undefined;
  set(key: number, first: PendingCall): void;
  delete(key: number): boolean;
}

/**
 * How long the offset between the wall clock and `performance.now()` is used before it is read
 * again (ms): the clocks drift apart by far less than a millisecond meanwhile.
 */
const CLOCK_OFFSET_MS = 100;

/** One Bridge's pending calls. */
export class PendingCalls {
  /** The calls by tag: `tag & mask` is a call's place; never more than half full. */
  #table: (PendingCall | null)[] = new Array(64).fill(null);
  #mask = 63;
  #size = 0;
  /** How many of them wait on actors of other nodes (see waitsOnThisProcess). */
  #remote = 0;
  #nextTag = 0;
  /**
   * The pending calls by their target, each target's in a list: an actor's end settles its
   * calls without a look at every other pending call (a mass stop of 100k actors was
   * quadratic). The lists of actors of this process by slot, in a table (a Map and a group
   * object per target cost ~4 % of the calling thread when each of 2,000 calls in flight goes
   * to an actor of its own; profiled); those of another node's actors all in one list per node.
   */
  readonly #bySlot = new DenseTable<PendingCall>();
  readonly #byNode = new Map<number, PendingCall>();
  readonly #deadlines = new CallDeadlines<PendingCall>((call) => this.fail(call, "deadline", ""));
  /** The wall clock minus `performance.now()`, as read at `#offsetReadAt` (performance.now). */
  #wallOffset = 0;
  #offsetReadAt = -Infinity;
  readonly #nameOf: (ref: ActorRef<unknown>) => string;
  readonly #onEmpty: () => void;
  readonly #remoteHolds: Holds | null;

  /**
   * @param nameOf the actor's name, for errors.
   * @param onEmpty called when the last pending call settles (the reader can stop waiting).
   * @param remoteHolds holds the end of each actor of another node a call waits on, released as
   * the call settles: a call pending on one settles when it ends (see lingering_waits.ts).
   */
  constructor(
    nameOf: (ref: ActorRef<unknown>) => string,
    onEmpty: () => void,
    remoteHolds: Holds | null = null,
  ) {
    this.#nameOf = nameOf;
    this.#onEmpty = onEmpty;
    this.#remoteHolds = remoteHolds;
  }

  /** How many calls wait. */
  get size(): number {
    return this.#size;
  }

  /**
   * Whether a call waits on an actor of this process: its reply may come from another thread at
   * any moment. A reply from another node comes only through this thread's own event loop (the
   * cluster link puts it into the Bridge's mailbox).
   */
  get waitsOnThisProcess(): boolean {
    return this.#size > this.#remote;
  }

  /** The call waiting for the reply tagged `tag`. */
  get(tag: number): PendingCall | undefined {
    const call = this.#table[tag & this.#mask];
    return call !== null && call.tag === tag ? call : undefined;
  }

  /**
   * Records `call` under a fresh tag, with its deadline and its abort listener.
   * @returns its request's deadline on the wall clock, ms since the epoch (0: none); -1 when its
   * signal was already aborted (it is settled).
   */
  add(call: PendingCall): number {
    if ((this.#size + 1) * 2 > this.#table.length) this.#grow();
    const tag = this.#newTag();
    call.tag = tag;
    this.#table[tag & this.#mask] = call;
    this.#size++;
    if (call.target.node !== 0) {
      this.#remote++;
      this.#remoteHolds?.hold(call.target);
    }
    this.#addByTarget(call);
    const { signal, timeout } = call.terms;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.settle(call, false, signal.reason);
        return -1;
      }
      call.onAbort = () => this.settle(call, false, signal.reason);
      signal.addEventListener("abort", call.onAbort, { once: true });
    }
    if (timeout === Infinity) return 0;
    // One clock read per call (a multiCall's calls share theirs): performance.now() (~95 ns
    // here; Date.now() is ~50, but no wall-clock read shows a step back smaller than the time
    // since the last one), for the Bridge's own timer, which so never fires early; the request's
    // deadline, which the actor checks on its wall clock, by an offset between the two read
    // again every 100 ms — a step of the wall clock shows in it within that (and moves only the
    // actor's check of the request, not the call's timeout).
    const sentAt = call.terms.sentAt;
    const now = sentAt >= 0 ? sentAt : performance.now();
    const sinceRead = now - this.#offsetReadAt;
    if (!(sinceRead >= 0 && sinceRead <= CLOCK_OFFSET_MS)) {
      this.#wallOffset = Date.now() - now;
      this.#offsetReadAt = now;
    }
    call.deadline = now + timeout;
    this.#deadlines.add(call, timeout);
    return now + this.#wallOffset + timeout;
  }

  /** Settles a call once: with `value` (ok) or by rejecting with it. */
  settle(call: PendingCall, ok: boolean, value: unknown): void {
    if (!call.pending) return;
    call.pending = false;
    this.#table[call.tag & this.#mask] = null;
    this.#size--;
    if (call.target.node !== 0) {
      this.#remote--;
      this.#remoteHolds?.release(call.target);
    }
    this.#removeByTarget(call);
    if (call.deadlines !== null) this.#deadlines.settled(call);
    if (call.onAbort !== null) {
      call.terms.signal!.removeEventListener("abort", call.onAbort);
    }
    if (this.#size === 0) this.#onEmpty();
    if (call.observed !== null) {
      try {
        call.observed(ok);
      } catch (error) {
        observerThrew(error);
      }
    }
    const results = call.terms.results;
    if (results !== null) {
      const target = call.target as ActorRef<never>;
      if (ok) results.replied(call.index, target, value);
      else results.failed(call.index, target, value);
    } else if (ok) call.resolve!(value);
    else call.reject!(value);
  }

  /**
   * The call gets no reply, for a reason of `kind`: its default, or the error of that kind.
   * `targetName`: the actor's name as the node that lost the request knew it ("": ask nameOf,
   * which knows this node's actors only).
   */
  fail(
    call: PendingCall,
    kind: DeadLetterKind,
    reason: string,
    cause?: unknown,
    targetName = "",
  ): void {
    const name = targetName === "" || targetName === "actor"
      ? this.#nameOf(call.target)
      : targetName;
    const subject = `${name} (${call.target})`;
    const failure = callFailure(
      kind,
      { subject, timeout: call.terms.timeout },
      reason,
      cause,
    );
    if (call.terms.hasDefault && failure.defaultStandsIn) {
      this.settle(call, true, call.terms.fallback);
    } else this.settle(call, false, failure.error);
  }

  /** The handler of the call's request failed (`answer` says how): the call fails at once. */
  failedHandling(call: PendingCall, answer: RequestFailed): void {
    this.settle(
      call,
      false,
      handlerFailure(`${this.#nameOf(call.target)} (${call.target})`, answer),
    );
  }

  /** Every pending call's actor counts as gone (the Bridge closed, or failed), for `reason`. */
  failAll(reason: string): void {
    const calls = this.#table.filter((call) => call !== null);
    for (const call of calls) this.#gone(call, reason);
  }

  /**
   * The Bridge closes: every call still pending rejects with SystemClosedError. Its actor is not
   * known to be gone (it may still handle the request), so no default stands in, and a stop()
   * in flight does not take it for stopped.
   */
  closeAll(): void {
    const calls = this.#table.filter((call) => call !== null);
    for (const call of calls) {
      this.settle(
        call,
        false,
        new SystemClosedError(
          `no reply from ${this.#nameOf(call.target)} (${call.target}): the Bridge was closed ` +
            `while the call waited; the actor may still handle the request`,
        ),
      );
    }
    // No call comes any more: the timer kept for the next one would hold the Bridge until it
    // fires, the timeout of the last call away.
    this.#deadlines.close();
  }

  /** Whether a call waits on an actor of `slot` (of any generation). */
  waitsOn(slot: number): boolean {
    return this.#bySlot.get(slot) !== undefined;
  }

  /**
   * The actor of `slot` and `generation` is gone: its calls still pending settle; or (`kept`
   * given) it lost its Worker, and the calls whose tags `kept` names still wait in its mailbox,
   * for its new instance.
   */
  actorGone(
    slot: number,
    generation: number,
    reason: string,
    kept?: (tag: number) => boolean,
  ): void {
    for (const call of listFrom(this.#bySlot.get(slot))) {
      if (call.target.generation === generation && !kept?.(call.tag)) this.#gone(call, reason);
    }
  }

  /**
   * The actor `target` of another node has ended (its node told this one's watch), or (`upTo`
   * given) it lost its Worker with the calls it had taken, those with tags up to `upTo` (see
   * CallsLost): those calls settle; later ones wait for its new instance.
   */
  remoteActorGone(target: ActorRef<unknown>, reason: string, upTo?: number): void {
    for (const call of listFrom(this.#byNode.get(target.node))) {
      const other = call.target;
      if (
        other.slot === target.slot && other.generation === target.generation &&
        (upTo === undefined || tagAtMost(call.tag, upTo))
      ) this.#gone(call, reason);
    }
  }

  /**
   * The node `node` (another process of the cluster) is down: every call still pending on one of
   * its actors settles, as if its actor were gone.
   */
  nodeDown(node: number, reason: string): void {
    for (const call of listFrom(this.#byNode.get(node))) this.#gone(call, reason);
  }

  /** The call's actor is gone: its default, or ActorDeadError. */
  #gone(call: PendingCall, reason: string): void {
    // Whatever ended the actor ("stopped" stands for all): the caller's answer is the same.
    this.fail(call, "stopped", reason);
  }

  /** The next tag whose place in the table is free. */
  #newTag(): number {
    const table = this.#table;
    const mask = this.#mask;
    let tag = this.#nextTag;
    do {
      // Tags are positive 31-bit numbers; wrapping around takes 2^31 calls.
      tag = tag >= 0x7fff_ffff ? 1 : tag + 1;
    } while (table[tag & mask] !== null);
    return this.#nextTag = tag;
  }

  /** Doubles the table; each call moves to its place by one more bit of its tag. */
  #grow(): void {
    const table: (PendingCall | null)[] = new Array(this.#table.length * 2).fill(null);
    const mask = table.length - 1;
    for (const call of this.#table) if (call !== null) table[call.tag & mask] = call;
    this.#table = table;
    this.#mask = mask;
  }

  /**
   * The heads of the lists `target`'s calls are in: an actor of this process's by its slot, one
   * of another node's among all that node's (they settle together when it goes down), by node.
   */
  #headsOf(target: ActorRef<unknown>): ListHeads {
    return target.node === 0 ? this.#bySlot : this.#byNode;
  }

  #addByTarget(call: PendingCall): void {
    const target = call.target;
    const key = listKey(target);
    const heads = this.#headsOf(target);
    const first = heads.get(key) ?? null;
    call.nextOfTarget = first;
    if (first !== null) first.previousOfTarget = call;
    heads.set(key, call);
  }

  #removeByTarget(call: PendingCall): void {
    const previous = call.previousOfTarget;
    const next = call.nextOfTarget;
    if (previous !== null) previous.nextOfTarget = next;
    else {
      const target = call.target;
      if (next !== null) this.#headsOf(target).set(listKey(target), next);
      else this.#headsOf(target).delete(listKey(target));
    }
    if (next !== null) next.previousOfTarget = previous;
    call.previousOfTarget = call.nextOfTarget = null;
  }
}

/**
 * Reports what a calls observer (user code: see CallObserver) threw: never let into the Bridge,
 * where it would leave a call unsettled or stop the reading of replies.
 */
export function observerThrew(error: unknown): void {
  console.error("ringmail: a calls observer threw:", error);
}
