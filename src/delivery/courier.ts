/**
 * The courier: how one thread of an actor system sends. It resolves a ref through the
 * directory, hands a message for an actor of this very thread to its local mail (a private copy,
 * no ring), and otherwise writes the envelope and the message into a reused scratch writer and
 * hands the record to its transport (shared memory: the target's mailbox ring). A target that is
 * gone makes a dead letter (dead_letters.ts).
 *
 * Its parts, one concern each: posting.ts puts what it wrote into a mailbox, full or not (the
 * mailbox's DeliveryPolicy, this thread's backlogs); encoded_delivery.ts sends records encoded
 * already (timers', other nodes').
 *
 * @module
 */

import {
  type ActorRef,
  ActorStat,
  type Courier,
  type DeadLetterKind,
  type Undelivered,
} from "../actor/mod.ts";
import {
  type ClassInfo,
  copiedClass,
  NEEDS_CODEC,
  QUICK_COPY_MAX_BYTES,
  quickCopy,
  Reader,
  Writer,
} from "../codec/mod.ts";
import { type Arena, type Mailbox, MailboxClosedError } from "../ring/mod.ts";
import type { Backlogs } from "./backlogs.ts";
import type { Directory } from "./directory.ts";
import { writeEnvelope } from "./envelope.ts";
import { EncodedDelivery } from "./encoded_delivery.ts";
import { localReceiverFor, type MailboxHandle, MailboxHandles } from "./mailbox_handles.ts";
import { Posting } from "./posting.ts";
import { NO_PROBE, type Probe } from "./probe.ts";
import { SharedMemoryTransport } from "./shared_memory/transport.ts";
import type { Transport } from "./transport.ts";
import type { HeldTable } from "./held_table.ts";
import { writeOutboxRecord } from "./outbox.ts";
import { undecodableLetter } from "./inbox.ts";
import { notRunning, refused, reportDeadLetter } from "./dead_letters.ts";
import type { MessageTracing, TraceContext } from "./tracing.ts";
import type { CourierOptions, DeadLetterSink } from "./courier_options.ts";

/** What Courier.#copy returns for a message written that could not be read back. */
const UNDECODABLE: unique symbol = Symbol("undecodable");

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
   * then the system's to count (see heldTable), not its own to dead-letter.
   */
  abandoned: (() => boolean) | null = null;
  /**
   * A Worker's held table (held_table.ts): its backlogs' lengths, which the system counts as
   * dead letters if the Worker dies. Null on the system's own thread, which does not die alone.
   */
  heldTable: HeldTable | null = null;
  /**
   * Called when a record from another node that waited for room leaves its backlog (see
   * BacklogOwner): the cluster link grants its credit back then.
   */
  leftBacklog: ((node: number, length: number) => void) | null = null;
  /** Where records that leave this thread go (see Transport and {@link useTransport}). */
  transport: Transport<Mailbox>;
  /** Who is told of each send and dead letter (see Probe). */
  readonly probe: Probe;
  /** This process's node id in its cluster; 0 outside a cluster. */
  readonly node: number;
  /**
   * Whose trace context each send carries, and who runs this thread's handlers as spans (see
   * tracing.ts); null: no tracing, and no byte or call more per message.
   */
  readonly tracing: MessageTracing | null;
  /**
   * The mailbox of the cluster link (see outbox.ts): where messages for other nodes go. Null
   * outside a cluster (or until it joined).
   */
  outbox: Mailbox | null = null;
  /**
   * On the thread that drains the outbox (the system's): told at once of each record put into
   * it, so that a send from this very thread goes out without waiting for the outbox's doorbell
   * (a wake-up through the event loop). Null elsewhere.
   */
  outboxWritten: (() => void) | null = null;
  readonly #describe: (slot: number, generation: number) => string | undefined;
  readonly #endReason: (slot: number, generation: number) => string | undefined;
  readonly #writer = new Writer();
  #writing = false;
  /** Reads local messages back into private copies (see #copy). */
  readonly #reader = new Reader();
  /** The registered class of what {@link #copy} returned last (null: not known). */
  #copiedClass: ClassInfo | null = null;
  /** Why {@link #copy} returned {@link UNDECODABLE} last. */
  #undecodable: unknown = undefined;
  /** This thread's one handle per mailbox: every send and receive of this thread goes through it. */
  readonly handles: MailboxHandles;
  /** What waits for room, by mailbox. */
  readonly #backlogs: Backlogs;
  /** Puts what this courier wrote into mailboxes, full ones included. */
  readonly #posting: Posting;
  /**
   * Sends records encoded already: timers' (see {@link deliverEncoded}), and those of other
   * nodes, which the cluster link offers straight to their rings (`EncodedDelivery.offer`).
   */
  readonly encoded: EncodedDelivery;

  constructor(options: CourierOptions) {
    this.arena = options.arena;
    this.directory = options.directory;
    this.threadId = options.threadId;
    this.#describe = options.describe ?? (() => undefined);
    this.#endReason = options.endReason ?? (() => undefined);
    this.handles = new MailboxHandles(
      options.arena,
      options.threadId,
      options.maxMessageBytes,
    );
    this.transport = options.transport ?? new SharedMemoryTransport();
    this.probe = options.probe ?? NO_PROBE;
    this.node = options.node ?? 0;
    this.tracing = options.tracing ?? null;
    this.#posting = new Posting(this, options.blocking, options.sendTimeout);
    this.#backlogs = this.#posting.backlogs;
    this.encoded = new EncodedDelivery(this);
  }

  describe(target: ActorRef<unknown>): string {
    if (target.node !== 0) return "actor";
    const { slot, generation } = target;
    return this.#describe(slot, generation) ?? this.directory.names.nameOf(slot, generation) ??
      "actor";
  }

  /** Why `target`'s actor ended, when this thread knows (see CourierOptions.endReason). */
  endReason(target: ActorRef<unknown>): string | undefined {
    return target.node !== 0 ? undefined : this.#endReason(target.slot, target.generation);
  }

  /**
   * Sends what leaves this thread through `transport` from now on; returns the one it replaces
   * (a transport that wraps another passes its calls on to it).
   */
  useTransport(transport: Transport<Mailbox>): Transport<Mailbox> {
    const replaced = this.transport;
    this.transport = transport;
    return replaced;
  }

  /** This thread's handle on the mailbox whose header is at `offset` (see MailboxHandles). */
  mailbox(offset: number): MailboxHandle {
    return this.handles.of(offset);
  }

  deliver(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline = 0,
    notice = false,
  ): void {
    this.probe.sent(target, message, sender);
    const trace = this.tracing === null ? null : this.tracing.current();
    // Counted on the actor's own ref only (see ActorRef.counters): one field read for the rest.
    if (sender !== null && sender.counters !== null) sender.counters.countStat(ActorStat.Sent);
    if (target.node !== 0) {
      return this.#deliverRemote(target, message, sender, deadline, notice, trace);
    }
    const offset = this.openOffset(target, sender, message, notice);
    if (offset === 0) return;
    let mailbox = target.mailboxCache as MailboxHandle | null;
    if (mailbox === null || mailbox.offset !== offset) {
      mailbox = this.mailbox(offset);
      target.mailboxCache = mailbox;
    }
    const local = localReceiverFor(mailbox, target);
    if (local !== null) {
      const copy = this.#copy(message, mailbox);
      if (copy === UNDECODABLE) {
        // Decoding is the receiver's part: through the ring its failure is a dead letter there,
        // never the sender's error. So it is here.
        this.deadLetter(undecodableLetter(target, sender, this.#undecodable));
        this.#undecodable = undefined;
        return;
      }
      local.postLocal(copy, sender, deadline, trace, this.#copiedClass);
      return;
    }
    // A getter or custom encoder that sends while we write gets a writer of its own.
    const writer = this.#writing ? new Writer(256) : this.#writer;
    const nested = this.#writing;
    this.#writing = true;
    try {
      writer.reset(this);
      writeEnvelope(writer, target, sender, deadline, 0, trace);
      writer.value(message);
      this.#posting.post(mailbox, writer, target, sender, message, notice);
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
    // Refused now, as a send would be, not when the timer fires with nobody to tell (an actor
    // that is gone by then makes it a dead letter anyway).
    if (target.node === 0) {
      const offset = this.directory.liveMailbox(target.slot, target.generation);
      if (offset !== 0) this.mailbox(offset).checkSize(writer.pos - writer.start);
    }
    return writer.toBytes();
  }

  /**
   * {@link Courier.deliverEncoded}; `from` is the node a record handed on by the cluster link
   * came from (see EncodedDelivery.deliver).
   * @returns whether the record waits for room in a backlog, still the sending node's.
   */
  deliverEncoded(
    target: ActorRef<unknown>,
    record: Uint8Array,
    sender: ActorRef<unknown> | null,
    message: unknown,
    from = 0,
  ): boolean {
    return this.encoded.deliver(target, record, sender, message, from);
  }

  /**
   * Posts the encoded record `record` into `mailbox` as it is (see EncodedDelivery), `message`
   * undefined when it was not decoded; `from` is the node it came from (0: this one).
   * @returns whether it waits for room in a backlog (see Posting.postUndecoded).
   */
  postRecord(
    mailbox: Mailbox,
    record: Uint8Array,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    from: number,
  ): boolean {
    // The scratch writer, as for any send: a record from another node comes this way each.
    const nested = this.#writing;
    const writer = nested ? new Writer(record.length) : this.#writer;
    this.#writing = true;
    try {
      writer.reset(this);
      writer.raw(record);
      // Undecoded (a record from another node, for a live actor): decoded only if it turns into
      // a dead letter or has to wait after all (see Posting).
      return this.#posting.postUndecoded(mailbox, writer, target, sender, message, record, from);
    } finally {
      this.#writing = nested;
    }
  }

  /**
   * A private copy of `message` for the actor of `mailbox`, on this thread: what the codec would
   * make of it (so it fails the same way, and shares nothing with the sender), quickly where it
   * can; too large for the mailbox, the same MessageTooLargeError as through the ring; written,
   * but not to be read back (a custom decoder threw), {@link UNDECODABLE}.
   */
  #copy(message: unknown, mailbox: Mailbox): unknown {
    // A quick copy needs no size check when no quick copy can be too large for this mailbox.
    if (
      mailbox.maxPayload >= QUICK_COPY_MAX_BYTES ||
      mailbox.maxExternal >= QUICK_COPY_MAX_BYTES
    ) {
      const quick = quickCopy(message);
      if (quick !== NEEDS_CODEC) {
        this.#copiedClass = copiedClass;
        return quick;
      }
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
      let copy: unknown;
      try {
        copy = reader.reset(writer.bytes, writer.start, writer.pos, this).value();
      } catch (error) {
        // A custom decoder that threw: see deliver.
        this.#undecodable = error;
        return UNDECODABLE;
      }
      this.#copiedClass = reader.topClass;
      return copy;
    } finally {
      this.#writing = nested;
    }
  }

  /** Calls `visit` with the sender of each message of this thread waiting for room in `mailbox`. */
  forEachBacklogged(mailbox: Mailbox, visit: (sender: ActorRef<unknown> | null) => void): void {
    this.#backlogs.forEachWaiting(mailbox, (waiting) => visit(waiting.sender));
  }

  /** Whether messages from this thread wait for room in `mailbox`. */
  hasBacklog(mailbox: Mailbox): boolean {
    return this.#backlogs.size !== 0 &&
      this.#backlogs.get(mailbox.offset) !== undefined;
  }

  /**
   * Sends to an actor of another node: into the outbox, in order with this thread's other
   * sends there (see outbox.ts).
   */
  #deliverRemote(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    notice: boolean,
    trace: TraceContext | null,
  ): void {
    if (refused(this, target, sender, message)) return;
    const outbox = this.outbox;
    if (outbox === null) {
      const reason = `${target} is an actor of another node, and this system is in no cluster`;
      this.deadLetter({ target, sender, message, kind: "node-down", reason });
      return;
    }
    const writer = this.#writing ? new Writer(256) : this.#writer;
    const nested = this.#writing;
    this.#writing = true;
    try {
      writeOutboxRecord(
        writer.reset(this),
        target,
        sender,
        deadline,
        this.node,
        message,
        trace,
      );
      this.#posting.post(outbox, writer, target, sender, message, notice);
      this.outboxWritten?.();
    } finally {
      this.#writing = nested;
    }
  }

  /**
   * The mailbox a send to `target` goes to, by offset; 0 when the send became a dead letter
   * instead (the system is refusing it, or the target is not running).
   */
  openOffset(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    notice = false,
  ): number {
    if (refused(this, target, sender, message)) return 0;
    const offset = this.directory.liveMailbox(target.slot, target.generation);
    // The runtime's own notice to an actor that is gone (a parent's Stop to a child that has
    // stopped, a child's Failed to a parent that has) is moot: nobody's lost message.
    if (offset === 0 && !notice) notRunning(this, target, sender, message);
    return offset;
  }

  /** The message of the record `record` (undefined when it does not decode), for a report. */
  decodeRecord(record: Uint8Array): unknown {
    return this.encoded.decode(record);
  }

  /** How many mailboxes have messages of this thread waiting for room. */
  get backlogged(): number {
    return this.#backlogs.size;
  }

  /** Resolves once no message of this thread waits for room (see Backlogs.whenEmpty). */
  whenBacklogsEmpty(): Promise<void> {
    return this.#backlogs.whenEmpty();
  }

  /** Whether messages to this thread's own mailboxes wait for room (see {@link flushLocal}). */
  get hasLocalBacklog(): boolean {
    return this.#backlogs.hasTimed;
  }

  /**
   * The receive loop is about to serve a turn (called only while {@link hasLocalBacklog}): the
   * time since the last turn ended was the receivers' to drain.
   */
  beforeTurn(): void {
    this.#backlogs.beforeTurn();
  }

  /**
   * After a turn of `served`'s actor (null: no turn, the loop is about to park): sends what
   * waits for room in this thread's mailboxes.
   */
  flushLocal(served: Mailbox | null): void {
    this.#backlogs.flushLocal(served);
  }

  /**
   * Sends what waits for room in other threads' mailboxes, as far as there is room now: for a
   * loop of this thread that looks often anyway (the Bridge's reply pump), so that it refills
   * those mailboxes as their receivers drain them (see Backlogs.moveDrained).
   */
  moveBacklogs(): void {
    const backlogs = this.#backlogs;
    if (backlogs.hasDrained) backlogs.moveDrained();
  }

  /**
   * Stops what waits for room (on this thread) from expiring: a graceful shutdown waits for it,
   * and its own timeout governs it (see {@link dropBacklog}).
   */
  holdBacklogs(): void {
    this.#backlogs.hold();
  }

  /**
   * Gives up on what waits for room in `mailbox`: each message becomes a dead letter of `kind`
   * (see Backlogs.drop).
   * @returns how many messages became dead letters.
   */
  dropBacklog(
    mailbox: Mailbox,
    kind: DeadLetterKind,
    reason: string,
  ): number {
    return this.#backlogs.drop(mailbox, kind, reason);
  }

  /** Counts and reports a message that will never be handled (see reportDeadLetter). */
  deadLetter(lost: Undelivered): void {
    reportDeadLetter(this, lost);
  }

  /**
   * Tells `waiting`, which waits for a reply (a Bridge call, an ask), that none will come: its
   * message will never be handled (an Undeliverable), or its handler failed (a RequestFailed).
   * As the runtime's own notice: in a full mailbox it waits for room, never dropped (a dropped
   * answer left the call to wait out its timeout). A sender that is gone waits for nothing, and
   * is not answered. Sent by the system: a shutdown refuses what comes from outside any actor,
   * not the system's own answers, and one that finds its caller gone is nobody's dead letter.
   */
  answer(waiting: ActorRef<unknown>, answer: unknown): void {
    if (waiting.node === 0) {
      if (this.directory.liveMailbox(waiting.slot, waiting.generation) === 0) return;
    } else if (this.outbox === null) return;
    this.deliver(waiting, answer, this.systemSender, 0, true);
  }

  /**
   * Sends a system notice without blocking and without making dead letters of its own: if the
   * receiver is gone or full, the notice is dropped (its subject was already counted).
   * @returns whether it was sent.
   */
  tryPost(target: ActorRef<unknown>, notice: unknown): boolean {
    const writer = new Writer(128).reset(this);
    let mailbox: Mailbox;
    if (target.node !== 0) {
      if (this.outbox === null) return false;
      mailbox = this.outbox;
      writeOutboxRecord(writer, target, null, 0, this.node, notice);
    } else {
      const offset = this.directory.liveMailbox(target.slot, target.generation);
      if (offset === 0) return false;
      mailbox = this.mailbox(offset);
      writeEnvelope(writer, target, null, 0);
      writer.value(notice);
    }
    try {
      return this.transport.offer(mailbox, writer);
    } catch (error) {
      if (error instanceof MailboxClosedError) return false;
      throw error;
    }
  }
}
