/**
 * `Bridge`: how code that is not an actor (the main program, a test, a web handler) talks to
 * actors — a call that waits for the reply, many calls at once, stopping actors — without ever
 * blocking its thread's event loop.
 *
 * A Bridge has a mailbox and a slot of its own, like an actor. Each call sends the request with
 * the Bridge's ref as sender, carrying a fresh reply tag; the actor's `sender.send(reply)` comes
 * back with that tag, which is how a reply finds its call. A reply whose call has already
 * settled (timed out, say) finds no call with its tag and is dropped as a dead letter: it can
 * never be returned to a later call. A request that cannot be delivered is answered at once by
 * the system (`Undeliverable`, with the dead letter's kind, which call_failure.ts turns into the
 * caller's error), and a call whose actor dies (stops, or its Worker dies) settles at once: no
 * call ever waits out its timeout for an actor that is gone.
 *
 * @module
 */

import {
  type ActorRef,
  type DeadLetterKind,
  type LoopTimer,
  type RepeatOptions,
  type ReplyOf,
  Stop,
  Stopped,
  type Terminated,
  type Timer,
} from "../actor/mod.ts";
import { Envelope, type SenderCache } from "../delivery/mod.ts";
import { checkDelay } from "../actor/timers.ts";
import { Reader } from "../codec/mod.ts";
import { type Mailbox, SpinPolicy } from "../ring/mod.ts";
import { Undeliverable } from "../delivery/mod.ts";
import type { ActorSystem } from "../system/actor_system.ts";
import { type BridgeHost, internalsOf } from "../system/internal.ts";
import { SlotState } from "../delivery/directory.ts";
import { ActorDeadError, SystemClosedError } from "../system/errors.ts";
import { callFailure } from "../system/call_failure.ts";
import { ActorRef as Ref } from "../actor/actor_ref.ts";
import { Fifo } from "../util/fifo.ts";
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

/**
 * One result of {@link Bridge.multiCall}: the reply, or why there is none, with the call it
 * answers — its target and its `index` in the calls given (many calls may go to one actor).
 */
export type MultiCallResult<R> =
  | {
    readonly index: number;
    readonly target: ActorRef<never>;
    readonly reply: R;
    readonly error?: undefined;
  }
  | {
    readonly index: number;
    readonly target: ActorRef<never>;
    readonly reply?: undefined;
    readonly error: Error;
  };

/** Options of {@link Bridge.stop}. */
export interface StopOptions<D = never> {
  /** Milliseconds to wait for each `Stopped`. Default 5000. */
  timeout?: number;
  /** What stands for an actor that did not answer `Stopped` in time; without it, rejects. */
  default?: D;
}

/** A call waiting for its reply. */
class PendingCall {
  readonly tag: number;
  readonly target: ActorRef<unknown>;
  readonly timeout: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly hasDefault: boolean;
  readonly fallback: unknown;
  readonly signal: AbortSignal | undefined;
  /** Its place in the Bridge's deadline heap (null: no timeout). */
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

const DEFAULT_TIMEOUT_MS = 5000;
/** The longest delay a timer takes (longer ones fire at once in Deno). */
const MAX_TIMER_MS = 0x7fff_ffff;
const BRIDGE_MAILBOX_BYTES = 1 << 16;

/**
 * Non-actor code's way to talk to actors. Make one per system (or several: each has its own
 * mailbox) and {@link Bridge.close} it when done; shutting the system down settles its calls.
 *
 * @example Call, call many, stop — the seed's three operations
 * ```ts
 * import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "@ringmail/actors";
 *
 * export class Doubler extends Actor<number> {
 *   static readonly module = import.meta.url;
 *   @handles(Number)
 *   onNumber(n: number, sender: ActorRef | null) {
 *     sender?.send(n * 2);
 *   }
 * }
 *
 * if (import.meta.main) { // a Worker loads this module again for Doubler: not there
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const a = system.spawn(Doubler);
 *   const b = system.spawn(Doubler);
 *   console.log(await bridge.call(a, 21, { timeout: 5000 })); // 42
 *   for await (const { target, reply } of bridge.multiCall([[a, 1], [b, 2]], { timeout: 5000 })) {
 *     console.log(target.equals(a) ? "a" : "b", reply);
 *   }
 *   console.log(await bridge.stop([a, b], { timeout: 5000 })); // [ Stopped {}, Stopped {} ]
 * }
 * ```
 */
export class Bridge implements Disposable {
  readonly #host: BridgeHost;
  readonly #mailbox: Mailbox;
  readonly #slot: number;
  readonly #generation: number;
  readonly #pending = new Map<number, PendingCall>();
  /**
   * The pending calls by their target's slot (one call, or several): an actor's end settles
   * its calls without a look at every other pending call (a mass stop of 100k actors was
   * quadratic).
   */
  readonly #byTarget = new Map<number, PendingCall | Set<PendingCall>>();
  readonly #deadlines = new TimerHeap<PendingCall>();
  readonly #timers = new Set<LoopTimer>();
  /** Pending {@link whenTerminated} promises, rejected if the Bridge closes first. */
  readonly #endWaiters = new Set<{ reject: (error: unknown) => void; done: boolean }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = -1;
  readonly #spin = new SpinPolicy({ maxSpins: 2000 });
  readonly #reader = new Reader();
  readonly #envelope = new Envelope();
  readonly #senders: SenderCache = { lastSender: null };
  readonly #unwatch: () => void;
  #nextTag = 0;
  #pumping = false;
  /** Aborted when the last pending call settles, so the pump stops waiting. */
  #idle: AbortController | null = null;
  #closed = false;
  readonly #hasRecord = (): boolean => this.#mailbox.hasRecord();

  /**
   * Opens a Bridge to the actors of `system`.
   * @throws {SystemClosedError} when the system was shut down.
   */
  constructor(system: ActorSystem) {
    const host = internalsOf(system).bridgeHost;
    if (host.closed) {
      throw new SystemClosedError("cannot open a Bridge: the actor system was shut down");
    }
    this.#host = host;
    this.#mailbox = host.pool.acquire({ capacity: BRIDGE_MAILBOX_BYTES });
    try {
      this.#slot = host.directory.allocate(this.#mailbox.offset, host.courier.threadId);
    } catch (error) {
      this.#mailbox.close();
      host.pool.release(this.#mailbox);
      throw error;
    }
    this.#mailbox.bindReceiver(host.doorbell);
    this.#generation = host.directory.generation(this.#slot);
    host.directory.setState(this.#slot, SlotState.Running);
    const unwatchLosses = host.watchLosses((slot, generation, reason) =>
      this.#actorGone(slot, generation, reason)
    );
    // A thread that died may have held up a reply in this mailbox: read past it now.
    const unwatchDeaths = host.watchThreadDeaths(() => this.#readReplies());
    this.#unwatch = () => {
      unwatchLosses();
      unwatchDeaths();
    };
  }

  /**
   * Sends `request` to `target` and resolves with its reply: whatever the actor sends to the
   * request's sender (`sender.send(reply)` in its handler).
   *
   * @typeParam M the messages the target accepts (from its ref).
   * @typeParam Q the request's type: one of `M`.
   * @typeParam R the reply's type: what `Q` names with `Request<R>`; for other requests,
   * `unknown`, or whatever the call's result is assigned to.
   * @typeParam D the type of `options.default`.
   * @param target the actor to ask.
   * @param request the message; the call's timeout is also its deadline: an actor does not start
   * handling a request whose caller has stopped waiting.
   * @param options timeout (ms, default 5000), default, signal.
   * @returns the reply; or `options.default` when the actor is gone, its mailbox stayed full,
   * or no reply came in time.
   * @throws {ActorDeadError} at once when the actor is gone (stopped, never started, its Worker
   * died) and no default was given: a retry to this ref will not succeed.
   * @throws {MailboxFullError} when the request waited in the actor's full mailbox for the whole
   * send timeout and no default was given: the actor is alive, a retry later may succeed.
   * @throws {CallTimeoutError} when no reply came in time, or the actor reached the request after
   * its deadline (the timeout), and no default was given.
   * @throws {UndeliverableError} when the actor cannot take the request as it is (its Worker
   * cannot decode it, or it has no handler for it; `kind` says which) or its reply could not be
   * decoded, even with a default.
   * @throws {CodecError} when the request cannot be sent, even with a default.
   */
  call<M, Q extends M, R extends ReplyOf<Q> = ReplyOf<Q>, D = never>(
    target: ActorRef<M>,
    request: Q,
    options: CallOptions<D> = {},
  ): Promise<R | D> {
    return new Promise<R | D>((resolve, reject) =>
      this.#call(
        target as ActorRef<unknown>,
        request,
        options as CallOptions<unknown>,
        resolve as (value: unknown) => void,
        reject,
      )
    );
  }

  /**
   * Sends a call whose outcome goes to `resolve` or `reject` (each at most once, never
   * synchronously from a reply: replies are read by the pump). {@link call} wraps it in a
   * promise; {@link multiCall} takes the outcomes directly, without a promise per call.
   */
  #call(
    target: ActorRef<unknown>,
    request: unknown,
    options: CallOptions<unknown>,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ): void {
    if (this.#closed || this.#host.closed) {
      reject(new SystemClosedError("cannot call: the Bridge (or its actor system) is closed"));
      return;
    }
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!(timeout > 0)) {
      reject(
        new RangeError(`call timeout must be a positive number of ms, got ${options.timeout}`),
      );
      return;
    }
    if (target.courier !== this.#host.courier) {
      reject(new TypeError(`${target} belongs to another actor system than this Bridge's`));
      return;
    }
    const call = new PendingCall(this.#newTag(), target, timeout, resolve, reject, options);
    this.#pending.set(call.tag, call);
    this.#addByTarget(call);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) return this.#settle(call, false, signal.reason);
      call.onAbort = () => this.#settle(call, false, signal.reason);
      signal.addEventListener("abort", call.onAbort, { once: true });
    }
    // One timer serves every call: the earliest deadline of the heap.
    if (timeout !== Infinity) {
      call.deadline = this.#deadlines.push(new TimerEntry(performance.now() + timeout, call));
      if (call.deadline.index === 0) this.#armTimer(); // earlier than the timer: bring it forward
    }
    try {
      // A target that is gone is a dead letter: the courier answers Undeliverable at once.
      this.#host.courier.deliver(
        target,
        request,
        this.#ref(call.tag),
        timeout === Infinity ? 0 : Date.now() + timeout,
      );
    } catch (error) {
      this.#settle(call, false, error);
      return;
    }
    this.#pump().catch((error) => {
      // Only a bug can get here (the pump reports what it reads): settle every call rather
      // than leave them waiting, and say why.
      console.error("ringmail: a Bridge stopped reading replies:", error);
      for (const pending of [...this.#pending.values()]) {
        this.#gone(pending, `the Bridge failed: ${error}`);
      }
    });
  }

  /** Settles a call once: with `value` (ok) or by rejecting with it. */
  #settle(call: PendingCall, ok: boolean, value: unknown): void {
    if (!this.#pending.delete(call.tag)) return;
    this.#removeByTarget(call);
    if (call.deadline !== null) {
      // The timer is left as it is (moving it costs a timer per call): when it fires it finds
      // nothing due and waits for the next deadline. Only an empty heap clears it, so no timer
      // outlives the calls.
      this.#deadlines.remove(call.deadline);
      if (this.#deadlines.size === 0) this.#armTimer();
    }
    if (call.onAbort !== null) call.signal!.removeEventListener("abort", call.onAbort);
    if (this.#pending.size === 0) this.#idle?.abort();
    if (ok) call.resolve(value);
    else call.reject(value);
  }

  /** The call's actor is gone: its default, or ActorDeadError. */
  #gone(call: PendingCall, reason: string): void {
    // Whatever ended the actor ("stopped" stands for all): the caller's answer is the same.
    this.#fail(call, "stopped", reason);
  }

  /** The call gets no reply, for a reason of `kind`: its default, or the error of that kind. */
  #fail(call: PendingCall, kind: DeadLetterKind, reason: string, cause?: unknown): void {
    const failure = callFailure(
      kind,
      { subject: this.#nameOf(call), timeout: call.timeout },
      reason,
      cause,
    );
    if (call.hasDefault && failure.defaultStandsIn) this.#settle(call, true, call.fallback);
    else this.#settle(call, false, failure.error);
  }

  #nameOf(call: PendingCall): string {
    return `${this.#host.nameOf(call.target)} (${call.target})`;
  }

  /**
   * Makes the one timer fire by the earliest deadline (it may fire earlier: harmless), or
   * clears it when no deadline is left.
   */
  #armTimer(): void {
    const first = this.#deadlines.peek();
    if (first !== undefined && this.#timer !== undefined && this.#timerAt <= first.at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = -1;
    if (first === undefined) return;
    this.#timerAt = first.at;
    const delay = Math.min(Math.max(0, first.at - performance.now()), MAX_TIMER_MS);
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
      this.#fail(call, "deadline", "");
    }
    this.#armTimer();
  }

  /**
   * Sends each request to its target at once and yields the replies in the order they arrive,
   * each with its target. A call that gets no reply yields its `default` as reply, or an `error`
   * saying why: the same error (and the same use of the default) as {@link call}.
   *
   * @param calls pairs of target and request.
   * @param options timeout (ms, default 5000) for every call, default, signal.
   * @returns an async iterable of results, one per call.
   */
  async *multiCall<R = unknown, D = never>(
    calls: Iterable<readonly [ActorRef<never>, unknown]>,
    options: CallOptions<D> = {},
  ): AsyncIterableIterator<MultiCallResult<R | D>> {
    const results = new Fifo<MultiCallResult<R | D>>();
    let wake: (() => void) | null = null;
    let outstanding = 0;
    for (const [target, request] of calls) {
      const index = outstanding++;
      this.#call(
        target as ActorRef<unknown>,
        request,
        options as CallOptions<unknown>,
        (reply) => {
          results.push({ index, target, reply: reply as R | D });
          wake?.();
        },
        (error) => {
          results.push({
            index,
            target,
            error: error instanceof Error ? error : new Error(String(error)),
          });
          wake?.();
        },
      );
    }
    while (outstanding > 0) {
      if (results.length === 0) await new Promise<void>((resolve) => wake = resolve);
      wake = null;
      while (results.length > 0) {
        outstanding--;
        yield results.shift()!;
      }
    }
  }

  /**
   * Stops each actor and resolves with one `Stopped` per actor, in the order given. An actor that
   * was already gone counts as stopped.
   *
   * @param actors the actors to stop.
   * @param options timeout (ms, default 5000) for each actor, or the timeout alone; and what
   * stands for an actor that did not stop in time.
   * @returns `Stopped` (or the default) per actor.
   * @throws {CallTimeoutError} when an actor did not answer in time and no default was given.
   * @throws {MailboxFullError} when an actor's mailbox stayed full for the send timeout (it is
   * still running) and no default was given.
   */
  stop<D = never>(
    actors: Iterable<ActorRef<never>>,
    options: StopOptions<D> | number = {},
  ): Promise<(Stopped | D)[]> {
    const { timeout, ...rest } = typeof options === "number" ? { timeout: options } : options;
    return Promise.all(
      Array.from(
        actors,
        (actor) =>
          this.call(actor as ActorRef<Stop>, new Stop(), { timeout, ...rest })
            .catch((error) => {
              if (error instanceof ActorDeadError) return new Stopped();
              throw error;
            }),
      ),
    );
  }

  /**
   * Resolves when the actor `target` ends — it stops, fails for good, fails to start, or its
   * Worker dies — with the `Terminated` a watcher would get; at once (kind `"not-running"`)
   * when it is not running. Never rejects because of the actor.
   *
   * @param target the actor to await.
   * @param options a signal to stop waiting (the promise then rejects with its reason).
   * @returns how the actor ended.
   * @throws {SystemClosedError} when the Bridge is closed before the actor ends.
   *
   * @example
   * ```ts
   * import { Actor, ActorSystem, Bridge, Stop } from "@ringmail/actors";
   *
   * export class Job extends Actor {
   *   static readonly module = import.meta.url;
   * }
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem();
   *   using bridge = new Bridge(system);
   *   const job = system.spawn(Job);
   *   job.send(new Stop());
   *   const end = await bridge.whenTerminated(job);
   *   console.log(end.kind); // "stopped"
   * }
   * ```
   */
  whenTerminated(
    target: ActorRef<never>,
    options: { signal?: AbortSignal } = {},
  ): Promise<Terminated> {
    return new Promise<Terminated>((resolve, reject) => {
      if (this.#closed) {
        reject(new SystemClosedError("cannot wait for an actor: the Bridge is closed"));
        return;
      }
      const signal = options.signal;
      const waiter = { reject, done: false };
      const settle = (ok: boolean, value: unknown) => {
        if (waiter.done) return;
        waiter.done = true;
        this.#endWaiters.delete(waiter);
        signal?.removeEventListener("abort", onAbort);
        if (ok) resolve(value as Terminated);
        else reject(value);
      };
      const onAbort = () => settle(false, signal!.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      waiter.reject = (error) => settle(false, error);
      this.#endWaiters.add(waiter);
      this.#host.whenEnded(target as ActorRef<unknown>).then((end) => settle(true, end));
    });
  }

  /**
   * Sends `message` to `target` after `delayMs` (with no sender). The message is encoded now;
   * the timer runs on this thread's actor-system loop, and is cancelled if the Bridge closes.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for a negative or non-finite delay.
   * @throws {CodecError} when the message cannot be sent.
   */
  sendAfter<M>(delayMs: number, target: ActorRef<M>, message: NoInfer<M>): Timer {
    checkDelay("a delay", delayMs, false);
    return this.#own(
      this.#host.timers.sendLater(target as ActorRef<unknown>, message, null, delayMs, 0),
    );
  }

  /**
   * Sends `message` to `target` every `intervalMs` (the first after `options.initialDelay`,
   * default the interval), until cancelled or the Bridge closes.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for an interval that is not a positive finite number.
   * @throws {CodecError} when the message cannot be sent.
   */
  sendEvery<M>(
    intervalMs: number,
    target: ActorRef<M>,
    message: NoInfer<M>,
    options: RepeatOptions = {},
  ): Timer {
    checkDelay("an interval", intervalMs, true);
    const initial = checkDelay("an initial delay", options.initialDelay ?? intervalMs, false);
    return this.#own(
      this.#host.timers.sendLater(target as ActorRef<unknown>, message, null, initial, intervalMs),
    );
  }

  #own(timer: LoopTimer): Timer {
    if (this.#closed) throw new SystemClosedError("cannot set a timer: the Bridge is closed");
    this.#timers.add(timer);
    timer.onDone = (done) => this.#timers.delete(done);
    return timer;
  }

  /** Closes the Bridge: pending calls settle as if their actor were gone; its slot is freed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch();
    for (const timer of [...this.#timers]) timer.cancel();
    for (const call of [...this.#pending.values()]) this.#gone(call, "the Bridge was closed");
    for (const waiter of [...this.#endWaiters]) {
      waiter.reject(new SystemClosedError("stopped waiting for an actor: the Bridge was closed"));
    }
    const directory = this.#host.directory;
    directory.setState(this.#slot, SlotState.Dead);
    this.#mailbox.close();
    if (!this.#pumping) this.#recycle();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #recycle(): void {
    // Replies that came after their calls settled are dead letters, as they would be if read.
    this.#readReplies();
    while (this.#mailbox.read() >= 0) this.#mailbox.release();
    this.#mailbox.unbind();
    this.#host.pool.release(this.#mailbox);
    this.#host.directory.free(this.#slot);
  }

  #newTag(): number {
    // Tags are positive 31-bit numbers; wrapping around takes 2^31 calls.
    this.#nextTag = this.#nextTag >= 0x7fff_ffff ? 1 : this.#nextTag + 1;
    return this.#nextTag;
  }

  #ref(tag: number): ActorRef<unknown> {
    return new Ref(this.#slot, this.#generation, tag, this.#host.courier);
  }

  /** Reads the replies while calls are pending; waits without blocking the event loop. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#pending.size > 0) {
        this.#readReplies();
        if (this.#pending.size === 0) break;
        if (this.#spin.spin(this.#hasRecord)) continue;
        this.#idle = new AbortController();
        await this.#mailbox.waitForRecordAsync({ signal: this.#idle.signal });
        this.#idle = null;
      }
    } finally {
      this.#pumping = false;
      if (this.#closed) this.#recycle();
    }
  }

  /** Settles the calls whose replies are in the mailbox. */
  #readReplies(): void {
    const mailbox = this.#mailbox;
    const courier = this.#host.courier;
    for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
      const reader = this.#reader.reset(
        mailbox.bytes,
        mailbox.recordStart,
        mailbox.recordStart + length,
        courier,
      );
      let message: unknown;
      let tag = 0;
      try {
        this.#envelope.read(reader, courier, this.#senders);
        tag = this.#envelope.targetTag;
        message = reader.value();
        reader.expectEnd();
      } catch (error) {
        mailbox.release();
        const call = this.#pending.get(this.#isMine() ? tag : 0);
        if (call !== undefined) {
          const reason = `its reply could not be decoded: ${(error as Error).message}`;
          this.#fail(call, "undecodable", reason, error);
        }
        continue;
      }
      mailbox.release();
      const call = this.#pending.get(this.#isMine() ? tag : 0);
      if (call === undefined) {
        // A late Undeliverable is news of a dead letter already counted: nothing more to say.
        if (message instanceof Undeliverable) continue;
        const self = new Ref(this.#slot, this.#generation, tag, courier);
        if (this.#isMine()) {
          const reason = "it answers a call that had already settled (timed out, or aborted)";
          courier.deadLetter(self, this.#envelope.sender, message, "unanswered", reason);
        } else {
          const reason = "it was sent to an earlier owner of this Bridge's mailbox";
          courier.deadLetter(self, this.#envelope.sender, message, "stale", reason);
        }
      } else if (message instanceof Undeliverable) {
        this.#fail(call, message.kind, message.reason);
      } else {
        this.#settle(call, true, message);
      }
    }
  }

  /** Whether the envelope just read is for this Bridge, not a previous owner of its mailbox. */
  #isMine(): boolean {
    const envelope = this.#envelope;
    return envelope.targetSlot === this.#slot && envelope.targetGeneration === this.#generation;
  }

  /** An actor is gone: its replies already sent are read first, then its other calls settle. */
  #actorGone(slot: number, generation: number, reason: string): void {
    const calls = this.#byTarget.get(slot);
    if (calls === undefined) return;
    // Replies that came before the end settle their calls first.
    this.#readReplies();
    const left = this.#byTarget.get(slot);
    if (left === undefined) return;
    for (const call of left instanceof Set ? [...left] : [left]) {
      if (call.target.generation === generation) this.#gone(call, reason);
    }
  }

  #addByTarget(call: PendingCall): void {
    const slot = call.target.slot;
    const calls = this.#byTarget.get(slot);
    if (calls === undefined) this.#byTarget.set(slot, call);
    else if (calls instanceof Set) calls.add(call);
    else this.#byTarget.set(slot, new Set([calls, call]));
  }

  #removeByTarget(call: PendingCall): void {
    const slot = call.target.slot;
    const calls = this.#byTarget.get(slot);
    if (calls === call) {
      this.#byTarget.delete(slot);
    } else if (calls instanceof Set) {
      calls.delete(call);
      if (calls.size === 0) this.#byTarget.delete(slot);
    }
  }
}
