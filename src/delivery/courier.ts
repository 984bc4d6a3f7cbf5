/**
 * The courier: how one thread of an actor system sends. It resolves a ref through the
 * directory, writes the envelope and the message into a reused scratch writer, copies the record
 * into the target's mailbox and rings its receiver. A target that is gone makes a dead letter:
 * counted in the directory, reported to the guardian, and — when the sender is waiting for a
 * reply (a Bridge call) — answered at once with `Undeliverable`.
 *
 * A full mailbox. A thread's messages that wait for room wait in one backlog per mailbox (all
 * refs to an actor share this thread's one handle on its mailbox: see MailboxHandles), in order;
 * later sends to that mailbox queue behind them, so no sender's order depends on the ref it used.
 *
 * - A Worker's courier blocks the sending actor for up to the mailbox's send timeout, then
 *   throws `MailboxFullError` from `send`. It cannot block when only its own thread can make the
 *   room: the mailbox is received on this thread, or belongs to an actor not started yet that
 *   may start here. Then the message waits in the backlog, and never expires: a message `send`
 *   accepted is never dropped for lack of room. Instead the backlog keeps the time its receiver
 *   had to drain (the time between turns, and the receiver's own turns — not the turns of other
 *   actors, the sender's included); once that reaches the send timeout with nothing moving, the
 *   next send to the mailbox throws `MailboxFullError`, as a blocked send would have.
 * - The main thread's courier never blocks: its backlogs drain as room appears, and a message
 *   still waiting after the send timeout becomes a dead letter — except while a graceful
 *   shutdown waits ({@link SystemCourier.holdBacklogs}), whose own timeout governs them.
 *
 * A Worker's backlogs die with it. So that none of their messages is lost silently, each keeps
 * its length in its mailbox's held count {@link BACKLOG_HELD} (see Mailbox.heldIndex), which the
 * system reads when it recovers the mailbox of a dead Worker. A Worker keeps backlogs only for
 * mailboxes it receives from, or whose actor is to start on it: the one thread that writes that
 * count. (A Worker dying just as a message moves from its backlog into the ring may count that
 * one twice — never none.) The system's own thread keeps backlogs for any mailbox, but it does
 * not die alone: it writes no count.
 *
 * @module
 */

import { type ActorRef, type Courier, type DeadLetterKind, describeError } from "../actor/mod.ts";
import { Envelope, type SenderCache, writeEnvelope } from "./envelope.ts";
import type { LocalReceiver } from "./local_mail.ts";
import {
  messageName,
  NEEDS_CODEC,
  QUICK_COPY_MAX_BYTES,
  quickCopy,
  Reader,
  Writer,
} from "../codec/mod.ts";
import { Fifo } from "../util/fifo.ts";
import {
  type Arena,
  type Mailbox,
  MAILBOX_USER_WORD,
  MailboxClosedError,
  MailboxFullError,
} from "../ring/mod.ts";
import { Undeliverable } from "./undeliverable.ts";
import type { Directory } from "./directory.ts";
import { MailboxHandles } from "./mailbox_handles.ts";

/** Mailbox header word holding the mailbox's send timeout in ms (0: the system's default). */
export const SEND_TIMEOUT_WORD = MAILBOX_USER_WORD + 1;
/** Which of a mailbox's held counts (see Mailbox.heldIndex) a Worker's backlog keeps. */
export const BACKLOG_HELD = 1;

/** Where a courier reports what it cannot deliver. */
export interface DeadLetterSink {
  /** A message was not delivered (`undefined`: it could not be decoded). */
  deadLetter(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    kind: DeadLetterKind,
    reason: string,
  ): void;
}

/** How a courier is set up. */
export interface CourierOptions {
  arena: Arena;
  directory: Directory;
  /** The thread id written into the records this courier reserves. */
  threadId: number;
  /** Whether a send may block the thread while a mailbox is full (Workers: yes). */
  blocking: boolean;
  /** Default milliseconds a send waits for room in a full mailbox. */
  sendTimeout: number;
  /** The largest message; those larger than a mailbox travel in a block of their own. */
  maxMessageBytes: number;
  /** Names actors for errors and `toString` (undefined: not known on this thread). */
  describe?: (slot: number, generation: number) => string | undefined;
}

/** A message waiting for room in a full mailbox. */
interface Waiting {
  bytes: Uint8Array;
  target: ActorRef<unknown>;
  sender: ActorRef<unknown> | null;
  message: unknown;
  /** When it becomes a dead letter, by `performance.now()` (Infinity: never). */
  expires: number;
}

/** What waits for room in one mailbox, sent from this thread, oldest first. */
class Backlog {
  readonly entries = new Fifo<Waiting>();
  /**
   * Ms the receiver had to drain since the head last moved (Worker couriers): measured by the
   * receive loop's turns (see SystemCourier.beforeTurn and flushLocal).
   */
  waited = 0;
  /** When `waited` was last brought up to date; -1: not yet (it began in the turn under way). */
  checkedAt = -1;
  /** The head's send under way in #drain: resolves to null once sent, or to why it was not. */
  inFlight: Promise<unknown> | null = null;
  /** Set when it was given up on (dropBacklog): the drop settles the head under way. */
  dropped = false;

  /**
   * @param flushed whether the receive loop of this thread sends it (flushLocal), because only
   * this thread makes room in the mailbox; otherwise #drain waits for room without blocking.
   */
  constructor(readonly mailbox: Mailbox, readonly flushed: boolean) {}
}

/** One thread's way to send, for one actor system. */
export class SystemCourier implements Courier {
  readonly arena: Arena;
  readonly directory: Directory;
  readonly threadId: number;
  /** Where dead letters are reported; set once the guardian is known. */
  sink: DeadLetterSink | null = null;
  /**
   * Set while the system shuts down (on the system's own thread): messages from outside any
   * actor (no sender, or a Bridge's) become dead letters with this reason.
   */
  refusing: string | null = null;
  /** The sender of the system's own messages (its guardian): they never expire in a backlog. */
  systemSender: ActorRef<unknown> | null = null;
  /** The doorbell offset of this thread's receive loop (0: none), so it never blocks on itself. */
  doorbell = 0;
  /**
   * Whether the system gave this Worker up (see ReceiveLoopOptions.abandoned): its backlogs are
   * then the system's to count (see BACKLOG_HELD), not its own to dead-letter.
   */
  abandoned: (() => boolean) | null = null;
  readonly #blocking: boolean;
  readonly #sendTimeout: number;
  readonly #describe: (slot: number, generation: number) => string | undefined;
  readonly #writer = new Writer();
  #writing = false;
  /** Reads local messages back into private copies (see #copy). */
  readonly #reader = new Reader();
  /** Reads the envelopes of encoded records delivered locally (timers). */
  readonly #envelope = new Envelope();
  readonly #senderCache: SenderCache = { lastSender: null };
  /** This thread's one handle per mailbox: every send and receive of this thread goes through it. */
  readonly handles: MailboxHandles;
  /** What waits for room, by mailbox offset. */
  readonly #backlogs = new Map<number, Backlog>();
  /** A Worker courier's backlogs, whose waiting time the receive loop's turns measure. */
  readonly #timed: Backlog[] = [];
  /** Set by a graceful shutdown (main thread): nothing waiting for room expires any more. */
  #holding = false;

  constructor(options: CourierOptions) {
    this.arena = options.arena;
    this.directory = options.directory;
    this.threadId = options.threadId;
    this.#blocking = options.blocking;
    this.#sendTimeout = options.sendTimeout;
    this.#describe = options.describe ?? (() => undefined);
    this.handles = new MailboxHandles(options.arena, options.threadId, options.maxMessageBytes);
  }

  describe(target: ActorRef<unknown>): string {
    return this.#describe(target.slot, target.generation) ?? "actor";
  }

  /** This thread's handle on the mailbox whose header is at `offset` (see MailboxHandles). */
  mailbox(offset: number): Mailbox {
    return this.handles.of(offset);
  }

  deliver(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline = 0,
    notice = false,
  ): void {
    const offset = this.#openOffset(target, sender, message);
    if (offset === 0) return;
    let mailbox: Mailbox;
    if (target.mailboxCacheOffset === offset) {
      mailbox = target.mailboxCache as Mailbox;
    } else {
      mailbox = this.mailbox(offset);
      target.mailboxCache = mailbox;
      target.mailboxCacheOffset = offset;
    }
    const local = localReceiverFor(mailbox, target);
    if (local !== null) {
      local.postLocal(this.#copy(message, mailbox), sender, deadline);
      return;
    }
    // A getter or custom encoder that sends while we write gets a writer of its own.
    const writer = this.#writing ? new Writer(256) : this.#writer;
    const nested = this.#writing;
    this.#writing = true;
    try {
      writer.reset(this);
      writeEnvelope(writer, target, sender, deadline);
      writer.value(message);
      this.#post(mailbox, writer, target, sender, message, notice);
    } finally {
      this.#writing = nested;
    }
  }

  encode(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
  ): Uint8Array {
    const writer = new Writer(64).reset(this);
    writeEnvelope(writer, target, sender, 0);
    writer.value(message);
    return writer.toBytes();
  }

  deliverEncoded(
    target: ActorRef<unknown>,
    record: Uint8Array,
    sender: ActorRef<unknown> | null,
    message: unknown,
  ): void {
    const offset = this.#openOffset(target, sender, message);
    if (offset === 0) return;
    const mailbox = this.mailbox(offset);
    const local = localReceiverFor(mailbox, target);
    if (local !== null) {
      // A timer's message from this thread: in order with this thread's other local sends.
      mailbox.checkSize(record.length);
      const reader = new Reader().reset(record, 0, record.length, this);
      const envelope = this.#envelope.read(reader, this, this.#senderCache);
      local.postLocal(reader.value(), sender, envelope.deadline);
      return;
    }
    const writer = new Writer(record.length).reset(this);
    writer.raw(record);
    this.#post(mailbox, writer, target, sender, message, false);
  }

  /**
   * A private copy of `message` for the actor of `mailbox`, on this thread: what the codec would
   * make of it (so it fails the same way, and shares nothing with the sender), quickly where it
   * can; too large for the mailbox, the same MessageTooLargeError as through the ring.
   */
  #copy(message: unknown, mailbox: Mailbox): unknown {
    // A quick copy needs no size check when no quick copy can be too large for this mailbox.
    if (mailbox.maxPayload >= QUICK_COPY_MAX_BYTES || mailbox.maxExternal >= QUICK_COPY_MAX_BYTES) {
      const quick = quickCopy(message);
      if (quick !== NEEDS_CODEC) return quick;
    }
    // A getter, custom encoder or decoder that sends meanwhile gets a writer and reader of its own.
    const nested = this.#writing;
    const writer = nested ? new Writer(256) : this.#writer;
    this.#writing = true;
    try {
      writer.reset(this);
      writer.value(message);
      mailbox.checkSize(writer.pos - writer.start);
      const reader = nested ? new Reader() : this.#reader;
      return reader.reset(writer.bytes, writer.start, writer.pos, this).value();
    } finally {
      this.#writing = nested;
    }
  }

  /**
   * Whether an actor that has not started yet may start on this thread: the directory names
   * this thread as its owner — the Worker chosen for it, or, until the system chooses, the
   * Worker that spawned it when the choice may fall on that Worker (see spawnChild).
   */
  #mayStartHere(target: ActorRef<unknown>): boolean {
    return this.directory.owner(target.slot) === this.threadId;
  }

  hasBacklog(mailbox: Mailbox): boolean {
    return this.#backlogs.size !== 0 && this.#backlogs.has(mailbox.offset);
  }

  /**
   * The mailbox a send to `target` goes to, by offset; 0 when the send became a dead letter
   * instead (the system is refusing it, or the target is not running).
   */
  #openOffset(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
  ): number {
    if (this.refusing !== null && (sender === null || sender.tag !== 0)) {
      this.deadLetter(target, sender, message, "shutdown", this.refusing);
      return 0;
    }
    const offset = this.directory.liveMailbox(target.slot, target.generation);
    if (offset === 0) this.#notRunning(target, sender, message);
    return offset;
  }

  #post(
    mailbox: Mailbox,
    writer: Writer,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    notice: boolean,
  ): void {
    const backlog = this.#backlogs.size === 0 ? undefined : this.#backlogs.get(mailbox.offset);
    if (backlog !== undefined) {
      // Messages already wait for this mailbox: queue behind them, to keep the sender's order —
      // unless they have waited, unmoved, as long as a blocked send would have (the runtime's
      // own notices wait on: failing them would break a stop or a supervision).
      if (this.#blocking && !notice && backlog.waited >= this.#timeoutOf(mailbox)) {
        throw this.#stillFull(mailbox, target, backlog);
      }
      backlog.entries.push(this.#waiting(mailbox, writer, target, sender, message));
      this.#countHeld(backlog);
      return;
    }
    try {
      const at = mailbox.reserve(writer.length);
      if (at >= 0) {
        writer.copyTo(mailbox.bytes, at);
        mailbox.commit();
        return;
      }
      // Blocking would wait for room only this thread can make (its own receive loop frees it):
      // a mailbox received on this thread gets the backlog instead, and so does the mailbox of
      // an actor not started yet that may start here (its receiver is not bound yet).
      const receiver = mailbox.receiverDoorbell;
      if (
        this.#blocking && receiver !== this.doorbell &&
        (receiver !== 0 || !this.#mayStartHere(target))
      ) {
        mailbox.send(writer.view(), this.#timeoutOf(mailbox));
        return;
      }
    } catch (error) {
      if (error instanceof MailboxClosedError) {
        this.deadLetter(target, sender, message, "stopped", `${this.describe(target)} has stopped`);
        return;
      }
      throw error;
    }
    // A mailbox this thread receives from frees up only when this thread's loop serves it:
    // the loop flushes the backlog after each turn (flushLocal). Any other waits for space.
    const flushed = this.#blocking && this.doorbell !== 0 &&
      mailbox.receiverDoorbell === this.doorbell;
    const created = new Backlog(mailbox, flushed);
    created.entries.push(this.#waiting(mailbox, writer, target, sender, message));
    this.#countHeld(created);
    this.#backlogs.set(mailbox.offset, created);
    if (this.#blocking) this.#timed.push(created);
    if (!flushed) this.#drain(created);
  }

  /** Whether messages to this thread's own mailboxes wait for room (see {@link flushLocal}). */
  get hasLocalBacklog(): boolean {
    return this.#timed.length > 0;
  }

  /**
   * The receive loop is about to serve a turn (called only while {@link hasLocalBacklog}): the
   * time since the last turn ended was the receivers' to drain in.
   */
  beforeTurn(): void {
    const now = performance.now();
    for (const backlog of this.#timed) {
      if (backlog.checkedAt < 0) continue;
      backlog.waited += now - backlog.checkedAt;
      backlog.checkedAt = now;
    }
  }

  /**
   * After a turn (of `served`'s actor): sends what waits for room in this thread's own
   * mailboxes, as far as there is room now, and counts the turn as time to drain for the
   * backlog of `served` only — another actor's turn, the sender's included, gave it none.
   */
  flushLocal(served: Mailbox): void {
    const timed = this.#timed;
    const now = performance.now();
    for (let i = 0; i < timed.length; i++) {
      const backlog = timed[i];
      if (backlog.checkedAt >= 0 && backlog.mailbox === served) {
        backlog.waited += now - backlog.checkedAt;
      }
      backlog.checkedAt = now;
      if (!backlog.flushed) continue; // #drain sends it
      const { mailbox, entries } = backlog;
      const before = entries.length;
      while (entries.length > 0) {
        const next = entries.peek()!;
        try {
          if (!mailbox.trySend(next.bytes)) break;
        } catch (error) {
          // Closed because the system gave this Worker up: it counts what is held.
          if (error instanceof MailboxClosedError && this.abandoned?.()) return;
          this.deadLetter(next.target, next.sender, next.message, ...this.#reasonOf(next, error));
        }
        entries.shift();
        this.#countHeld(backlog);
      }
      if (entries.length !== before) backlog.waited = 0;
      if (entries.length === 0) {
        this.#backlogs.delete(mailbox.offset);
        timed.splice(i--, 1);
      }
    }
  }

  /**
   * Stops what waits for room (on this thread) from expiring: a graceful shutdown waits for it,
   * and its own timeout governs it (see {@link dropBacklog}).
   */
  holdBacklogs(): void {
    this.#holding = true;
  }

  /**
   * Gives up on what waits for room in `mailbox`: each message becomes a dead letter of `kind`
   * (the system's own are dropped silently). Close the mailbox first: a message whose send is
   * under way is settled once that send is, and it may still get in until the mailbox closes.
   * @returns how many messages became dead letters.
   */
  async dropBacklog(mailbox: Mailbox, kind: DeadLetterKind, reason: string): Promise<number> {
    const backlog = this.#backlogs.get(mailbox.offset);
    if (backlog === undefined) return 0;
    this.#forget(backlog);
    backlog.dropped = true;
    const inFlight = backlog.inFlight;
    const head = inFlight === null ? undefined : backlog.entries.shift();
    let dropped = 0;
    for (let next = backlog.entries.shift(); next !== undefined; next = backlog.entries.shift()) {
      dropped += this.#drop(next, kind, reason);
    }
    if (head !== undefined && (await inFlight) !== null) dropped += this.#drop(head, kind, reason);
    return dropped;
  }

  /** Makes a dead letter of a message that waited; 1 if it was someone's, 0 if the system's. */
  #drop(waiting: Waiting, kind: DeadLetterKind, reason: string): number {
    this.deadLetter(waiting.target, waiting.sender, waiting.message, kind, reason);
    return waiting.sender !== null && waiting.sender === this.systemSender ? 0 : 1;
  }

  #forget(backlog: Backlog): void {
    this.#backlogs.delete(backlog.mailbox.offset);
    const at = this.#timed.indexOf(backlog);
    if (at >= 0) this.#timed.splice(at, 1);
  }

  #waiting(
    mailbox: Mailbox,
    writer: Writer,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
  ): Waiting {
    // A Worker's waiting messages were accepted by `send`: they never expire. The system's own
    // messages (a shutdown's Stop, Terminated, ChildGone) wait as long as it takes: dropping one
    // would leave an actor running, or a watcher uninformed.
    const expires = this.#blocking || (sender !== null && sender === this.systemSender)
      ? Infinity
      : performance.now() + this.#timeoutOf(mailbox);
    return { bytes: writer.toBytes(), target, sender, message, expires };
  }

  /** Sends a backlog as room appears, without blocking the thread. */
  async #drain(backlog: Backlog): Promise<void> {
    const { mailbox, entries } = backlog;
    while (entries.length > 0) {
      const next = entries.peek()!;
      const timeout = this.#holding ? Infinity : next.expires - performance.now();
      const inFlight = backlog.inFlight = mailbox.sendAsync(next.bytes, { timeout }).then(
        () => null,
        (error: unknown) => error ?? new Error("the send failed"),
      );
      const failure = await inFlight;
      backlog.inFlight = null;
      if (backlog.dropped) return; // dropBacklog settles the head
      // Held (a graceful shutdown began) while it waited: it waits on.
      if (failure instanceof MailboxFullError && this.#holding) continue;
      // Closed because the system gave this Worker up: it counts what is held.
      if (failure instanceof MailboxClosedError && this.abandoned?.()) return;
      if (failure !== null) {
        this.deadLetter(next.target, next.sender, next.message, ...this.#reasonOf(next, failure));
      }
      entries.shift();
      this.#countHeld(backlog);
      backlog.waited = 0;
    }
    this.#forget(backlog);
  }

  /** Keeps a Worker's backlog's length where the system finds it if the Worker dies. */
  #countHeld(backlog: Backlog): void {
    if (!this.#blocking) return;
    const mailbox = backlog.mailbox;
    mailbox.heldWords[mailbox.heldIndex(BACKLOG_HELD)] = backlog.entries.length;
  }

  /** The error of a send behind messages that found no room for as long as a send may wait. */
  #stillFull(mailbox: Mailbox, target: ActorRef<unknown>, backlog: Backlog): MailboxFullError {
    return new MailboxFullError(
      `the mailbox of ${this.describe(target)} (${mailbox.capacity} bytes) stayed full for ` +
        `${Math.round(backlog.waited)} ms while its receiver could drain it, with ` +
        `${backlog.entries.length} earlier messages of this Worker still waiting; this one was ` +
        `not sent: its receiver is slower than its senders — give it a larger capacity, or ` +
        `send less`,
    );
  }

  #timeoutOf(mailbox: Mailbox): number {
    return mailbox.userWord(SEND_TIMEOUT_WORD) || this.#sendTimeout;
  }

  /**
   * Counts and reports a message that will never be handled. When its sender waits for a reply
   * (a ref with a reply tag, as Bridge calls use), tells the sender at once.
   */
  deadLetter(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    kind: DeadLetterKind,
    reason: string,
  ): void {
    // The system's own notices to actors that are gone are nobody's lost messages.
    if (sender !== null && sender === this.systemSender) return;
    this.directory.countDeadLetter();
    if (sender !== null && sender.tag !== 0 && !(message instanceof Undeliverable)) {
      this.#tryPost(sender, new Undeliverable(target, kind, reason));
    }
    this.sink?.deadLetter(target, sender, message, kind, reason);
  }

  /** A message for an actor the directory does not list as live: stopped, or a stale ref. */
  #notRunning(target: ActorRef<unknown>, sender: ActorRef<unknown> | null, message: unknown): void {
    const slot = target.slot;
    const live = slot > 0 && slot < this.directory.capacity;
    if (live && this.directory.generation(slot) !== target.generation) {
      this.deadLetter(
        target,
        sender,
        message,
        "stale",
        `${target} has ended (its slot was reused)`,
      );
    } else {
      this.deadLetter(
        target,
        sender,
        message,
        "stopped",
        `${this.describe(target)} is not running`,
      );
    }
  }

  #fullReason(waiting: Waiting): [DeadLetterKind, string] {
    return [
      "mailbox-full",
      `the mailbox of ${this.describe(waiting.target)} stayed full for the whole send timeout`,
    ];
  }

  /** Why a message that waited for room was not sent. */
  #reasonOf(waiting: Waiting, error: unknown): [DeadLetterKind, string] {
    if (error instanceof MailboxFullError) return this.#fullReason(waiting);
    if (error instanceof MailboxClosedError) {
      return ["stopped", `${this.describe(waiting.target)} has stopped`];
    }
    return ["stopped", `it could not be sent: ${describeError(error)}`];
  }

  /**
   * Sends a system notice without blocking and without making dead letters of its own: if the
   * receiver is gone or full, the notice is dropped (its subject was already counted).
   * @returns whether it was sent.
   */
  tryPost(target: ActorRef<unknown>, notice: unknown): boolean {
    return this.#tryPost(target, notice);
  }

  #tryPost(target: ActorRef<unknown>, notice: unknown): boolean {
    const offset = this.directory.liveMailbox(target.slot, target.generation);
    if (offset === 0) return false;
    const mailbox = this.mailbox(offset);
    const writer = new Writer(128).reset(this);
    writeEnvelope(writer, target, null, 0);
    writer.value(notice);
    try {
      return mailbox.trySend(writer.bytes, writer.start, writer.pos);
    } catch (error) {
      if (error instanceof MailboxClosedError) return false;
      throw error;
    }
  }
}

/**
 * The cell on this thread that takes `target`'s messages as local mail, if any: the mailbox's
 * local receiver, when it is the actor `target` addresses (not an earlier one of the mailbox)
 * and the ref carries no reply tag.
 */
function localReceiverFor(mailbox: Mailbox, target: ActorRef<unknown>): LocalReceiver | null {
  const local = mailbox.localReceiver as LocalReceiver | null;
  if (local === null || target.tag !== 0) return null;
  const self = local.self;
  return self.slot === target.slot && self.generation === target.generation ? local : null;
}

/** A short description of a message for dead-letter reports: its class, or its type. */
export function describeMessage(message: unknown): string {
  if (message === undefined) return "undecodable message";
  if (message === null) return "null";
  if (typeof message !== "object") {
    const text = typeof message === "string"
      ? JSON.stringify(message.length > 40 ? message.slice(0, 40) + "…" : message)
      : String(message);
    return `${typeof message} ${text}`;
  }
  // The class's own name reads best in a report; its registered name may carry its module.
  const constructor = (message as { constructor?: unknown }).constructor;
  return (typeof constructor === "function" && constructor.name) || messageName(constructor) ||
    "object";
}
