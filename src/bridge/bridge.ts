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
 * call ever waits out its timeout for an actor that is gone. (An actor restarted after its Worker
 * died is not gone: the calls it had taken settle once its old thread can take no more, within
 * about a second; those still in its mailbox are answered by its new instance.)
 *
 * This class is the API; the work is done by its parts: the pending calls (pending_calls.ts),
 * the mailbox the replies come to (reply_endpoint.ts), multiCall's results (multi_call.ts) and
 * whenTerminated's waits (end_waits.ts).
 *
 * @module
 */

import {
  ActorRef,
  checkDelay,
  checkRepeat,
  type LoopTimer,
  type RepeatOptions,
  type ReplyOf,
  Stop,
  Stopped,
  type Terminated,
  type Timer,
} from "../actor/mod.ts";
import { ActorDeadError, CallTimeoutError, SystemClosedError } from "../system/errors.ts";
import { MailboxFullError } from "../ring/mod.ts";
import { type ActorSystem, type BridgeHost, internalsOf } from "../system/internal.ts";
import { describeValue } from "../system/spawn_checks.ts";
import { notMsError } from "../util/timer_ms.ts";
import {
  type CallOptions,
  CallTerms,
  observerThrew,
  PendingCall,
  PendingCalls,
} from "./pending_calls.ts";
import { ReplyEndpoint } from "./reply_endpoint.ts";
import { EndWaits } from "./end_waits.ts";
import { LingeringWaits } from "./lingering_waits.ts";
import { type MultiCallResult, MultiCallResults } from "./multi_call.ts";

export type { CallOptions } from "./pending_calls.ts";
export type { MultiCallResult } from "./multi_call.ts";

/** Options of {@link Bridge.stop}. */
export interface StopOptions<D = never> {
  /** Milliseconds to wait for each `Stopped`. Default 5000. */
  timeout?: number;
  /** What stands for an actor that did not answer `Stopped` in time; without it, rejects. */
  default?: D;
}

const DEFAULT_TIMEOUT_MS = 5000;

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
  readonly #calls: PendingCalls;
  readonly #replies: ReplyEndpoint;
  readonly #endWaits: EndWaits;
  /** Its waits on the ends of the actors of other nodes it calls (see lingering_waits.ts). */
  readonly #remoteEnds: LingeringWaits;
  /** Takes its calls out of the system's count of pending calls (see inspect()). */
  readonly #uncount: () => void;
  readonly #timers = new Set<LoopTimer>();
  /** The terms of the last plain call: the next one with the same options shares them. */
  #lastTerms: CallTerms | null = null;
  #closed = false;

  /**
   * Opens a Bridge to the actors of `system`.
   * @throws {SystemClosedError} when the system was shut down.
   */
  constructor(system: ActorSystem) {
    const host = internalsOf(system, "a Bridge").bridgeHost;
    if (host.closed) {
      throw new SystemClosedError(
        "cannot open a Bridge: the actor system was shut down",
      );
    }
    this.#host = host;
    this.#remoteEnds = new LingeringWaits(
      (ref, signal) => host.whenEnded(ref, signal),
      (target, end) => this.#replies.remoteEnded(target, end.reason),
      host.waitLingerMs,
    );
    this.#calls = new PendingCalls(
      (ref) => host.nameOf(ref),
      () => this.#replies.stopWaiting(),
      this.#remoteEnds,
    );
    this.#replies = new ReplyEndpoint(host, this.#calls);
    this.#endWaits = new EndWaits((ref, signal) => host.whenEnded(ref, signal), host.waitLingerMs);
    this.#uncount = host.countPending(() => this.#calls.size);
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
   * handling a request whose caller has stopped waiting (but for a `Stop`, which the actor takes
   * whenever it comes to it: a call that timed out does not leave it running).
   * @param options timeout (ms, default 5000), default, signal.
   * @returns the reply; or `options.default` when the actor is gone, its mailbox stayed full,
   * or no reply came in time.
   * @throws {ActorDeadError} at once when the actor is gone (stopped, never started, its Worker
   * died) and no default was given: a retry to this ref will not succeed.
   * @throws {MailboxFullError} when the request waited in the actor's full mailbox for the whole
   * send timeout and no default was given: the actor is alive, a retry later may succeed.
   * @throws {CallTimeoutError} when no reply came in time, or the actor reached the request after
   * its deadline (the timeout), and no default was given.
   * @throws {HandlerFailedError} when the actor's handler of the request threw (or rejected)
   * before it replied: at once, with what it threw as `cause`.
   * @throws {UndeliverableError} when the actor cannot take the request as it is (its Worker
   * cannot decode it, or it has no handler for it; `kind` says which) or its reply could not be
   * decoded, even with a default.
   * @throws {CodecError} when the request cannot be sent, even with a default.
   * @throws {RangeError} for a timeout that is not a positive number; {@link TypeError} for one
   * that is no number at all.
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
   * Sends a call whose outcome goes to `resolve` or `reject` (each at most once, never from a
   * reply in the turn that made the call: the pump settles replies, even those read early to
   * make room). {@link call} wraps it in a promise; {@link multiCall} sends its calls with
   * {@link #callAll}.
   */
  #call(
    target: ActorRef<unknown>,
    request: unknown,
    options: CallOptions<unknown>,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ): void {
    const refused = this.#refusal(options);
    if (refused !== null) return reject(refused);
    // A Stop's target is checked before its node is read (`null` would throw a TypeError that
    // names nothing of the call); any other's as it is sent (#send).
    const refusedTarget = request instanceof Stop ? this.#refusalOf(target) : null;
    if (refusedTarget !== null) return reject(refusedTarget);
    if (request instanceof Stop && target.node === 0) {
      // The actor's Worker answers Stopped through this Bridge's mailbox, and tells this thread
      // of the end another way, which may come second: the Stopped waits for it, so that once
      // it is here the actor has ended for all on this thread (started() rejects, a call or send
      // says how it ended).
      const answer = resolve;
      resolve = (reply) => {
        if (!(reply instanceof Stopped)) return answer(reply);
        const answered = () => answer(reply);
        this.#host.whenEnded(target).then(answered, answered);
      };
    }
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    let terms = this.#lastTerms;
    if (terms === null || !terms.matches(timeout, options)) {
      terms = this.#lastTerms = new CallTerms(timeout, options);
    }
    this.#send(new PendingCall(target, terms, resolve, reject), request);
  }

  /** Sends every call of a multiCall in one pass; their outcomes go to `results`. */
  #callAll<R>(
    calls: Iterable<readonly [ActorRef<never>, unknown]>,
    options: CallOptions<unknown>,
    results: MultiCallResults<R>,
  ): void {
    // Thrown, the iteration rejects with it (see MultiCallResults.next), as a generator's would:
    // JavaScript's own "is not iterable" names neither the method nor what it wants.
    if (!isIterable(calls)) {
      throw new TypeError(
        `multiCall takes an iterable of [target, message] pairs (an array of them), got ` +
          describe(calls),
      );
    }
    // Checked once: the options are the same for every call.
    const refused = this.#refusal(options);
    const terms = refused === null
      ? new CallTerms(options.timeout ?? DEFAULT_TIMEOUT_MS, options, results)
      : null;
    if (terms !== null) terms.sentAt = performance.now();
    let at = 0;
    for (const pair of calls) {
      // An array of one (the message forgotten) or of three is no pair either: taken apart, it
      // sent `undefined`, or dropped what followed, with no word.
      if (
        !isIterable(pair) || typeof pair === "string" ||
        (Array.isArray(pair) && pair.length !== 2)
      ) {
        throw new TypeError(
          `multiCall's calls must each be a [target, message] pair, got ${
            Array.isArray(pair) ? `an array of ${pair.length}` : describe(pair)
          } at ` +
            `index ${at}`,
        );
      }
      at++;
      const [target, request] = pair;
      const index = results.expect();
      if (terms === null) results.failed(index, target, refused);
      else this.#send(new PendingCall(target, terms, null, null, index), request);
    }
  }

  /** Why no call with `options` can be made now; null when it can. */
  #refusal(options: CallOptions<unknown>): Error | null {
    if (this.#closed || this.#host.closed) {
      return new SystemClosedError("cannot call: the Bridge (or its actor system) is closed");
    }
    if (typeof options !== "object" || options === null) {
      return new TypeError(
        `call options must be an object ({ timeout, default, signal }), got ${
          describeValue(options)
        }`,
      );
    }
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeout !== "number") return notMsError("call timeout", timeout);
    if (!(timeout > 0)) {
      return new RangeError(`call timeout must be a positive number of ms, got ${options.timeout}`);
    }
    return badSignal("call", options.signal);
  }

  /** Why `target` cannot be used by this Bridge (no ref, or another system's); null when it can. */
  #refusalOf(target: unknown): TypeError | null {
    if (!(target instanceof ActorRef)) {
      return new TypeError(`the target must be an ActorRef, got ${describeValue(target)}`);
    }
    if (target.courier !== this.#host.courier) {
      return new TypeError(`${target} belongs to another actor system than this Bridge's`);
    }
    return null;
  }

  /** Records `call` and sends its request. */
  #send(call: PendingCall, request: unknown): void {
    const target = call.target;
    const refused = this.#refusalOf(target);
    if (refused !== null) return this.#refuse(call, refused);
    const observer = this.#host.calls;
    if (observer !== null) {
      try {
        call.observed = observer.started(target, request);
      } catch (error) {
        observerThrew(error);
      }
    }
    // User code may have closed the Bridge since the call was made: a dead-letter listener as
    // an earlier call of the same multiCall went out, the observer just now. A call recorded
    // after close() settled the others would wait for a reader that has stopped.
    if (this.#closed || this.#host.closed) {
      call.observed?.(false);
      return this.#refuse(call, this.#refusal({})!);
    }
    const wallDeadline = this.#calls.add(call);
    // A call's timeout is its request's deadline, so an actor does not work on a call nobody
    // waits for; but a Stop is sent for its effect, not its answer: one dropped at its deadline
    // left the actor running after stop() gave up waiting (0: no deadline).
    if (wallDeadline >= 0) {
      this.#replies.send(call, request, request instanceof Stop ? 0 : wallDeadline);
    }
  }

  /** Fails `call`, never recorded, with `error`. */
  #refuse(call: PendingCall, error: Error): void {
    const results = call.terms.results;
    if (results !== null) results.failed(call.index, call.target as ActorRef<never>, error);
    else call.reject!(error);
  }

  /**
   * Sends each request to its target at once and yields the replies in the order they arrive,
   * each with its target. A call that gets no reply yields its `default` as reply, or an `error`
   * saying why: the same error (and the same use of the default) as {@link call}.
   *
   * The replies are typed by the requests, as a call's are: requests of one `Request<R>` class
   * give replies of type `R` (requests of several classes, or plain values, give `unknown`).
   * `multiCall<R>(...)` names the reply's type instead. Each request is checked against its
   * target's messages, as a call's is (not when `R` is named).
   *
   * @param calls pairs of target and request.
   * @param options timeout (ms, default 5000) for every call, counted from when the calls are
   * sent (at the first `next()`), default, signal.
   * @returns an async iterable of results, one per call. Its iteration rejects with a `TypeError`
   * when `calls` is no iterable, or one of them no pair (the calls before it settle unread).
   */
  multiCall<
    R = never,
    D = never,
    C extends readonly [ActorRef<never>, unknown] = readonly [ActorRef<never>, unknown],
  >(
    calls:
      & Iterable<C>
      // Each pair as its target takes it: a request its target does not take is refused.
      & Iterable<
        NoInfer<
          C extends readonly [ActorRef<infer M>, infer Q]
            ? [M] extends [never] ? C : [Q] extends [M] ? C : readonly [C[0], M]
            : C
        >
      >,
    options: CallOptions<D> = {},
  ): AsyncIterableIterator<MultiCallResult<([R] extends [never] ? ReplyOf<C[1]> : R) | D>> {
    type Reply = ([R] extends [never] ? ReplyOf<C[1]> : R) | D;
    const results: MultiCallResults<Reply> = new MultiCallResults(() =>
      this.#callAll(calls, options as CallOptions<unknown>, results)
    );
    return results;
  }

  /**
   * Stops each actor and resolves with one `Stopped` per actor, in the order given. An actor that
   * was already gone counts as stopped. An actor still busy when the timeout passes stops once it
   * comes to the `Stop`: the timeout bounds the wait, not the stop.
   *
   * @param actors the actors to stop.
   * @param options timeout (ms, default 5000) for each actor, or the timeout alone; and what
   * stands for an actor that did not stop in time.
   * @returns `Stopped` (or the default) per actor.
   * @throws {TypeError} when `actors` is no iterable (one actor goes in an array: `[ref]`), or
   * one of them is no actor of this Bridge's system: then none is stopped (nor when the iterable
   * throws: the promise rejects with what it threw).
   * @throws {CallTimeoutError} when an actor did not answer in time and no default was given.
   * @throws {MailboxFullError} when an actor's mailbox stayed full for the send timeout (it is
   * still running) and no default was given.
   */
  stop<D = never>(
    actors: Iterable<ActorRef<never>>,
    options: StopOptions<D> | number = {},
  ): Promise<(Stopped | D)[]> {
    if (typeof options !== "number" && (typeof options !== "object" || options === null)) {
      return Promise.reject(
        new TypeError(
          `stop options must be a timeout in ms or an object ({ timeout, default }), got ${
            describeValue(options)
          }`,
        ),
      );
    }
    if (!isIterable(actors) || typeof actors === "string") {
      return Promise.reject(
        new TypeError(
          `stop takes an iterable of actors (an array: bridge.stop([a, b])), got ` +
            describe(actors),
        ),
      );
    }
    // Every actor is taken, and checked, before any is sent its Stop: an iterable that throws part
    // way, or holds what is no actor of this system, rejects and stops none of them (a Stop sent
    // first had its outcome unread, an unhandled rejection should it time out).
    let targets: ActorRef<never>[];
    try {
      targets = Array.from(actors);
    } catch (error) {
      return Promise.reject(error);
    }
    for (const target of targets) {
      const refused = this.#refusalOf(target);
      if (refused !== null) return Promise.reject(refused);
    }
    const { timeout, ...rest } = typeof options === "number" ? { timeout: options } : options;
    // The default stands only for an actor still running when the wait ends, not for one gone
    // already (that one counts as stopped): it is not the call's own default.
    const stands = "default" in rest;
    const fallback = rest.default as D;
    return Promise.all(
      targets.map(
        (actor) =>
          this.call(actor as ActorRef<Stop>, new Stop(), { timeout })
            .catch((error) => {
              if (error instanceof ActorDeadError) return new Stopped();
              if (
                stands && (error instanceof CallTimeoutError || error instanceof MailboxFullError)
              ) return fallback;
              throw error;
            }),
      ),
    );
  }

  /**
   * Resolves when the actor `target` ends — it stops, fails for good, fails to start, or its
   * Worker dies — with the `Terminated` a watcher would get. For an actor that has ended
   * already, at once: how it ended while the system still knows (`"stopped"`, `"failed"`, …),
   * or kind `"not-running"` once it does not (its slot went to another actor), and for a ref
   * that never was an actor of this system. Never rejects because of the actor.
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
    if (this.#closed) {
      return Promise.reject(
        new SystemClosedError("cannot wait for an actor: the Bridge is closed"),
      );
    }
    if (typeof options !== "object" || options === null) {
      return Promise.reject(
        new TypeError(
          `whenTerminated options must be an object ({ signal }), got ${describeValue(options)}`,
        ),
      );
    }
    const refused = this.#refusalOf(target) ?? badSignal("whenTerminated", options.signal);
    if (refused !== null) return Promise.reject(refused);
    return this.#endWaits.wait(target as ActorRef<unknown>, options.signal);
  }

  /**
   * Sends `message` to `target` after `delayMs` (with no sender). The message is encoded now;
   * the timer runs on this thread's actor-system loop, and is cancelled if the Bridge closes.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for a negative or non-finite delay ({@link TypeError}: no number).
   * @throws {CodecError} when the message cannot be sent.
   * @throws {SystemClosedError} when the Bridge is closed.
   */
  sendAfter<M>(
    delayMs: number,
    target: ActorRef<M>,
    message: NoInfer<M>,
  ): Timer {
    checkDelay("a delay", delayMs, false);
    return this.#sendLater(target as ActorRef<unknown>, message, delayMs, 0);
  }

  /**
   * Sends `message` to `target` every `intervalMs` (the first after `options.initialDelay`,
   * default the interval), until cancelled or the Bridge closes.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for an interval that is not a positive finite number ({@link TypeError}:
   * no number).
   * @throws {CodecError} when the message cannot be sent.
   * @throws {SystemClosedError} when the Bridge is closed.
   */
  sendEvery<M>(
    intervalMs: number,
    target: ActorRef<M>,
    message: NoInfer<M>,
    options: RepeatOptions = {},
  ): Timer {
    const initial = checkRepeat(intervalMs, options);
    return this.#sendLater(
      target as ActorRef<unknown>,
      message,
      initial,
      intervalMs,
    );
  }

  /** Sets a timer the Bridge owns (a closed Bridge sets none: nothing would cancel it). */
  #sendLater(
    target: ActorRef<unknown>,
    message: unknown,
    delay: number,
    interval: number,
  ): Timer {
    if (this.#closed || this.#host.closed) {
      throw new SystemClosedError(
        "cannot set a timer: the Bridge (or its actor system) is closed",
      );
    }
    const refused = this.#refusalOf(target);
    if (refused !== null) throw refused;
    const timer = this.#host.timers.sendLater(
      target,
      message,
      null,
      delay,
      interval,
    );
    this.#timers.add(timer);
    timer.onDone = (done) => this.#timers.delete(done);
    return timer;
  }

  /**
   * Closes the Bridge: pending calls reject with `SystemClosedError` (their actors may still
   * handle the requests; no default stands in), waits for actors' ends too; its slot is freed.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of [...this.#timers]) timer.cancel();
    this.#calls.closeAll();
    this.#remoteEnds.close();
    this.#endWaits.close();
    this.#uncount();
    // Last: replies it reads while closing find their calls settled, and become dead letters.
    this.#replies.close();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** Why `signal` is no option for `what`: it must be an AbortSignal (or absent). */
function badSignal(what: string, signal: unknown): TypeError | null {
  if (signal === undefined || signal instanceof AbortSignal) return null;
  return new TypeError(
    `${what} signal must be an AbortSignal (an AbortController's .signal), got ` +
      describeValue(signal),
  );
}

/** Whether `value` can be taken apart by `for...of` (or a destructuring). */
function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** What a refused argument was, in an error message: a ref says which actor it names. */
function describe(value: unknown): string {
  return value instanceof ActorRef ? String(value) : describeValue(value);
}
