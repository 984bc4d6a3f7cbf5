/**
 * The receive loop: one per thread that hosts actors. It serves a set of mailboxes: takes a ready
 * one from the doorbell's ready queue (or its own run queue), handles up to `batch` of its
 * messages, then moves on to the next, so one flooded actor cannot starve the others. When
 * nothing is ready it spins briefly (per the spin policy), then parks on the doorbell with
 * `Atomics.waitAsync`, which leaves the thread's event loop free for timers, I/O and the promises
 * of async handlers.
 *
 * A long run of work yields to the event loop (a macrotask turn: timers, I/O and microtasks run)
 * once a slice of time (`sliceMs`) is spent — by time, not by count, since one message may take
 * 20 ms and the next 200 ns. Reading the clock costs ~50–150 ns here, about as much as handling a
 * same-Worker message, so the loop reads it every few messages, as many as each cell's messages
 * have lately taken little time (see {@link ActorCell.clockEvery}): a cell whose messages are
 * slow has the clock read after each of them, a cell of quick ones after up to
 * {@link MAX_CLOCK_EVERY}. A slice is thus overrun by at most one slow message — or, when quick
 * messages suddenly turn slow, by a few.
 *
 * @module
 */

import { Reader } from "../codec/mod.ts";
import { Fifo } from "../util/fifo.ts";
import {
  CLOSED_AND_DRAINED,
  type Doorbell,
  EMPTY,
  type Flag,
  type Mailbox,
  setLocalScheduler,
  SpinPolicy,
} from "../ring/mod.ts";
import type { Received } from "../actor/actor.ts";
import {
  ActorCell,
  type CellHost,
  type CellLoop,
  CellState,
  type Supervision,
} from "../actor/actor_cell.ts";
import { ActorRef, type Courier } from "../actor/actor_ref.ts";
import { Envelope, type SenderCache } from "./envelope.ts";
import { LOCAL_MAIL_HELD, LocalMail } from "./local_mail.ts";
import { LoopTimers } from "../actor/timers.ts";
import { type DeadLetterKind, Stop } from "../actor/messages.ts";

/** How a receive loop runs. */
export interface ReceiveLoopOptions {
  /** Messages handled from one mailbox before moving to the next ready one. Default 64. */
  batch?: number;
  /** Milliseconds of continuous work before yielding to the event loop. Default 5. */
  sliceMs?: number;
  /** The thread's spin policy. Default: a new one with default budgets. */
  spin?: SpinPolicy;
  /**
   * Whether this loop takes the mailboxes its own thread makes ready directly (one loop per
   * thread may; see setLocalScheduler). Default false.
   */
  local?: boolean;
  /**
   * Up to two flags another thread sets when it gives this thread up for dead (its Worker
   * terminated): either set means given up. Deno's `Worker.terminate()` does not interrupt running
   * JavaScript: a Worker given up in the middle of a long handler runs that handler to its end,
   * and then would serve on while the system recovers what it held. So the loop reads the flags
   * (plain reads) after each handler, when it reads its clock and when it wakes, and once one is
   * set stops at once, touching nothing more. Default: none.
   */
  abandoned?: readonly Flag[];
}

/**
 * Where the records with a reply tag that come to one cell of a loop go, instead of to its
 * actor: the answers to this thread's asks (see `ActorContext.ask`), read whatever state the
 * thread's other actors are in.
 */
export interface ReplyDesk {
  /** A record with reply tag `tag` (a reply, or news that its request was undeliverable). */
  replied(tag: number, message: unknown, sender: ActorRef<unknown> | null): void;
  /** A record with reply tag `tag` could not be decoded. */
  undecodable(tag: number, error: unknown): void;
}

/** Resolves on the next macrotask, letting timers, I/O and other tasks run first. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    // A MessageChannel task, not setTimeout(0): nested timers are clamped to 4 ms.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
    channel.port2.close();
  });
}

/** The cell's local mail: the loop's own (see ActorCell.local), which only this loop makes. */
function localOf(cell: ActorCell): LocalMail | null {
  return cell.local as LocalMail | null;
}

/** Whether a cell has something to serve: local mail, or a record in its mailbox. */
function hasWork(cell: ActorCell): boolean {
  return cell.hasLocal || cell.mailbox.hasRecord();
}

/** A flag that is never set: what a loop without (enough) abandoned flags reads. */
const NEVER: Flag = { words: new Int32Array(1), index: 0, mask: 0 };

/** The most messages of a cell of quick ones handled between two reads of the clock. */
export const MAX_CLOCK_EVERY = 16;
/** Loop steps without a cell to serve (spins that found work) between two reads of the clock. */
const STEPS_PER_CLOCK = 16;
/** Messages read between two clock reads that took less than this were quick (ms). */
const QUICK_WINDOW_MS = 0.5;

/** Serves the mailboxes of the actors of one thread (of one actor system). */
export class ReceiveLoop implements CellLoop {
  readonly doorbell: Doorbell;
  readonly courier: Courier;
  readonly #courier: Courier;
  readonly #host: CellHost;
  readonly #cells = new Map<number, ActorCell>();
  readonly #runQueue = new Fifo<ActorCell>();
  readonly #reader = new Reader();
  readonly #envelope = new Envelope();
  readonly #drainCache: SenderCache = { lastSender: null };
  readonly #spin: SpinPolicy;
  readonly #batch: number;
  readonly #sliceMs: number;
  readonly #hasWork = (): boolean =>
    this.#runQueue.length > 0 || this.doorbell.hasReady() ||
    (this.#lingering0 !== null && hasWork(this.#lingering0)) ||
    (this.#lingering1 !== null && hasWork(this.#lingering1));
  /**
   * The cells whose mailboxes this loop drained last (two: a chatty pair of actors on one
   * Worker), kept SCHEDULED while the loop spins: their next message is likely close, and
   * producers of a SCHEDULED mailbox only publish (no compare-exchange, no queue push: ~5
   * cache lines fewer moving between cores per message). They are let go (made IDLE) before
   * the loop parks, or when other mailboxes take their place.
   */
  #lingering0: ActorCell | null = null;
  #lingering1: ActorCell | null = null;
  #closed = false;
  readonly #local: boolean;
  /** The abandoned flags (see ReceiveLoopOptions.abandoned), unrolled: read after each handler. */
  readonly #flagWords0: Int32Array;
  readonly #flagIndex0: number;
  readonly #flagMask0: number;
  readonly #flagWords1: Int32Array;
  readonly #flagIndex1: number;
  readonly #flagMask1: number;
  /** Set once the loop found its thread abandoned (see {@link #abandon}). */
  #givenUp = false;
  /** Whether the loop waits in waitAsync (a local schedule must then ring its bell). */
  #parked = false;
  /** The loop's timers: they fire when it reads its clock, and bound how long it parks. */
  readonly timers: LoopTimers;
  /** The clock as last read (every few messages): cheap "now" for receive timeouts. */
  now = 0;
  /** When the current slice of work ends, by the clock: the loop then yields. */
  #sliceEnd = 0;
  /** Messages (or steps) left before the clock is read again. */
  #untilClock = 1;
  /** Set when a timer earlier than the others was added: the park's timeout is stale. */
  #earlierTimer = false;
  #running: Promise<void> | null = null;
  /** The cell whose tagged records go to {@link #desk} (see setReplyDesk). */
  #deskCell: ActorCell | null = null;
  #desk: ReplyDesk | null = null;
  /**
   * Set when the desk took a reply: the handler awaiting it goes on in a microtask, which must
   * not wait for the loop to spin out and park (an ask would cost a park and a wake-up).
   */
  #replied = false;
  /** Set when the loop yielded to microtasks only (see #replied): the slice is not over. */
  #sliceGoesOn = false;
  /** The record taken by `#take`: kept in fields so taking one allocates nothing more. */
  #takenMessage: unknown = undefined;
  #takenSender: ActorRef<unknown> | null = null;

  constructor(
    doorbell: Doorbell,
    courier: Courier,
    host: CellHost,
    options: ReceiveLoopOptions = {},
  ) {
    this.doorbell = doorbell;
    this.courier = courier;
    this.#courier = courier;
    this.#host = host;
    this.#spin = options.spin ?? new SpinPolicy();
    this.#batch = options.batch ?? 64;
    this.#sliceMs = options.sliceMs ?? 5;
    if (!(Number.isInteger(this.#batch) && this.#batch > 0)) {
      throw new RangeError(`batch must be a positive integer, got ${options.batch}`);
    }
    this.timers = new LoopTimers(
      courier,
      () => {
        // A parked loop must park again, until this earlier deadline.
        this.#earlierTimer = true;
        if (this.#parked) this.doorbell.ring();
      },
      (error) => console.error("ringmail: a timer failed:", error),
    );
    this.#local = options.local ?? false;
    const flags = options.abandoned ?? [];
    if (flags.length > 2) throw new RangeError("a receive loop takes at most two abandoned flags");
    const first = flags[0] ?? NEVER;
    const second = flags[1] ?? NEVER;
    this.#flagWords0 = first.words;
    this.#flagIndex0 = first.index;
    this.#flagMask0 = first.mask;
    this.#flagWords1 = second.words;
    this.#flagIndex1 = second.index;
    this.#flagMask1 = second.mask;
    if (this.#local) setLocalScheduler(doorbell, this.#scheduleLocally);
  }

  /** How many actors this loop serves. */
  get size(): number {
    return this.#cells.size;
  }

  /** The cells this loop serves. */
  cells(): IterableIterator<ActorCell> {
    return this.#cells.values();
  }

  /** Makes a cell for an actor whose mailbox this thread receives from. */
  createCell(
    self: ActorRef<unknown>,
    name: string,
    mailbox: ActorCell["mailbox"],
    supervision?: Supervision,
  ): ActorCell {
    return new ActorCell(self, name, mailbox, this.#host, this, supervision);
  }

  /** The cell serving the mailbox at `offset`, if this loop serves it. */
  cellOf(offset: number): ActorCell | undefined {
    return this.#cells.get(offset);
  }

  /**
   * After a thread died: gets the mailboxes held up by a record it reserved and never
   * published served again (reading skips such records; see Mailbox.read). Call on this loop's
   * thread, once the thread is marked dead in the arena.
   */
  recoverStalled(): void {
    // Lingering mailboxes stay SCHEDULED without being queued: let them go first, so each
    // mailbox is either IDLE (and can be claimed below) or queued to be served.
    this.#letGo();
    for (const cell of this.#cells.values()) {
      if (cell.mailbox.stalledByDeadThread() && cell.mailbox.claim()) {
        this.#runQueue.push(cell);
      }
    }
    this.doorbell.ring();
  }

  /**
   * Starts serving `cell`'s mailbox (its actor is constructed and, if `preStart` is async, may
   * still be starting: its messages wait until it is Running).
   */
  add(cell: ActorCell): void {
    this.#cells.set(cell.mailbox.offset, cell);
    cell.mailbox.bindReceiver(this.doorbell, { scheduled: true, spin: this.#spin });
  }

  /**
   * Sends the records with a reply tag that come to `cell` to `desk` instead of to its actor.
   * `cell` should never be busy for long: while it is, its mailbox (and so the replies) waits.
   */
  setReplyDesk(cell: ActorCell, desk: ReplyDesk): void {
    this.#deskCell = cell;
    this.#desk = desk;
  }

  /** Puts a cell whose async work settled back in line, and wakes the loop if it sleeps. */
  resume(cell: ActorCell): void {
    if (!this.#cells.has(cell.mailbox.offset)) return;
    this.#runQueue.push(cell);
    this.doorbell.ring();
  }

  /** Runs the loop until {@link close}; the returned promise settles when it has stopped. */
  run(): Promise<void> {
    return this.#running ??= this.#run();
  }

  /** Stops the loop after the message in hand; actors it serves stay as they are. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#local) setLocalScheduler(null, null);
    this.doorbell.ring();
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      if (this.#runSlice()) {
        if (this.#replied && performance.now() < this.#sliceEnd) {
          // Only the microtasks: the asks' handlers go on, then the same slice (timers and I/O
          // still get their turn once it is spent).
          this.#replied = false;
          this.#sliceGoesOn = true;
          await undefined;
        } else {
          this.#replied = false;
          await nextTask();
        }
      } else {
        const parkedAt = performance.now();
        this.#parked = true;
        this.#earlierTimer = false;
        // Parked no longer than until the next timer: timers need no thread and no polling.
        await this.doorbell.waitAsync(
          () => this.#closed || this.#earlierTimer || this.#hasWork(),
          this.timers.nextDelay(parkedAt),
        );
        this.#parked = false;
        this.#spin.parked(performance.now() - parkedAt);
      }
    }
  }

  /**
   * Serves and spins until a slice of continuous work is used (returns true: yield to the event
   * loop) or nothing came within the spin (returns false: park). Synchronous, so V8 optimizes
   * it: an async function's own loop stays in baseline code.
   */
  #runSlice(): boolean {
    if (this.#isAbandoned()) return this.#abandon();
    const now = this.now = performance.now();
    if (this.#sliceGoesOn) this.#sliceGoesOn = false;
    else this.#sliceEnd = now + this.#sliceMs;
    if (this.timers.size > 0) this.timers.fireDue(now);
    // A turn cut short by the last slice went to the back of the line: cells that other
    // threads made ready meanwhile go behind it, not behind another slice of it.
    this.#pullReady();
    for (let steps = 1; !this.#closed; steps++) {
      // A lingering cell with work goes in line behind the cells already waiting, so a busy
      // loop stays fair. Local mail is seen for free; a ring costs an atomic load, so while
      // other cells wait their turn, the rings are looked at every fourth step only.
      const lingering0 = this.#lingering0;
      if (lingering0 !== null && lingering0.hasLocal) {
        this.#lingering0 = null;
        this.#runQueue.push(lingering0);
      }
      const lingering1 = this.#lingering1;
      if (lingering1 !== null && lingering1.hasLocal) {
        this.#lingering1 = null;
        this.#runQueue.push(lingering1);
      }
      if ((steps & 3) === 0 || this.#runQueue.length === 0) this.#wakeLingering();
      const cell = this.#runQueue.shift() ?? this.#cells.get(this.doorbell.nextReady());
      if (cell !== undefined) {
        // While messages of this thread wait for room, turns are timed: a send times out only
        // on time its receiver had to drain (see the courier).
        if (this.#courier.hasLocalBacklog) this.#courier.beforeTurn!();
        const spent = this.#serveCell(cell);
        if (this.#givenUp) return true; // abandoned: touch nothing more
        // Room this turn made in a mailbox of this thread goes to the messages waiting for it.
        if (this.#courier.hasLocalBacklog) this.#courier.flushLocal!(cell.mailbox);
        if (this.#replied) return true; // the handlers awaiting replies go on first
        // Every turn counts towards the next clock read (its first message, or its look at an
        // empty mailbox); the turn counted its other messages itself.
        if (spent || (--this.#untilClock <= 0 && this.#readClock(cell))) return true;
      } else if (this.#spin.spin(this.#hasWork) || this.#letGo()) {
        // Spins that found work are continuous work too: every slice of it ends in a yield.
        if (--this.#untilClock <= 0 && this.#readClock(null)) return true;
      } else {
        if (this.timers.size === 0) return false;
        const now = this.now = performance.now();
        if (this.timers.nextDelay(now) > 0) return false;
        this.timers.fireDue(now);
        if (now >= this.#sliceEnd) return true;
      }
    }
    return false;
  }

  /**
   * Reads the clock: fires the timers that are due, learns how often to read it while serving
   * `cell` (whose messages since the last read took that long; null for steps that served no
   * cell), and lets cells that other threads made ready join the line — even while this
   * thread's own traffic (a rally of neighbours) keeps the run queue from ever running empty.
   * @returns whether the slice is spent (the loop then yields).
   */
  #readClock(cell: ActorCell | null): boolean {
    if (this.#isAbandoned()) return this.#abandon();
    const now = performance.now();
    const window = now - this.now;
    this.now = now;
    if (cell === null) this.#untilClock = STEPS_PER_CLOCK;
    else {
      // Quick messages: twice as many of them before the next read. A slow window: a read
      // after each message from now on (the slice is overrun by as few of them as can be).
      this.#untilClock = cell.clockEvery = window >= QUICK_WINDOW_MS
        ? 1
        : Math.min(cell.clockEvery << 1, MAX_CLOCK_EVERY);
    }
    if (this.timers.size > 0) this.timers.fireDue(now);
    if (now >= this.#sliceEnd) return true;
    this.#pullReady();
    return false;
  }

  /**
   * Stops the loop of a thread given up for dead, before it touches anything more: what it
   * holds is the system's to account for now (see ReceiveLoopOptions.abandoned).
   * @returns true: the loop yields, and so lets Deno end the thread.
   */
  #isAbandoned(): boolean {
    return (this.#flagWords0[this.#flagIndex0] & this.#flagMask0) !== 0 ||
      (this.#flagWords1[this.#flagIndex1] & this.#flagMask1) !== 0;
  }

  #abandon(): boolean {
    this.#closed = this.#givenUp = true;
    if (this.#local) setLocalScheduler(null, null);
    return true;
  }

  /**
   * Handles up to a batch of `cell`'s messages, fewer if the slice runs out meanwhile. A turn
   * that served local mail ends, when it runs dry, without reading the ring (an atomic load saved
   * per local message) three times in four: the cell lingers, and the loop sees a record in its
   * ring within a few steps. The fourth time the ring is read, so no ring waits on a busy pair of
   * neighbours.
   * @returns whether the slice is spent (the cell is then back in line).
   */
  #serveCell(cell: ActorCell): boolean {
    const box = cell.mailbox;
    let servedLocal = false;
    // Each cell reads the clock as often as its own messages need (see ActorCell.clockEvery).
    if (this.#untilClock > cell.clockEvery) this.#untilClock = cell.clockEvery;
    for (let handled = 0; handled < this.#batch; handled++) {
      // The message before (handled, dead-lettered or dropped) counts towards the next read;
      // the turn's first one is counted with the turn (see #runSlice).
      if (handled > 1 && --this.#untilClock <= 0 && this.#readClock(cell)) {
        if (cell.state !== CellState.Busy && cell.state !== CellState.Starting) {
          this.#runQueue.push(cell);
        }
        return true;
      }
      if (cell.state === CellState.Busy || cell.state === CellState.Starting) return false;
      let message: unknown;
      let sender: ActorRef<unknown> | null;
      const local = localOf(cell);
      const hasLocal = local !== null && local.length > 0;
      // Every eighth local message, a ring record may go first (see LocalMail on fairness).
      if (hasLocal && ((++cell.localRun & 7) !== 0 || !this.#ringGoesFirst(cell, local))) {
        // Local mail first (see LocalMail for why that keeps every order that matters).
        message = local.shift();
        sender = local.sender;
        servedLocal = true;
        if (local.deadline > 0 && this.#expired(cell, message, sender, local.deadline)) continue;
      } else {
        if (
          servedLocal && !hasLocal && cell.state === CellState.Running &&
          (++cell.ringSkips & 3) !== 0
        ) {
          this.#linger(cell);
          return false;
        }
        const length = box.read();
        if (length === EMPTY) {
          // Nothing of this thread's is left in the ring: its sends may go local from now on.
          if (box.localReceiver !== cell) this.#openLocal(cell);
          this.#linger(cell);
          return false;
        }
        if (length === CLOSED_AND_DRAINED) {
          // The mailbox stays SCHEDULED: no late producer can queue it again before it is
          // unbound and recycled.
          this.#cells.delete(box.offset);
          box.localReceiver = null;
          cell.finish();
          return false;
        }
        // The ring's reader carries the mark along: it never falls behind (see postLocal).
        if (cell.local !== null && ((box.readPosition - cell.ringMark) | 0) > 0) {
          cell.ringMark = box.readPosition;
        }
        if (!this.#take(cell, length)) continue;
        message = this.#takenMessage;
        sender = this.#takenSender;
        this.#takenMessage = undefined;
        if (cell === this.#deskCell && this.#envelope.targetTag !== 0) {
          this.#desk!.replied(this.#envelope.targetTag, message, sender);
          this.#replied = true;
          continue;
        }
      }
      if (
        (cell.state === CellState.Stopping || cell.state === CellState.Stopped) &&
        !(message instanceof Stop)
      ) {
        // A Stop that was already queued is still answered: the actor is stopping, as asked.
        this.#host.deadLetter(cell.self, sender, message, "stopped", `${cell.name} has stopped`);
        continue;
      }
      const pending = cell.deliver(message, sender);
      if (pending !== undefined) {
        // The mailbox stays SCHEDULED (no producer queues it) until the handler settles.
        pending.then(() => this.resume(cell));
        return false;
      }
      // Given up for dead while the handler ran (see ReceiveLoopOptions.abandoned): stop here.
      if (this.#isAbandoned()) {
        this.#abandon();
        return true;
      }
    }
    this.#runQueue.push(cell);
    return false;
  }

  /**
   * Whether the record at the head of the ring may go before the local mail: one reserved
   * before the oldest local message was queued, which that message cannot have caused. Also
   * brings the cell's ring mark up to date, so the local messages queued from now on let every
   * record reserved so far go first.
   */
  #ringGoesFirst(cell: ActorCell, local: LocalMail): boolean {
    const box = cell.mailbox;
    const first = box.read() >= 0 && ((local.headStamp - box.readPosition) | 0) > 0;
    cell.ringMark = box.writePosition();
    return first;
  }

  /**
   * Lets this thread's sends to `cell` skip its ring from now on — unless they cannot: the
   * actor is stopping, or messages from this thread still wait for room in its ring.
   */
  #openLocal(cell: ActorCell): void {
    if (cell.state === CellState.Stopping || cell.state === CellState.Stopped) return;
    const box = cell.mailbox;
    // EMPTY also means "a record is reserved and not yet published" (by another thread): this
    // thread's records may wait behind it. Only a ring with nothing reserved is empty.
    if (box.writePosition() !== box.readPosition) return;
    if (this.#courier.hasBacklog?.(box)) return;
    cell.mailbox.localReceiver = cell;
  }

  /** Moves the cells in the doorbell's ready queue to the back of the run queue. */
  #pullReady(): void {
    for (let offset = this.doorbell.nextReady(); offset !== 0; offset = this.doorbell.nextReady()) {
      const cell = this.#cells.get(offset);
      if (cell !== undefined) this.#runQueue.push(cell);
    }
  }

  /** Queues the lingering cells that have a record in their ring. */
  #wakeLingering(): void {
    const lingering0 = this.#lingering0;
    if (lingering0 !== null && lingering0.mailbox.hasRecord()) {
      this.#lingering0 = null;
      this.#runQueue.push(lingering0);
    }
    const lingering1 = this.#lingering1;
    if (lingering1 !== null && lingering1.mailbox.hasRecord()) {
      this.#lingering1 = null;
      this.#runQueue.push(lingering1);
    }
  }

  /** Keeps `cell` scheduled while the loop spins; lets the one kept longest go if need be. */
  #linger(cell: ActorCell): void {
    if (cell === this.#lingering0 || cell === this.#lingering1) return;
    const oldest = this.#lingering1;
    this.#lingering1 = this.#lingering0;
    this.#lingering0 = cell;
    if (oldest !== null && this.#endTurn(oldest)) this.#runQueue.push(oldest);
  }

  /**
   * Ends a cell's turn: its mailbox goes IDLE unless it has work (local mail keeps it
   * SCHEDULED: only this loop can queue it again).
   * @returns true when it has work after all (the caller queues it).
   */
  #endTurn(cell: ActorCell): boolean {
    return cell.hasLocal || cell.mailbox.endTurn();
  }

  /**
   * Lets the lingering cells' mailboxes go IDLE, so their producers queue them from now on.
   * @returns true when one had a record after all (it is then in the run queue).
   */
  #letGo(): boolean {
    const first = this.#lingering0;
    const second = this.#lingering1;
    this.#lingering0 = this.#lingering1 = null;
    let work = false;
    if (first !== null && this.#endTurn(first)) {
      this.#runQueue.push(first);
      work = true;
    }
    if (second !== null && this.#endTurn(second)) {
      this.#runQueue.push(second);
      work = true;
    }
    return work;
  }

  postLocal(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
  ): void {
    const local = localOf(cell) ?? this.localMailOf(cell);
    const box = cell.mailbox;
    // The stamp is a ring position known not to be past the write position now: the last one
    // read, unless the read position is further on (the ring was served since) or the mark is
    // more than a ring ahead of it (impossible for a true mark: one left behind by over 2^31
    // bytes of traffic, that wrapped). An atomic load per message for the exact position cost
    // a fifth of a same-Worker hop.
    let stamp = cell.ringMark;
    const read = box.readPosition;
    const ahead = (stamp - read) | 0;
    if (ahead < 0 || ahead > box.capacity) stamp = cell.ringMark = read;
    local.push(message, sender, deadline, stamp);
    // A cell with local mail is kept SCHEDULED (see #endTurn), so only the first message needs
    // to get it served.
    if (local.length === 1) this.#serveLocalSoon(cell);
  }

  /** The cell's local mail, made on first use. */
  localMailOf(cell: ActorCell): LocalMail {
    const existing = localOf(cell);
    if (existing !== null) return existing;
    const box = cell.mailbox;
    cell.ringMark = box.writePosition();
    return cell.local = new LocalMail(box.heldWords, box.heldIndex(LOCAL_MAIL_HELD));
  }

  setStashed(cell: ActorCell, count: number): void {
    this.localMailOf(cell).setStashed(count);
  }

  closeLocal(cell: ActorCell): void {
    cell.mailbox.localReceiver = null;
  }

  unstash(cell: ActorCell, entries: readonly unknown[]): void {
    if (entries.length === 0) return;
    const local = this.localMailOf(cell);
    const wasEmpty = local.length === 0;
    // Stamped with the read position: no ring record may go first (see #ringGoesFirst), as
    // Akka's unstashAll prepends them to the mailbox. No deadline: a stashed message was handled
    // in time once.
    const stamp = cell.mailbox.readPosition;
    for (let i = entries.length - 2; i >= 0; i -= 2) {
      local.unshift(entries[i], entries[i + 1] as ActorRef<unknown> | null, 0, stamp);
    }
    local.setStashed(0);
    if (wasEmpty) this.#serveLocalSoon(cell);
  }

  /**
   * Gets a cell whose local mail just stopped being empty served: claimed here if its mailbox
   * was IDLE; otherwise it is queued, lingering, being served, or waiting for an async handler
   * that resumes it.
   */
  #serveLocalSoon(cell: ActorCell): void {
    if (cell === this.#lingering0 || cell === this.#lingering1 || !cell.mailbox.claim()) return;
    this.#runQueue.push(cell);
    // A send from outside a turn (an async handler resuming, a timer) may find the loop parked.
    if (this.#parked) this.doorbell.ring();
  }

  /** Takes a mailbox of this loop that this thread made ready (see setLocalScheduler). */
  #scheduleLocally = (offset: number): boolean => {
    const cell = this.#cells.get(offset);
    if (cell === undefined) return false;
    this.#runQueue.push(cell);
    // A send from outside a turn (an async handler resuming, a timer) may find the loop parked.
    if (this.#parked) this.doorbell.ring();
    return true;
  };

  /**
   * Decodes the record of `length` bytes at the cell's read position into `#takenMessage` and
   * `#takenSender`, and frees it. Records that are not for this actor, are past their deadline,
   * or cannot be decoded become dead letters.
   * @returns whether a message was taken.
   */
  #take(cell: ActorCell, length: number): boolean {
    const box = cell.mailbox;
    const envelope = this.#envelope;
    const reader = this.#reader.reset(
      box.bytes,
      box.recordStart,
      box.recordStart + length,
      this.#courier,
    );
    let message: unknown;
    envelope.sender = null;
    envelope.targetTag = 0;
    try {
      envelope.read(reader, this.#courier, cell);
      message = reader.value();
      reader.expectEnd();
    } catch (error) {
      box.release();
      if (cell === this.#deskCell && envelope.targetTag !== 0) {
        this.#desk!.undecodable(envelope.targetTag, error);
        return false;
      }
      this.#host.deadLetter(
        cell.self,
        envelope.sender,
        undefined,
        "undecodable",
        `it could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
    box.release();
    if (envelope.targetSlot !== cell.slot || envelope.targetGeneration !== cell.generation) {
      const stale = new ActorRef(envelope.targetSlot, envelope.targetGeneration, 0, this.#courier);
      this.#host.deadLetter(
        stale,
        envelope.sender,
        message,
        "stale",
        "it was sent through a ref to an actor that has stopped (its slot has a new actor)",
      );
      return false;
    }
    if (envelope.deadline > 0 && this.#expired(cell, message, envelope.sender, envelope.deadline)) {
      return false;
    }
    this.#takenMessage = message;
    this.#takenSender = envelope.sender;
    return true;
  }

  /** Whether `deadline` has passed; if so, `message` becomes a dead letter. */
  #expired(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
  ): boolean {
    const late = Date.now() - deadline;
    if (late <= 0) return false;
    this.#host.deadLetter(
      cell.self,
      sender,
      message,
      "deadline",
      `its deadline passed ${Math.round(late)} ms before ${cell.name} could handle it`,
    );
    return true;
  }

  /**
   * Reads every record left in a closed mailbox of this thread as a dead letter for `target`
   * (their senders waiting for replies hear of it at once), except those `ignore` picks out;
   * returns how many dead letters it made. Binds the mailbox to this loop's
   * doorbell first if it never was (an actor that failed to start).
   */
  drainDeadLetters(
    mailbox: Mailbox,
    target: ActorRef<unknown>,
    kind: DeadLetterKind,
    reason: string,
    ignore?: (message: unknown, sender: ActorRef<unknown> | null) => boolean,
  ): number {
    let drained = 0;
    mailbox.localReceiver = null;
    // Local mail first: it was sent before what is still in the ring could be read.
    const cell = this.#cells.get(mailbox.offset);
    const local = cell !== undefined && cell.self.equals(target) ? localOf(cell) : null;
    while (local !== null && local.length > 0) {
      const message = local.shift();
      if (ignore?.(message, local.sender)) continue;
      drained++;
      this.#host.deadLetter(target, local.sender, message, kind, reason);
    }
    if (!mailbox.bound) mailbox.bindReceiver(this.doorbell);
    const envelope = this.#envelope;
    for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
      const reader = this.#reader.reset(
        mailbox.bytes,
        mailbox.recordStart,
        mailbox.recordStart + length,
        this.#courier,
      );
      envelope.sender = null;
      let message: unknown;
      try {
        envelope.read(reader, this.#courier, this.#drainCache);
        message = reader.value();
      } catch {
        // Undecodable: still a dead letter, reported without the message.
        message = undefined;
      }
      mailbox.release();
      if (ignore?.(message, envelope.sender)) continue;
      drained++;
      this.#host.deadLetter(target, envelope.sender, message, kind, reason);
    }
    return drained;
  }

  receiveFor(cell: ActorCell, timeoutMs: number): Received | null {
    const local = localOf(cell);
    while (local !== null && local.length > 0) {
      const message = local.shift();
      const sender = local.sender;
      if (local.deadline > 0 && this.#expired(cell, message, sender, local.deadline)) continue;
      return { message, sender };
    }
    const box = cell.mailbox;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const length = box.waitForRecord(deadline - performance.now());
      if (length === EMPTY || length === CLOSED_AND_DRAINED) return null;
      if (this.#take(cell, length)) {
        const received = { message: this.#takenMessage, sender: this.#takenSender };
        this.#takenMessage = undefined;
        return received;
      }
    }
  }
}
