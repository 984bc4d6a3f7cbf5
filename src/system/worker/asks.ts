/**
 * `Asks`: the pending asks of one Worker's actors (`this.context.ask`), settled like Bridge
 * calls.
 *
 * Why the replies do not come to the asking actor: an async handler that awaits an ask keeps
 * its actor busy, and a busy actor's mailbox is not read — a reply queued there would wait for
 * the very handler that waits for it. So every ask of a Worker is sent with the Worker's agent
 * as its sender, carrying a fresh reply tag (as a Bridge's calls carry its ref). The receive loop
 * hands records with a reply tag in the agent's mailbox straight here ({@link Asks.replied}),
 * whatever state the Worker's actors are in. (The agent itself waits while it loads an actor
 * class's module for a spawn: replies that come meanwhile wait with it, late but not lost.)
 *
 * Why the Worker watches the targets: a request the target never got is answered at once by the
 * system (`Undeliverable`, its dead letter's kind), but one it took and then died with — it
 * stopped without replying, was killed, its Worker died — gets no answer. The main thread hears
 * of those ends (the Bridge listens to them there), and of those of other nodes' actors (their
 * `Terminated`, their node's `CallsLost`); a Worker asks the guardian to tell it ({@link AskWatch},
 * once per target asked, kept for a few targets asked lately), and the guardian answers
 * {@link AskLost}. Errors are made by call_failure.ts, the one place that maps a missing reply
 * to its error, for Bridge calls and asks alike.
 *
 * @module
 */

import {
  ActorRef,
  type DeadLetterKind,
  type LoopTimer,
  type LoopTimers,
  RequestFailed,
  Stop,
} from "../../actor/mod.ts";
import { callFailure, handlerFailure } from "../call_failure.ts";
import { AskUnwatch, AskWatch } from "../control.ts";
import { isRuntimeAnswer, type SystemCourier, Undeliverable } from "../../delivery/mod.ts";
import { tagAtMost } from "../../util/reply_tags.ts";

/** How many targets with no ask pending a Worker keeps watched (see Asks.#idle). */
const IDLE_WATCHES = 32;

/** An ask waiting for its reply. */
class PendingAsk {
  /** Its timeout's timer (null: no timeout). */
  timer: LoopTimer | null = null;

  constructor(
    readonly tag: number,
    readonly target: ActorRef<unknown>,
    readonly key: string,
    readonly timeout: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

/** The asks pending on one target, which the guardian watches for this Worker. */
interface Watched {
  readonly target: ActorRef<unknown>;
  readonly asks: Set<PendingAsk>;
}

/** The pending asks of one Worker's actors, and where their replies come back. */
export class Asks {
  readonly #desk: ActorRef<unknown>;
  readonly #courier: SystemCourier;
  readonly #timers: LoopTimers;
  readonly #guardian: ActorRef<unknown>;
  readonly #pending = new Map<number, PendingAsk>();
  /** By target (slot and generation): an end settles its asks without a look at the others. */
  readonly #byTarget = new Map<string, Watched>();
  /**
   * Targets still watched with no ask pending, oldest first: an actor that asks the same one
   * again and again costs the guardian no message per ask. The oldest are let go past a few.
   */
  readonly #idle = new Map<string, Watched>();
  #nextTag = 0;

  /**
   * @param desk the ref replies come back to (the Worker's agent), without a tag.
   * @param courier the Worker's courier.
   * @param timers the Worker's loop timers, for the asks' timeouts.
   * @param guardian the system's guardian, which watches targets for this Worker.
   */
  constructor(
    desk: ActorRef<unknown>,
    courier: SystemCourier,
    timers: LoopTimers,
    guardian: ActorRef<unknown>,
  ) {
    this.#desk = desk;
    this.#courier = courier;
    this.#timers = timers;
    this.#guardian = guardian;
  }

  /** How many asks are pending. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Sends `request` to `target` and settles with the reply or the call's error (see
   * ActorContext.ask). Never settles synchronously from a reply: replies are read by the loop.
   * @param timeout ms, positive (Infinity: none); also the request's deadline (not a Stop's).
   */
  ask(
    target: ActorRef<unknown>,
    request: unknown,
    timeout: number,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (target.courier !== this.#courier) {
        reject(
          new TypeError(
            `${target} belongs to another actor system than the asking actor`,
          ),
        );
        return;
      }
      const key = askKey(target);
      const ask = new PendingAsk(
        this.#newTag(),
        target,
        key,
        timeout,
        resolve,
        reject,
      );
      this.#pending.set(ask.tag, ask);
      this.#add(ask);
      if (timeout !== Infinity) {
        ask.timer = this.#timers.schedule(
          timeout,
          0,
          () => this.#fail(ask, "deadline", ""),
        );
      }
      try {
        // A target that is gone is a dead letter: the courier answers Undeliverable at once.
        this.#courier.deliver(
          target,
          request,
          this.#replyTo(ask.tag),
          // A Stop is asked for its effect: it has no deadline, so that an ask that timed out
          // does not leave the actor running (see Bridge's send).
          timeout === Infinity || request instanceof Stop ? 0 : Date.now() + timeout,
        );
      } catch (error) {
        this.#settle(ask, false, error);
      }
    });
  }

  /**
   * A record with reply tag `tag` came to the desk: the reply to an ask, an `Undeliverable`
   * about its request, or a late reply to an ask that has settled (a dead letter).
   */
  replied(
    tag: number,
    message: unknown,
    sender: ActorRef<unknown> | null,
  ): void {
    const ask = this.#pending.get(tag);
    if (ask === undefined) {
      // A late Undeliverable is news of a dead letter already counted, a late RequestFailed of a
      // failure already reported, a late Stopped of a Stop that had its effect (it has no
      // deadline, see ask): nothing more to say.
      if (isRuntimeAnswer(message)) return;
      const reason = "it answers an ask that had already settled (it timed out)";
      this.#courier.deadLetter({
        target: this.#replyTo(tag),
        sender,
        message,
        kind: "unanswered",
        reason,
      });
    } else if (message instanceof Undeliverable) {
      this.#fail(ask, message.kind, message.reason, undefined, message.targetName);
    } else if (message instanceof RequestFailed) {
      this.#settle(ask, false, handlerFailure(String(ask.target), message));
    } else {
      this.#settle(ask, true, message);
    }
  }

  /** The record with reply tag `tag` could not be decoded: its ask fails (if still pending). */
  undecodable(tag: number, error: unknown): void {
    const ask = this.#pending.get(tag);
    if (ask === undefined) return;
    const reason = `its reply could not be decoded: ${(error as Error)?.message ?? error}`;
    this.#fail(ask, "undecodable", reason, error);
  }

  /** The node `node` is down (the guardian says): the asks waiting on its actors fail. */
  nodeDown(node: number, reason: string): void {
    for (const [key, watched] of this.#byTarget) {
      if (watched.target.node !== node) continue;
      this.#byTarget.delete(key);
      this.#idle.delete(key);
      for (const ask of [...watched.asks]) this.#fail(ask, "node-down", reason);
    }
  }

  /**
   * `target` ended or lost its Worker (the guardian says): its asks get no reply. `upTo` not 0:
   * an actor of another node lost its Worker with the asks it had taken, those with tags up to
   * `upTo` (-1: all); the later ones wait for its new instance, and the watch goes on.
   */
  lost(target: ActorRef<unknown>, reason: string, upTo = 0): void {
    const key = askKey(target);
    const watched = this.#byTarget.get(key);
    if (watched === undefined) return;
    if (upTo !== 0) {
      for (const ask of [...watched.asks]) {
        if (upTo === -1 || tagAtMost(ask.tag, upTo)) this.#fail(ask, "stopped", reason);
      }
      return;
    }
    // The guardian's watch is over: the next ask to it watches it again.
    this.#byTarget.delete(key);
    this.#idle.delete(key);
    // Whatever ended the actor ("stopped" stands for all): the asker's answer is the same.
    for (const ask of [...watched.asks]) this.#fail(ask, "stopped", reason);
  }

  /**
   * The ask gets no reply, for a reason of `kind`. `targetName`: the actor's name as the node
   * that lost the request knew it (this thread names an actor of another node "actor"), as a
   * Bridge call's error does (see PendingCalls.fail).
   */
  #fail(
    ask: PendingAsk,
    kind: DeadLetterKind,
    reason: string,
    cause?: unknown,
    targetName = "",
  ): void {
    // This thread names an actor of this process in its ref already.
    const subject = targetName === "" || targetName === "actor" || ask.target.node === 0
      ? String(ask.target)
      : `${targetName} (${ask.target})`;
    this.#settle(
      ask,
      false,
      callFailure(kind, { subject, timeout: ask.timeout }, reason, cause).error,
    );
  }

  /** Settles an ask once: with `value` (ok) or by rejecting with it. */
  #settle(ask: PendingAsk, ok: boolean, value: unknown): void {
    if (!this.#pending.delete(ask.tag)) return;
    ask.timer?.cancel();
    this.#remove(ask);
    if (ok) ask.resolve(value);
    else ask.reject(value);
  }

  /** Files the ask under its target; the first ask to a target gets the target watched. */
  #add(ask: PendingAsk): void {
    const watched = this.#byTarget.get(ask.key);
    if (watched !== undefined) {
      watched.asks.add(ask);
      this.#idle.delete(ask.key);
      return;
    }
    this.#byTarget.set(ask.key, { target: ask.target, asks: new Set([ask]) });
    // The system watches it (an actor of another node too: see remote_ask_watches.ts).
    this.#courier.deliver(
      this.#guardian,
      new AskWatch(this.#desk, ask.target),
      null,
    );
  }

  /**
   * Takes a settled ask off its target. The target stays watched for the next ask; past
   * {@link IDLE_WATCHES} targets with none pending, the oldest is no longer watched.
   */
  #remove(ask: PendingAsk): void {
    const watched = this.#byTarget.get(ask.key);
    if (
      watched === undefined || !watched.asks.delete(ask) ||
      watched.asks.size > 0
    ) return;
    this.#idle.set(ask.key, watched);
    if (this.#idle.size <= IDLE_WATCHES) return;
    const [key, oldest] = this.#idle.entries().next().value!;
    this.#idle.delete(key);
    this.#byTarget.delete(key);
    this.#courier.deliver(
      this.#guardian,
      new AskUnwatch(this.#desk, oldest.target),
      null,
    );
  }

  #newTag(): number {
    // Tags are positive 31-bit numbers; wrapping around takes 2^31 asks.
    this.#nextTag = this.#nextTag >= 0x7fff_ffff ? 1 : this.#nextTag + 1;
    return this.#nextTag;
  }

  #replyTo(tag: number): ActorRef<unknown> {
    const desk = this.#desk;
    return new ActorRef(desk.slot, desk.generation, tag, this.#courier);
  }
}

/** Where asks to `target` are filed: one actor, of this process or of another node. */
function askKey(target: ActorRef<unknown>): string {
  return `${target.slot}.${target.generation}@${target.node}`;
}
