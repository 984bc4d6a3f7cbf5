/**
 * The Bridge's calls that wait for a reply: found by their reply tag (a reply), by their target's
 * slot (an actor's end), and by their deadline (one timer heap, one platform timer for all).
 * Settling a call — with its reply, its default or its error — happens here, once; which error a
 * cause becomes is `callFailure`'s decision (src/system/call_failure.ts), not this file's.
 *
 * @module
 */

import type { ActorRef, DeadLetterKind } from "../actor/mod.ts";
import { callFailure } from "../system/call_failure.ts";
import { TimerEntry, TimerHeap } from "../util/timer_heap.ts";

/** Options of {@link Bridge.call}. */
export interface CallOptions<D = never> {
  /** Milliseconds to wait for the reply. Default 5000. It is also the request's deadline. */
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

/** A call waiting for its reply. */
export class PendingCall {
  readonly tag: number;
  readonly target: ActorRef<unknown>;
  readonly timeout: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly hasDefault: boolean;
  readonly fallback: unknown;
  readonly signal: AbortSignal | undefined;
  /** Its place in the deadline heap (null: no timeout). */
  deadline: TimerEntry<PendingCall> | null = null;
  onAbort: (() => void) | null = null;

  constructor(
    tag: number,
    target: ActorRef<unknown>,
    timeout: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    options: CallOptions<unknown>,
  ) {
    this.tag = tag;
    this.target = target;
    this.timeout = timeout;
    this.resolve = resolve;
    this.reject = reject;
    this.hasDefault = "default" in options;
    this.fallback = options.default;
    this.signal = options.signal;
  }
}

/** The longest delay a timer takes (longer ones fire at once in Deno). */
const MAX_TIMER_MS = 0x7fff_ffff;

/** One Bridge's pending calls. */
export class PendingCalls {
  readonly #byTag = new Map<number, PendingCall>();
  /**
   * The pending calls by their target's slot (one call, or several): an actor's end settles
   * its calls without a look at every other pending call (a mass stop of 100k actors was
   * quadratic).
   */
  readonly #byTarget = new Map<number, PendingCall | Set<PendingCall>>();
  readonly #deadlines = new TimerHeap<PendingCall>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = -1;
  #nextTag = 0;
  readonly #nameOf: (ref: ActorRef<unknown>) => string;
  readonly #onEmpty: () => void;

  /**
   * @param nameOf the actor's name, for errors.
   * @param onEmpty called when the last pending call settles (the reader can stop waiting).
   */
  constructor(nameOf: (ref: ActorRef<unknown>) => string, onEmpty: () => void) {
    this.#nameOf = nameOf;
    this.#onEmpty = onEmpty;
  }

  /** How many calls wait. */
  get size(): number {
    return this.#byTag.size;
  }

  /** The call waiting for the reply tagged `tag`. */
  get(tag: number): PendingCall | undefined {
    return this.#byTag.get(tag);
  }

  /**
   * Records a call to `target` under a fresh tag, with its deadline and its abort listener.
   * @returns the call, or null when its signal was already aborted (it is settled).
   */
  add(
    target: ActorRef<unknown>,
    timeout: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    options: CallOptions<unknown>,
  ): PendingCall | null {
    const call = new PendingCall(
      this.#newTag(),
      target,
      timeout,
      resolve,
      reject,
      options,
    );
    this.#byTag.set(call.tag, call);
    this.#addByTarget(call);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.settle(call, false, signal.reason);
        return null;
      }
      call.onAbort = () => this.settle(call, false, signal.reason);
      signal.addEventListener("abort", call.onAbort, { once: true });
    }
    // One timer serves every call: the earliest deadline of the heap.
    if (timeout !== Infinity) {
      call.deadline = this.#deadlines.push(
        new TimerEntry(performance.now() + timeout, call),
      );
      if (call.deadline.index === 0) this.#armTimer(); // earlier than the timer: bring it forward
    }
    return call;
  }

  /** Settles a call once: with `value` (ok) or by rejecting with it. */
  settle(call: PendingCall, ok: boolean, value: unknown): void {
    if (!this.#byTag.delete(call.tag)) return;
    this.#removeByTarget(call);
    if (call.deadline !== null) {
      // The timer is left as it is (moving it costs a timer per call): when it fires it finds
      // nothing due and waits for the next deadline. Only an empty heap clears it, so no timer
      // outlives the calls.
      this.#deadlines.remove(call.deadline);
      if (this.#deadlines.size === 0) this.#armTimer();
    }
    if (call.onAbort !== null) {
      call.signal!.removeEventListener("abort", call.onAbort);
    }
    if (this.#byTag.size === 0) this.#onEmpty();
    if (ok) call.resolve(value);
    else call.reject(value);
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
      { subject, timeout: call.timeout },
      reason,
      cause,
    );
    if (call.hasDefault && failure.defaultStandsIn) {
      this.settle(call, true, call.fallback);
    } else this.settle(call, false, failure.error);
  }

  /** Every pending call's actor counts as gone (the Bridge closed, or failed), for `reason`. */
  failAll(reason: string): void {
    for (const call of [...this.#byTag.values()]) this.#gone(call, reason);
  }

  /** Whether a call waits on an actor of `slot` (of any generation). */
  waitsOn(slot: number): boolean {
    return this.#byTarget.has(slot);
  }

  /** The actor of `slot` and `generation` is gone: its calls still pending settle. */
  actorGone(slot: number, generation: number, reason: string): void {
    const calls = this.#byTarget.get(slot);
    if (calls === undefined) return;
    for (const call of calls instanceof Set ? [...calls] : [calls]) {
      if (call.target.generation === generation) this.#gone(call, reason);
    }
  }

  /**
   * The actor `target` of another node has ended (its node told this one's watch): its calls
   * still pending settle.
   */
  remoteActorGone(target: ActorRef<unknown>, reason: string): void {
    const calls = this.#byTarget.get(nodeKey(target.node));
    if (calls === undefined) return;
    for (const call of calls instanceof Set ? [...calls] : [calls]) {
      const other = call.target;
      if (other.slot === target.slot && other.generation === target.generation) {
        this.#gone(call, reason);
      }
    }
  }

  /**
   * The node `node` (another process of the cluster) is down: every call still pending on one of
   * its actors settles, as if its actor were gone.
   */
  nodeDown(node: number, reason: string): void {
    const calls = this.#byTarget.get(nodeKey(node));
    if (calls === undefined) return;
    for (const call of calls instanceof Set ? [...calls] : [calls]) {
      this.#gone(call, reason);
    }
  }

  /** The call's actor is gone: its default, or ActorDeadError. */
  #gone(call: PendingCall, reason: string): void {
    // Whatever ended the actor ("stopped" stands for all): the caller's answer is the same.
    this.fail(call, "stopped", reason);
  }

  /**
   * Makes the one timer fire by the earliest deadline (it may fire earlier: harmless), or
   * clears it when no deadline is left.
   */
  #armTimer(): void {
    const first = this.#deadlines.peek();
    if (
      first !== undefined && this.#timer !== undefined &&
      this.#timerAt <= first.at
    ) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = -1;
    if (first === undefined) return;
    this.#timerAt = first.at;
    const delay = Math.min(
      Math.max(0, first.at - performance.now()),
      MAX_TIMER_MS,
    );
    this.#timer = setTimeout(() => this.#expire(), delay);
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = -1;
    const now = performance.now();
    for (
      let entry = this.#deadlines.popDue(now);
      entry !== undefined;
      entry = this.#deadlines.popDue(now)
    ) {
      const call = entry.value;
      call.deadline = null;
      // The request's deadline passes now too: the same failure as the actor would report.
      this.fail(call, "deadline", "");
    }
    this.#armTimer();
  }

  #newTag(): number {
    // Tags are positive 31-bit numbers; wrapping around takes 2^31 calls.
    this.#nextTag = this.#nextTag >= 0x7fff_ffff ? 1 : this.#nextTag + 1;
    return this.#nextTag;
  }

  #addByTarget(call: PendingCall): void {
    const slot = targetKey(call.target);
    const calls = this.#byTarget.get(slot);
    if (calls === undefined) this.#byTarget.set(slot, call);
    else if (calls instanceof Set) calls.add(call);
    else this.#byTarget.set(slot, new Set([calls, call]));
  }

  #removeByTarget(call: PendingCall): void {
    const slot = targetKey(call.target);
    const calls = this.#byTarget.get(slot);
    if (calls === call) {
      this.#byTarget.delete(slot);
    } else if (calls instanceof Set) {
      calls.delete(call);
      if (calls.size === 0) this.#byTarget.delete(slot);
    }
  }
}

/**
 * Where a call is kept in the index by target: an actor of this process by its slot, one of
 * another node among all that node's (they settle together when it goes down).
 */
function targetKey(target: ActorRef<unknown>): number {
  return target.node === 0 ? target.slot : nodeKey(target.node);
}

/** The index key of the calls on actors of `node` (never a slot: slots are positive). */
function nodeKey(node: number): number {
  return -node;
}
