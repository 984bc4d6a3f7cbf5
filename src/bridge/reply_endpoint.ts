/**
 * The Bridge's own address: a mailbox and a slot, like an actor's. Requests go out with its ref as
 * sender, carrying the call's tag; replies come back into its mailbox, where the pump reads them
 * (without blocking the event loop) and settles their calls — or, while actors wait for room there,
 * the sending of calls takes them out to settle later. It also watches for what settles a
 * call without a reply: an actor's end, a thread's death. Closing frees the slot and the mailbox
 * once the pump has stopped.
 *
 * @module
 */

import { ActorRef, type DeadLetterKind, messageOf, RequestFailed } from "../actor/mod.ts";
import {
  Inbox,
  isRuntimeAnswer,
  type SenderCache,
  SlotState,
  Undeliverable,
} from "../delivery/mod.ts";
import { type Mailbox, SpinPolicy } from "../ring/mod.ts";
import type { BridgeHost, WaitingCalls } from "../system/internal.ts";
import { withClaim } from "../system/claim.ts";
import { Fifo } from "../util/fifo.ts";
import type { PendingCall, PendingCalls } from "./pending_calls.ts";
import { abortQuietly } from "../util/abort_quietly.ts";

const BRIDGE_MAILBOX_BYTES = 1 << 16;

/** A reply read out of the mailbox before its turn to settle (see ReplyEndpoint.#takeEarly). */
interface EarlyReply {
  /** Whether it was read whole (otherwise `error` says why not). */
  decoded: boolean;
  message: unknown;
  error: unknown;
  /** Whether it was sent to this endpoint (its slot and generation), not an earlier owner. */
  mine: boolean;
  tag: number;
  sender: ActorRef<unknown> | null;
}

/** Where a Bridge's replies come in. */
export class ReplyEndpoint {
  readonly #host: BridgeHost;
  readonly #calls: PendingCalls;
  readonly #mailbox: Mailbox;
  readonly #slot: number;
  readonly #generation: number;
  /**
   * At least ~2 µs of looking before the pump parks: its wake-up takes ~100 µs on the main
   * thread (an `Atomics.waitAsync` settling through the event loop), so a park after a short
   * spin looks "long" to the policy, which then spins ever less, and a pump reading replies a
   * few hundred ns apart parked between most of them (measured: 2.5 parks and ~300 µs parked
   * per round of 256 calls in flight; none with this floor).
   */
  readonly #spin = new SpinPolicy({ maxSpins: 2000, minSpins: 256 });
  readonly #inbox: Inbox;
  readonly #senders: SenderCache = { lastSender: null };
  /** Replies taken out of the mailbox while calls were sent, not yet settled (see #takeEarly). */
  readonly #early = new Fifo<EarlyReply>();
  /** Set while records are read out of the mailbox (see #takeEarly). */
  #reading = false;
  readonly #unwatch: () => void;
  #pumping = false;
  /** Whether the slot and mailbox went back (once: a mailbox released twice is handed out twice). */
  #recycled = false;
  /** Aborted when the last pending call settles, so the pump stops waiting. */
  #idle: AbortController | null = null;
  #closed = false;
  /**
   * The pump's look while it spins: a reply, and room for what the calls left waiting in full
   * mailboxes — the pump refills them as their actors drain them, so a fan-out larger than the
   * mailboxes waits for no wake-up of this thread (see Backlogs.moveDrained).
   */
  readonly #hasRecord = (): boolean => {
    this.#host.courier.moveBacklogs();
    return this.#mailbox.hasRecord();
  };
  readonly #pumpFailed = (error: unknown): void => {
    // Only a bug can get here (the pump reports what it reads): settle every call rather than
    // leave them waiting, and say why.
    console.error("ringmail: a Bridge stopped reading replies:", error);
    this.#calls.failAll(`the Bridge failed: ${error}`);
  };

  /** Opens a mailbox and a slot in `host`'s system for the replies to `calls`. */
  constructor(host: BridgeHost, calls: PendingCalls) {
    this.#host = host;
    this.#calls = calls;
    this.#inbox = new Inbox(host.courier);
    // Named as an actor is: any thread that sends it a reply once it is closed names it.
    const claim = withClaim(host, BRIDGE_MAILBOX_BYTES, host.courier.threadId, "Bridge", (c) => c);
    this.#mailbox = claim.mailbox;
    this.#slot = claim.slot;
    this.#generation = claim.generation;
    this.#mailbox.bindReceiver(host.doorbell);
    host.directory.setState(this.#slot, SlotState.Running);
    const unwatchLosses = host.watchLosses((slot, generation, reason, waiting) =>
      this.#actorGone(slot, generation, reason, waiting)
    );
    // A thread that died may have held up a reply in this mailbox: read past it now.
    const unwatchDeaths = host.watchThreadDeaths(() => this.readReplies());
    const unwatchNodes = host.watchNodeDowns((node, reason) => {
      // Replies that came before the node went down settle their calls first.
      this.readReplies();
      this.#calls.nodeDown(node, reason);
    });
    const unwatchLostAfar = host.watchCallsLostAfar((target, reason, calls) => {
      // Which of this endpoint's calls the actor took before it lost its Worker: the later ones
      // are the new instance's to answer.
      for (let i = 0; i < calls.length; i += 3) {
        const any = calls[i] === 0; // every address of this node (see CallsLost)
        if (!any && (calls[i] !== this.#slot || calls[i + 1] !== this.#generation)) continue;
        // Replies that came before the loss settle their calls first.
        this.readReplies();
        this.#calls.remoteActorGone(target, reason, any ? undefined : calls[i + 2]);
        return;
      }
    });
    this.#unwatch = () => {
      unwatchLostAfar();
      unwatchLosses();
      unwatchDeaths();
      unwatchNodes();
    };
  }

  /**
   * Sends `request` for `call` (its sender this endpoint, tagged with the call's tag; its
   * deadline `wallDeadline`, ms since the epoch, 0: none), then reads replies until no call is
   * pending. While actors wait for room in the mailbox, it first takes the replies out, for the
   * pump to settle.
   */
  send(call: PendingCall, request: unknown, wallDeadline: number): void {
    try {
      // A target that is gone is a dead letter: the courier answers Undeliverable at once.
      this.#host.courier.deliver(
        call.target,
        request,
        this.#ref(call.tag),
        wallDeadline,
      );
    } catch (error) {
      this.#calls.settle(call, false, error);
      return;
    }
    // Closed by user code the delivery ran (a dead-letter listener): the mailbox may be back in
    // the pool already, and nothing waits for a reply any more.
    if (this.#closed) return;
    // Many calls sent in one turn fill the reply ring while they go out: the actors blocked on
    // it go on now, instead of spinning for, then sleeping until, the pump's first read after
    // this turn (a 10,000-call fan-out over 64 KiB mailboxes: 25% less time).
    if (this.#mailbox.sendersWaiting !== 0) this.#takeEarly();
    if (!this.#pumping) this.#pump().catch(this.#pumpFailed);
  }

  /** No call is pending any more: the pump stops waiting for a reply. */
  stopWaiting(): void {
    abortQuietly(this.#idle);
  }

  /**
   * Settles the calls whose replies came, in the order they came: those taken early first (the
   * settling may run user code that calls, and takes more), then the mailbox's.
   */
  readReplies(): void {
    const early = this.#early;
    while (early.length > 0) {
      const reply = early.shift()!;
      this.#settle(reply.decoded, reply.message, reply.error, reply.mine, reply.tag, reply.sender);
    }
    const mailbox = this.#mailbox;
    const inbox = this.#inbox;
    const courier = this.#host.courier;
    let count = 0;
    const outer = this.#reading; // a watcher's read, within a settle: the record is released
    this.#reading = true;
    try {
      for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
        const decoded = inbox.read(mailbox, length, this.#senders);
        const message = inbox.message;
        inbox.message = undefined;
        const mine = inbox.isFor(this.#slot, this.#generation);
        const envelope = inbox.envelope;
        this.#settle(decoded, message, inbox.error, mine, envelope.targetTag, envelope.sender);
        // A long run of replies (a fan-out) takes a while to read: meanwhile the actors whose
        // requests wait in backlogs get more, rather than emptying their mailboxes and sleeping.
        if ((++count & 15) === 0) courier.moveBacklogs();
      }
    } finally {
      this.#reading = outer;
    }
  }

  /**
   * Takes the replies out of the mailbox while calls are being sent, to make room, and keeps
   * them for the pump: a call never settles in the turn that made it, so one aborted in that
   * turn still rejects, whatever its actor answered meanwhile.
   */
  #takeEarly(): void {
    // A call made by user code that runs while replies are read (a calls observer, a dead-letter
    // listener, a custom decoder) must not read under that reader: the record it is at may not
    // be released yet. The reader takes what came anyway.
    if (this.#reading) return;
    this.#reading = true;
    const mailbox = this.#mailbox;
    const inbox = this.#inbox;
    const early = this.#early;
    try {
      for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
        const decoded = inbox.read(mailbox, length, this.#senders);
        const envelope = inbox.envelope;
        early.push({
          decoded,
          message: inbox.message,
          error: inbox.error,
          mine: inbox.isFor(this.#slot, this.#generation),
          tag: envelope.targetTag,
          sender: envelope.sender,
        });
        inbox.message = undefined;
      }
    } finally {
      this.#reading = false;
    }
    // The pump may be waiting for the records just taken: it settles them instead.
    if (early.length > 0) abortQuietly(this.#idle);
  }

  /** Settles the call a reply (read whole or not: `decoded`) answers, or reports it unanswered. */
  #settle(
    decoded: boolean,
    message: unknown,
    error: unknown,
    mine: boolean,
    tag: number,
    sender: ActorRef<unknown> | null,
  ): void {
    const calls = this.#calls;
    const call = calls.get(mine ? tag : 0);
    if (!decoded) {
      if (call !== undefined) {
        const reason = `its reply could not be decoded: ${messageOf(error)}`;
        calls.fail(call, "undecodable", reason, error);
      }
    } else if (call === undefined) {
      // A late Undeliverable is news of a dead letter already counted, a late RequestFailed of a
      // failure already reported (the handler replied first, or the call timed out), a late
      // Stopped of a Stop that had its effect (its call timed out while the actor was busy, see
      // Bridge's #send): nothing more to say.
      if (isRuntimeAnswer(message)) return;
      const target = this.#ref(tag);
      const courier = this.#host.courier;
      // Read as the closed Bridge gives its mailbox back: the same dead letter as a reply that
      // meets the mailbox closed ("stopped"), whether it came just before the close or after.
      const [kind, reason]: [DeadLetterKind, string] = !mine
        ? ["stale", "it was sent to an earlier owner of this Bridge's mailbox"]
        : this.#closed
        ? ["stopped", `${courier.describe(target)} has stopped`]
        : ["unanswered", "it answers a call that had already settled (timed out, or aborted)"];
      courier.deadLetter({ target, sender, message, kind, reason });
    } else if (message instanceof Undeliverable) {
      calls.fail(call, message.kind, message.reason, undefined, message.targetName);
    } else if (message instanceof RequestFailed) {
      calls.failedHandling(call, message);
    } else {
      calls.settle(call, true, message);
    }
  }

  /**
   * Stops watching, marks the slot dead and closes the mailbox; the slot and mailbox are freed
   * now, or when the pump stops. Settle the pending calls first: a reply read after that is a
   * dead letter.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch();
    this.#host.directory.setState(this.#slot, SlotState.Dead);
    this.#mailbox.close();
    if (!this.#pumping) this.#recycle();
  }

  #ref(tag: number): ActorRef<unknown> {
    return new ActorRef(this.#slot, this.#generation, tag, this.#host.courier);
  }

  /** Reads the replies while calls are pending; waits without blocking the event loop. */
  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      // Not before the code that made this call is done: the calls it makes next in the same
      // turn go out first, and then one pump reads all their replies.
      await undefined;
      // Closed meanwhile, it stops: its closed mailbox would answer every wait at once.
      while (!this.#closed && this.#calls.size > 0) {
        this.readReplies();
        if (this.#calls.size === 0) break;
        // A spin sees only replies from other threads; one from another node comes through this
        // thread's event loop, and spinning would only hold up the microtasks before it.
        if (this.#calls.waitsOnThisProcess && this.#spin.spin(this.#hasRecord)) continue;
        // User code run by the spin's look (a dead-letter listener that calls) may have taken
        // replies early: no record will come for those.
        if (this.#early.length > 0) continue;
        this.#idle = new AbortController();
        await this.#mailbox.waitForRecordAsync({ signal: this.#idle.signal });
        this.#idle = null;
      }
    } finally {
      this.#pumping = false;
      if (this.#closed) this.#recycle();
    }
  }

  /**
   * `target`, an actor of another node that calls wait on, has ended (the Bridge's watch of it
   * heard: see lingering_waits.ts): its replies already here settle their calls first.
   */
  remoteEnded(target: ActorRef<unknown>, reason: string): void {
    if (this.#closed) return;
    this.readReplies();
    this.#calls.remoteActorGone(target, reason);
  }

  /**
   * An actor is gone, or lost its Worker (`waiting`: the requests it had not taken, which its new
   * instance answers): its replies already sent are read first, then the calls it will not
   * answer settle.
   */
  #actorGone(
    slot: number,
    generation: number,
    reason: string,
    waiting: WaitingCalls | undefined,
  ): void {
    if (!this.#calls.waitsOn(slot)) return;
    // Replies that came before the end settle their calls first.
    this.readReplies();
    const kept = waiting === undefined || waiting.size === 0
      ? undefined
      : (tag: number) => waiting.has(this.#slot, this.#generation, tag);
    this.#calls.actorGone(slot, generation, reason, kept);
  }

  #recycle(): void {
    if (this.#recycled) return;
    this.#recycled = true;
    // Replies that came after their calls settled are dead letters, as they would be if read.
    this.readReplies();
    while (this.#mailbox.read() >= 0) this.#mailbox.release();
    this.#mailbox.unbind();
    this.#host.pool.release(this.#mailbox);
    this.#host.directory.free(this.#slot);
  }
}
