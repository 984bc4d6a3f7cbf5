/**
 * The receive loop: one per thread that hosts actors. It serves a set of mailboxes: takes a ready
 * one from the doorbell's ready queue (or its own run queue), handles up to `batch` of its
 * messages, then moves on to the next, so one flooded actor cannot starve the others. When
 * nothing is ready it waits (see parking.ts: a spin, a blocked sleep, an async park that leaves
 * the thread's event loop free for timers, I/O and the promises of async handlers).
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

import { Fifo } from "../util/fifo.ts";
import type { ClassInfo } from "../codec/mod.ts";
import {
  CLOSED_AND_DRAINED,
  type Doorbell,
  EMPTY,
  holdRings,
  type Mailbox,
  MailboxTable,
  ringHeld,
  SpinPolicy,
} from "../ring/mod.ts";
import {
  ActorCell,
  type ActorRef,
  ActorStat,
  type CellHost,
  type CellLoop,
  CellState,
  type DeadLetterKind,
  isRuntimeNotice,
  LoopTimers,
  type Received,
  type StatCounters,
  Stop,
  STOP_ITSELF,
  type Supervision,
} from "../actor/mod.ts";
import { AbandonedFlags } from "./abandoned_flags.ts";
import { CellReader } from "./cell_reader.ts";
import type { DrainFilter } from "./inbox.ts";
import { Lingering } from "./lingering.ts";
import type { SystemCourier } from "./courier.ts";
import { localMailOf, localOf, putInFront, ringGoesFirst, stampFor } from "./local_mail.ts";
import { localReceiverOf, setLocalReceiver } from "./mailbox_handles.ts";
import { QUIET_REMOTE_END_MS, type ReceiveLoopOptions, type ReplyDesk } from "./loop_options.ts";
import { QuietStreak } from "./quiet_streak.ts";
import { Parking } from "./parking.ts";
import type { Probe } from "./probe.ts";
import type { MessageTracing, TraceContext } from "./tracing.ts";

/** The counters of a loop told none: counts nothing. */
const NOT_COUNTED: StatCounters = { countStat() {}, setStat() {} };

/** The most messages of a cell of quick ones handled between two reads of the clock. */
export const MAX_CLOCK_EVERY = 16;
/** Loop steps without a cell to serve (spins that found work) between two reads of the clock. */
const STEPS_PER_CLOCK = 16;
/** Messages read between two clock reads that took less than this were quick (ms). */
const QUICK_WINDOW_MS = 0.5;
/**
 * While local mail keeps a loop busy, how often (a power of two) it looks at rings: every this
 * many steps for the lingering cells, turns of a cell that ran dry, and local messages of a cell
 * (the ring may then go first). Each look is an atomic load and a call or two, several times a
 * same-Worker hop's own work when it comes with every message; a ring record waits at most this
 * many quick turns of its cell longer.
 */
const RING_LOOK_EVERY = 16;

/** Serves the mailboxes of the actors of one thread (of one actor system). */
export class ReceiveLoop implements CellLoop {
  readonly doorbell: Doorbell;
  readonly courier: SystemCourier;
  readonly #courier: SystemCourier;
  readonly #host: CellHost;
  /** By mailbox: a Worker may serve 150k (see MailboxTable). */
  readonly #cells: MailboxTable<ActorCell>;
  readonly #runQueue = new Fifo<ActorCell>();
  /** Reads the cells' records and applies the inbox's rules. */
  readonly #reader: CellReader;
  /** Told of each actor served, handled message and end (the courier's; see Probe). */
  readonly #probe: Probe;
  /** Runs each handler as a span (the courier's; see tracing.ts); null: not traced. */
  readonly #tracing: MessageTracing | null;
  readonly #spin: SpinPolicy;
  readonly #batch: number;
  readonly #sliceMs: number;
  /** How the loop waits when nothing is ready, and gives its event loop turns. */
  readonly #parking: Parking;
  readonly #hasWork = (): boolean =>
    this.#runQueue.length > 0 || this.doorbell.hasReady() ||
    this.#lingering.haveWork();
  /** The cells this loop drained last, kept SCHEDULED while it spins (see Lingering). */
  readonly #lingering: Lingering;
  #closed = false;
  readonly #local: boolean;
  /** The abandoned flags (see ReceiveLoopOptions.abandoned): read after each handler. */
  readonly #abandoned: AbandonedFlags;
  /** Set once the loop found its thread abandoned (see {@link #abandon}). */
  #givenUp = false;
  /** The loop's timers: they fire when it reads its clock, and bound how long it parks. */
  readonly timers: LoopTimers;
  /** The clock as last read (every few messages): cheap "now" for receive timeouts. */
  now = 0;
  /** When the current slice of work ends, by the clock: the loop then yields. */
  #sliceEnd = 0;
  /** Messages (or steps) left before the clock is read again. */
  #untilClock = 1;
  #running: Promise<void> | null = null;
  /**
   * Set when the desk took a reply: the handler awaiting it goes on in a microtask, which must
   * not wait for the loop to spin out and park (an ask would cost a park and a wake-up).
   */
  #replied = false;
  /** Set when the loop yielded to microtasks only (see #replied): the slice is not over. */
  #sliceGoesOn = false;
  /** The thread's counters (see ReceiveLoopOptions.threadCounters). */
  readonly #threadCounters: StatCounters;
  /**
   * Messages handled since the thread's counter was last brought up to date: it is, at each
   * read of the clock and before parking (a field increment per message, not a shared store).
   */
  #handledUncounted = 0;
  /** Whether the loop serves quiet requests from another node, one after another. */
  readonly #quiet: QuietStreak;

  constructor(
    doorbell: Doorbell,
    courier: SystemCourier,
    host: CellHost,
    options: ReceiveLoopOptions = {},
  ) {
    this.doorbell = doorbell;
    this.courier = courier;
    this.#courier = courier;
    this.#cells = new MailboxTable(courier.arena);
    this.#abandoned = new AbandonedFlags(options.abandoned ?? []);
    this.#reader = new CellReader(courier, this.#abandoned);
    this.#lingering = new Lingering(this.#runQueue);
    this.#probe = courier.probe;
    this.#tracing = courier.tracing;
    this.#host = host;
    this.#spin = options.spin ?? new SpinPolicy();
    this.#batch = options.batch ?? 64;
    this.#quiet = new QuietStreak(options.remoteStreakEndMs ?? QUIET_REMOTE_END_MS);
    this.#sliceMs = options.sliceMs ?? 5;
    if (!(Number.isInteger(this.#batch) && this.#batch > 0)) {
      throw new RangeError(
        `batch must be a positive integer, got ${options.batch}`,
      );
    }
    this.timers = new LoopTimers(
      courier,
      () => this.#parking.timerEarlier(),
      (error) => console.error("ringmail: a timer failed:", error),
      (lost) => courier.deadLetter(lost),
    );
    this.#local = options.local ?? false;
    this.#threadCounters = options.threadCounters ?? NOT_COUNTED;
    this.#parking = new Parking(doorbell, this.timers, {
      spin: this.#spin,
      remoteSpin: options.remoteSpin ?? null,
      sliceMs: this.#sliceMs,
      blockedParkMs: options.blockedParkMs ?? 0,
      threadCounters: this.#threadCounters,
      hasWork: this.#hasWork,
      closed: () => this.#closed,
    });
    if (this.#local) courier.handles.setOwnDoorbell(doorbell);
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
    this.#lingering.letGo();
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
    // Its sends are counted on the one ref its thread sends with (see ActorRef.counters).
    cell.self.counters = cell.mailbox;
    this.#probe.started(cell.self, cell.name);
    cell.mailbox.bindReceiver(this.doorbell, {
      scheduled: true,
      spin: this.#spin,
    });
    // Local mail before the loop served it (a stop() its preStart left behind, see
    // ActorCell.stop) rang no bell: the mailbox was not bound yet.
    if (cell.hasLocal && cell.mailbox.claim()) this.#runQueue.push(cell);
  }

  /**
   * Sends the records with a reply tag that come to `cell` to `desk` instead of to its actor.
   * `cell` should never be busy for long: while it is, its mailbox (and so the replies) waits.
   */
  setReplyDesk(cell: ActorCell, desk: ReplyDesk): void {
    this.#reader.setReplyDesk(cell, desk);
  }

  /** Counts `work` as awaited until it settles (see Parking.track). */
  track(work: Promise<unknown>): void {
    this.#parking.track(work);
  }

  /** Puts a cell whose async work settled back in line, and wakes the loop if it sleeps. */
  resume(cell: ActorCell): void {
    if (this.#cells.get(cell.mailbox.offset) === undefined) return;
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
    // Its timers would never fire: they are over, not left `active` (a Bridge's, pending when
    // its system shut down, said they would still send).
    this.timers.cancelAll();
    if (this.#local) this.#courier.handles.setOwnDoorbell(null);
    this.doorbell.ring();
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      // A run's sends to a receiver that takes them together wake it once, as the run ends (see
      // src/ring/held_rings.ts: a Worker's records for other nodes, one batch, not several).
      holdRings();
      let sliceSpent: boolean;
      try {
        sliceSpent = this.#runSlice();
      } finally {
        ringHeld(true);
      }
      if (sliceSpent) {
        if (this.#replied && performance.now() < this.#sliceEnd) {
          // Only the microtasks: the asks' handlers go on, then the same slice (timers and I/O
          // still get their turn once it is spent).
          this.#replied = false;
          this.#sliceGoesOn = true;
          await undefined;
        } else {
          this.#replied = false;
          await this.#parking.yieldTask();
        }
      } else {
        this.#countHandled();
        await this.#parking.park();
        this.#quiet.waitEnded();
      }
    }
  }

  /**
   * Nothing to serve now: the rings this run held back go first (see held_rings.ts), then a
   * short spin for work. Returns whether work came.
   */
  #spinForWork(): boolean {
    ringHeld();
    // Quiet requests from another node, one after another: the next is likely one network round
    // trip away, and a wake-up from a park would be a large share of it (see QuietStreak).
    if (this.#parking.spin(this.#quiet.waitBegins())) {
      this.#quiet.waitEnded();
      return true;
    }
    if (this.#lingering.letGo()) return true;
    // Letting go handed back the room the lingering cells had read: messages of this thread
    // that wait for that room go now. No turn follows to flush them, and the loop would park
    // with them, waking for nothing that could send them.
    if (!this.#courier.hasLocalBacklog) return false;
    this.#courier.flushLocal(null);
    return this.#hasWork();
  }

  #countHandled(): void {
    if (this.#handledUncounted === 0) return;
    this.#threadCounters.countStat(ActorStat.ThreadHandled, this.#handledUncounted);
    this.#handledUncounted = 0;
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
      // other cells wait their turn, the rings are looked at every RING_LOOK_EVERY steps only.
      const lingering = this.#lingering;
      lingering.queueWithLocal();
      if ((steps & (RING_LOOK_EVERY - 1)) === 0 || this.#runQueue.length === 0) {
        lingering.queueWithRecords();
      }
      const cell = this.#runQueue.shift() ??
        this.#cells.get(this.doorbell.nextReady());
      if (cell !== undefined) {
        // While messages of this thread wait for room, turns are timed: a send times out only
        // on time its receiver had to drain (see the courier).
        if (this.#courier.hasLocalBacklog) this.#courier.beforeTurn();
        const spent = this.#serveCell(cell);
        if (this.#givenUp) return true; // abandoned: touch nothing more
        // Room this turn made in a mailbox of this thread goes to the messages waiting for it.
        if (this.#courier.hasLocalBacklog) {
          this.#courier.flushLocal(cell.mailbox);
        }
        if (this.#replied) return true; // the handlers awaiting replies go on first
        // Every turn counts towards the next clock read (its first message, or its look at an
        // empty mailbox); the turn counted its other messages itself.
        if (spent || (--this.#untilClock <= 0 && this.#readClock(cell))) {
          return true;
        }
      } else if (this.#spinForWork()) {
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
    this.#countHandled();
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
    return this.#abandoned.isSet();
  }

  #abandon(): boolean {
    this.#closed = this.#givenUp = true;
    if (this.#local) this.#courier.handles.setOwnDoorbell(null);
    return true;
  }

  /**
   * Handles up to a batch of `cell`'s messages, fewer if the slice runs out meanwhile. A turn
   * that served local mail ends, when it runs dry, without reading the ring (an atomic load saved
   * per local message) but once in RING_LOOK_EVERY turns: the cell lingers, and the loop sees a
   * record in its ring within a few steps. That once, the ring is read, so no ring waits on a busy pair of
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
        if (
          cell.state !== CellState.Busy && cell.state !== CellState.Starting
        ) {
          this.#runQueue.push(cell);
        }
        return true;
      }
      if (cell.state === CellState.Busy || cell.state === CellState.Starting) {
        return false;
      }
      let message: unknown;
      let sender: ActorRef<unknown> | null;
      let trace: TraceContext | null;
      let cls: ClassInfo | null;
      const local = localOf(cell);
      const hasLocal = local !== null && local.length > 0;
      // Every RING_LOOK_EVERY local messages, a ring record may go first (see LocalMail on
      // fairness).
      if (
        hasLocal &&
        ((++cell.localRun & (RING_LOOK_EVERY - 1)) !== 0 || !ringGoesFirst(cell, local))
      ) {
        // Local mail first (see LocalMail for why that keeps every order that matters).
        message = local.shift();
        sender = local.sender;
        trace = local.trace;
        cls = local.messageClass;
        servedLocal = true;
        if (
          local.deadline > 0 &&
          this.#reader.expired(cell, message, sender, local.deadline)
        ) {
          continue;
        }
      } else {
        if (
          servedLocal && !hasLocal && cell.state === CellState.Running &&
          (++cell.ringSkips & (RING_LOOK_EVERY - 1)) !== 0
        ) {
          this.#lingering.add(cell);
          return false;
        }
        const length = box.read();
        if (length === EMPTY) {
          // Nothing of this thread's is left in the ring: its sends may go local from now on.
          if (localReceiverOf(box) !== cell) this.#openLocal(cell);
          this.#lingering.add(cell);
          return false;
        }
        if (length === CLOSED_AND_DRAINED) {
          // The mailbox stays SCHEDULED: no late producer can queue it again before it is
          // unbound and recycled.
          this.#cells.delete(box.offset);
          setLocalReceiver(box, null);
          cell.finish();
          this.#probe.ended(cell.self, cell.name);
          return false;
        }
        // The ring's reader carries the mark along: it never falls behind (see postLocal).
        if (
          cell.local !== null && ((box.readPosition - cell.ringMark) | 0) > 0
        ) {
          cell.ringMark = box.readPosition;
        }
        const reader = this.#reader;
        if (!reader.take(cell, length)) {
          // Given up for dead (a kill) before the record was taken: it stays, the restarted
          // actor's or a dead letter, never this thread's (see CellReader.take).
          if (reader.abandoned) return this.#abandon();
          continue;
        }
        const inbox = reader.inbox;
        message = inbox.message;
        sender = inbox.envelope.sender;
        this.#quiet.read(sender);
        trace = inbox.envelope.trace;
        cls = inbox.messageClass;
        inbox.message = undefined;
        if (cell === reader.deskCell && inbox.envelope.targetTag !== 0) {
          reader.desk!.replied(inbox.envelope.targetTag, message, sender);
          this.#replied = true;
          continue;
        }
      }
      if (
        (cell.state === CellState.Stopping ||
          cell.state === CellState.Stopped) &&
        !(message instanceof Stop)
      ) {
        // A Stop that was already queued is still answered: the actor is stopping, as asked.
        // The runtime's own notices to it are moot: nobody's lost messages.
        if (isRuntimeNotice(message, sender) || message === STOP_ITSELF) continue;
        this.#host.deadLetter({
          target: cell.self,
          sender,
          message,
          ...cell.leftoverWhy(),
        });
        continue;
      }
      // Counted before the handler runs: what it sends (a reply) may be read before it returns.
      box.countStat(ActorStat.Handled);
      // The thread's counts are its actors' (what inspect() sums): not its agent's, whose
      // mailbox holds them.
      if (box !== this.#threadCounters) this.#handledUncounted++;
      const pending = this.#tracing === null
        ? cell.deliver(message, sender, cls)
        : this.#traced(cell, message, sender, trace, cls);
      this.#probe.handled(cell.self, message);
      if (pending !== undefined) {
        // The mailbox stays SCHEDULED (no producer queues it) until the handler settles.
        this.#parking.track(pending.then(() => this.resume(cell)));
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

  /** Handles `message` as a span of the courier's tracing (the reply desk's records: not). */
  #traced(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    trace: TraceContext | null,
    cls: ClassInfo | null,
  ): void | Promise<void> {
    const deliver = () => cell.deliver(message, sender, cls);
    if (cell === this.#reader.deskCell) return deliver();
    return this.#tracing!.handle(
      { self: cell.self, name: cell.name, className: cell.actorClass?.name ?? "" },
      message,
      trace,
      deliver,
    );
  }

  /**
   * Lets this thread's sends to `cell` skip its ring from now on — unless they cannot: the
   * actor is stopping, or messages from this thread still wait for room in its ring.
   */
  #openLocal(cell: ActorCell): void {
    if (cell.state === CellState.Stopping || cell.state === CellState.Stopped) {
      return;
    }
    const box = cell.mailbox;
    // EMPTY also means "a record is reserved and not yet published" (by another thread): this
    // thread's records may wait behind it. Only a ring with nothing reserved is empty.
    if (box.writePosition() !== box.readPosition) return;
    if (this.#courier.hasBacklog(box)) return;
    setLocalReceiver(box, cell);
  }

  /** Moves the cells in the doorbell's ready queue to the back of the run queue. */
  #pullReady(): void {
    for (
      let offset = this.doorbell.nextReady();
      offset !== 0;
      offset = this.doorbell.nextReady()
    ) {
      const cell = this.#cells.get(offset);
      if (cell !== undefined) this.#runQueue.push(cell);
    }
  }

  postLocal(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    trace: TraceContext | null,
    cls: ClassInfo | null,
  ): void {
    const local = localOf(cell) ?? localMailOf(cell);
    local.push(message, sender, deadline, stampFor(cell), trace, cls);
    // A cell with local mail is kept SCHEDULED (see Lingering's endTurn), so only the first message needs
    // to get it served.
    if (local.length === 1) this.#serveLocalSoon(cell);
  }

  setStashed(cell: ActorCell, count: number): void {
    localMailOf(cell).setStashed(count);
  }

  closeLocal(cell: ActorCell): void {
    setLocalReceiver(cell.mailbox, null);
  }

  unstash(cell: ActorCell, entries: readonly unknown[]): void {
    this.putFirst(cell, entries);
    // All of the stash went: none of it is counted apart any more.
    if (entries.length > 0) localMailOf(cell).setStashed(0);
  }

  putFirst(cell: ActorCell, entries: readonly unknown[]): void {
    if (entries.length === 0) return;
    const local = localMailOf(cell);
    const wasEmpty = local.length === 0;
    putInFront(cell, local, entries);
    if (wasEmpty) this.#serveLocalSoon(cell);
  }

  /**
   * Gets a cell whose local mail just stopped being empty served: claimed here if its mailbox
   * was IDLE; otherwise it is queued, lingering, being served, or waiting for an async handler
   * that resumes it.
   */
  #serveLocalSoon(cell: ActorCell): void {
    if (this.#lingering.has(cell) || !cell.mailbox.claim()) return;
    this.#runQueue.push(cell);
    // A send from outside a turn (an async handler resuming, a timer) may find the loop parked.
    this.#parking.ringIfParked();
  }

  /**
   * Reads every record left in a closed mailbox of this thread as a dead letter for `target`
   * (see CellReader.drainDeadLetters). Binds the mailbox to this loop's doorbell first if it
   * never was (an actor that failed to start).
   */
  drainDeadLetters(
    mailbox: Mailbox,
    target: ActorRef<unknown>,
    kind: DeadLetterKind,
    reason: string,
    ignore?: DrainFilter,
  ): number {
    setLocalReceiver(mailbox, null);
    const cell = this.#cells.get(mailbox.offset);
    const local = cell !== undefined && cell.self.equals(target) ? localOf(cell) : null;
    if (!mailbox.bound) mailbox.bindReceiver(this.doorbell);
    return this.#reader.drainDeadLetters(
      mailbox,
      local,
      target,
      kind,
      reason,
      ignore,
    );
  }

  receiveFor(cell: ActorCell, timeoutMs: number): Received | null {
    return this.#reader.receiveFor(cell, timeoutMs);
  }
}
