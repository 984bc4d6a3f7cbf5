/**
 * A mailbox: a many-producer, single-consumer ring of variable-length byte records in the arena.
 * Any thread may send; exactly one thread (the owner of the receiving doorbell) receives.
 * Records arrive in the order their space was reserved, so each producer's records arrive in the
 * order it sent them.
 *
 * Memory layout. A 128-byte header block, one cache line for producers and one for the consumer:
 *
 * ```
 * word  0  write cursor; bit 0 = CLOSED     CAS by producers (reserve), Atomics.or by close()
 * word  1  records committed, wrapping     Atomics.add by producers (commit)
 * word  2  capacity of the data ring        written once at creation (a power of two)
 * word  3  byte offset of the data ring     written once at creation
 * word  4  receiver: the byte offset of the   bound by the receiver; the state moves by CAS
 *          receiver's doorbell (64-aligned,  from producers (IDLE -> SCHEDULED) and by stores
 *          0 = none) | the schedule state    from the receiver
 *          in the low 2 bits: IDLE,
 *          SCHEDULED, WAITING or DIRECT
 * word  5  the mailbox's number (1, 2, …)   written once at creation: dense, so a thread
 *                                           keeps its handles in an array (numberAt)
 * word  6  ready-queue link (NEXT_WORD)     see doorbell.ts
 * words 7..15  for the layers above (see MAILBOX_USER_WORD)
 * word 16  read cursor                      Atomics.store by the consumer only
 * word 17  space sequence                   Atomics.add by the consumer when it frees space
 *                                           while senders wait, and by close()
 * word 18  senders waiting for space        Atomics.add/sub by blocked producers (rare)
 * word 19  closed flag                      set by close() after the CLOSED bit
 * word 20  consumed cursor                  plain store by the consumer after each record:
 *                                           how far it has read, published or not
 * word 21  space wanted: the fewest free     lowered by CAS by producers about to sleep for
 *          bytes a sleeping sender needs,    space; set to 0 by the consumer when it wakes
 *          0 = none                          them, and by reopen()
 * word 22  held count (see                 plain stores by the thread that holds them (the
 *          {@link Mailbox.heldIndex})        receiving thread); read once it is dead
 * word 23  reserved
 * word 24  records taken, wrapping          plain store by the consumer (release)
 * words 25..30  counters of the layers      plain stores by the receiving thread (or by
 *          above (see {@link Mailbox.stat})  whoever recovers the mailbox once it is dead)
 * word 31  reserved
 * ```
 *
 * The consumed cursor lets a new receiver take over from one that died (its Worker was
 * terminated) without reading again what the dead one had already taken: it starts there, and
 * zeroes the span between the published read cursor and it before publishing.
 *
 * The held counts are for the layers above: how many messages for this mailbox the receiving
 * thread holds outside the ring, in its own memory (ringmail's local mail and stash). Such messages die with the thread; the counts, in shared memory, do not, so whoever
 * recovers the mailbox after the thread died can account for them. Plain stores, on the line
 * the consumer writes anyway: no cost to producers, and none of the atomics a live reader would
 * need — they are read only once the writer is dead (its termination and the recovery after
 * it order them), and a new receiver's first store overwrites them.
 *
 * The two record counts tell how many records wait in the ring without walking it (committed
 * minus taken): an observer on another thread reads them, never stopping the consumer. The
 * producers' count costs an `Atomics.add` on the line their reservation already holds; the
 * consumer's is a plain store on its own line. The counters of the layers above (messages
 * handled, sent, failures; see `ActorStat`) are plain stores on the consumer's line too: one
 * writer each, read by observers as they stand.
 *
 * The consumer's line holds what the consumer reads on every record or empty look (the
 * senders-waiting count and the closed flag), so that a consumer waiting for work never pulls
 * the producers' line (the write cursor) away from them; the CLOSED bit in the write cursor
 * stays the truth, and the flag only says when to look at it.
 *
 * Senders that wait for space sleep on the space sequence rather than the read cursor, so that
 * close() (which cannot write the read cursor) changes the word they sleep on and none misses it.
 * A waiting sender first spins on the read cursor itself, for the bytes its record needs (which
 * costs the consumer nothing: it publishes the cursor at once while senders wait, or at the end
 * of a run it reads whole, see releaseInRun); only then does it write how many free bytes it
 * needs into the space-wanted word and sleep. The consumer, each time it publishes, wakes the
 * sleepers once that many bytes are free (or half the ring, if that is more: a sleeper then
 * wakes to room for several records, not one). A record that does not fit the tail thus gets in
 * as soon as the start of the ring is free, not when the ring is empty.
 *
 * The cursors count bytes and wrap at 2^32; a position in the ring is `cursor & (capacity - 1)`.
 * Records are 8-byte aligned, so bit 0 of the write cursor is free to mark the mailbox closed:
 * a reservation and a close then race on one word, and every reservation that succeeded
 * happened before the close. The consumer drains those, then reports the mailbox closed.
 *
 * The data ring is a sequence of records, each an 8-byte header and a payload padded to 8 bytes:
 *
 * ```
 * word 0  state and length: COMMITTED | RESERVED | PADDING | EXTERNAL flags, low 27 bits =
 *         payload length (for padding: the padding's whole size). 0 = nothing there yet.
 * word 1  producer id (the thread id of the producer)
 * word 2  EXTERNAL records only: the byte offset of the arena block holding the payload
 * ```
 *
 * A payload that cannot fit the ring goes EXTERNAL, if the producer's handle allows it
 * ({@link Mailbox.maxExternal}): the producer allocates an arena block for it before reserving,
 * the ring record only points to the block, and the consumer frees the block when it releases
 * the record. So small mailboxes never make ordinary large messages fail.
 *
 * A producer reserves space with one compare-exchange on the write cursor, then, in straight-line
 * code with no call or loop in between (so V8 cannot terminate the Worker between them), writes
 * its id and RESERVED with the length; it copies the payload; then one `Atomics.store` of the
 * header with COMMITTED publishes the record, and it rings the receiver's doorbell. A record that
 * would run past the end of the ring is preceded by a padding record that fills the tail.
 *
 * The consumer reads the header at its cursor: COMMITTED means the record is complete; anything
 * else means the ring is empty there, or a producer is between reserve and publish. Either way
 * the consumer waits on its doorbell (the publishing producer rings it), never spinning past its
 * spin policy, and never skips ahead, so order is kept. RESERVED with the producer's id tells the
 * layers above who is late, so a record from a producer known to be dead can be discarded.
 *
 * Two ways to be woken. A DIRECT mailbox's producers ring the receiver's bell after every
 * publish: for a thread that waits on one mailbox. A scheduled mailbox belongs to a thread that
 * serves many: the producer that finds it IDLE moves it to SCHEDULED (one compare-exchange, so
 * exactly one producer wins), pushes it onto the receiver's ready queue and rings; producers that
 * find it SCHEDULED do nothing more, because the receiver will get to it. The receiver, when it
 * has drained it, stores IDLE and then looks once more, so a record published in between is
 * never stranded. WAITING means the receiver is blocked on this very mailbox (an actor's
 * `receive`): producers then ring without queueing.
 *
 * The state shares one word with the doorbell's offset so that a producer's IDLE -> SCHEDULED
 * exchange succeeds only against the doorbell it read: a mailbox that was recycled to a receiver
 * on another thread, while a late producer was between its publish and its ring, can never be
 * pushed onto its previous receiver's queue.
 *
 * The consumer zeroes the bytes it consumed before it publishes its read cursor, so a header
 * position always reads 0 until a producer writes it. It publishes every quarter ring, when
 * producers wait for space (a consumer reading a run of records whole: when the run ends), and
 * before it waits for records (then it wakes the waiting producers, if any) — not after every
 * record: a record's line is then written by its producer alone until the bulk zeroing, which
 * halves the cache-line traffic of a ping-pong. Stepping over padding counts as consuming: never
 * holding a quarter ring unpublished means the consumer never reads a header it consumed but has
 * not zeroed yet (a whole ring ahead, the same place).
 *
 * @module
 */

import { copyBytes } from "../util/copy_bytes.ts";
import type { Arena, Flag } from "./arena.ts";
import { type Doorbell, NEXT_WORD, pushReady, ringBell, TSO } from "./doorbell.ts";
import { MailboxClosedError, MailboxFullError, MessageTooLargeError } from "./errors.ts";
import { heldRings, ringHeld } from "./held_rings.ts";
import { SpinPolicy } from "./spin_policy.ts";
import { waitWordAsync } from "./wait.ts";

const WORD_WRITE = 0;
const WORD_SENDERS_WAITING = 18;
const WORD_CLOSED_FLAG = 19;
const WORD_CONSUMED = 20;
const WORD_SPACE_WANTED = 21;
/**
 * The longest a sender blocked on a full mailbox sleeps before it looks at the ring again. The
 * receiver wakes sleepers only once half its ring is free (see #publish: a wake per record would
 * make a fan-in crawl); a receiver that stops reading after it freed the room a record needs,
 * but less than half the ring (a long handler), would leave it asleep for its whole send
 * timeout. Naps from 1 ms, doubling, bound that wait, at the cost of a look per nap to the
 * sender alone.
 */
const SENDER_NAP_MAX_MS = 16;
/**
 * How long {@link Mailbox.forEachWaiting} waits for the header of a record reserved a moment ago:
 * its producer stores it right after the reservation, unless it was preempted there (or died).
 */
const HEADER_WAIT_MS = 5;
const WORD_HELD = 22;
const WORD_COMMITTED = 1;
const WORD_TAKEN = 24;
const WORD_STATS = 25;
/** How many counters of the layers above a mailbox has (see {@link Mailbox.stat}). */
export const MAILBOX_STATS = 6;
/** How many held counts a mailbox has (see {@link Mailbox.heldIndex}). */
export const HELD_COUNTS = 1;
const WORD_CAPACITY = 2;
const WORD_DATA = 3;
const WORD_RECEIVER = 4;
const WORD_NUMBER = 5;
const STATE_MASK = 3;
const WORD_READ = 16;
const WORD_SPACE = 17;
/** First header word (of 7..15) that the layers above may use. */
export const MAILBOX_USER_WORD = 7;
if (NEXT_WORD !== 6) {
  throw new Error("mailbox header layout and ready-queue link disagree");
}

/** Schedule word: not queued, no records seen since the receiver last looked. */
const IDLE = 0;
/** Schedule word: in the receiver's ready queue, or being drained right now. */
const SCHEDULED = 1;
/** Schedule word: the receiver is blocked waiting on this mailbox alone. */
const WAITING = 2;
/** Schedule word: the receiver waits on this mailbox alone; ring after every publish. */
const DIRECT = 3;
/** Bytes of a mailbox header block. */
export const MAILBOX_HEADER_BYTES = 128;

const CLOSED = 1;
const COMMITTED = 1 << 30;
const RESERVED = 1 << 29;
const PADDING = 1 << 28;
const EXTERNAL = 1 << 27;
const LENGTH_MASK = EXTERNAL - 1;
/** Ring bytes of an external record's payload: the block's offset, and a spare word. */
const EXTERNAL_RECORD_PAYLOAD = 8;
/** Bytes of a record header. */
export const RECORD_HEADER_BYTES = 8;
/** Smallest and largest data ring, in bytes. */
export const MIN_CAPACITY = 64;
export const MAX_CAPACITY = 1 << 27;
/** The largest message a mailbox can take at all (as an external record). */
export const MAX_MESSAGE = LENGTH_MASK;

/** {@link Mailbox.read}'s result when no complete record is at the read cursor. */
export const EMPTY = -1;
/** {@link Mailbox.read}'s result once the mailbox is closed and every record was read. */
export const CLOSED_AND_DRAINED = -2;

/** How to make a mailbox. */
export interface MailboxOptions {
  /** Bytes in the data ring: a power of two from 64 to 2^28. Default 65536. */
  capacity?: number;
}

/** How a receiver binds to a mailbox. */
export interface BindOptions {
  /** Whether the mailbox is one of many its receiver serves through its ready queue. */
  scheduled?: boolean;
  /** The receiver's spin policy (one per thread is best). Default: a new one. */
  spin?: SpinPolicy;
}

/** Options of a receive that may wait. */
export interface ReceiveOptions {
  /** Milliseconds to wait for a record; default: forever. */
  timeout?: number;
  /** Stops the wait; the receive then resolves to `null` like a timeout. */
  signal?: AbortSignal;
}

/** Options of a send that may wait for space. */
export interface SendOptions {
  /** Milliseconds to wait for space before `MailboxFullError`; default: forever. */
  timeout?: number;
  /** Stops the wait; the send then fails with `MailboxFullError` like a timeout. */
  signal?: AbortSignal;
}

/** This thread's spin policy for senders waiting for space (a full mailbox is the slow path). */
const senderSpin = new SpinPolicy({ maxSpins: 4000 });

function checkUserWord(word: number): number {
  if (!(Number.isInteger(word) && word >= MAILBOX_USER_WORD && word < 16)) {
    throw new RangeError(
      `header words for the layers above are ${MAILBOX_USER_WORD} to 15, not ${word}`,
    );
  }
  return word;
}

/** Bytes a record of `length` payload bytes takes in the ring. */
export function recordBytes(length: number): number {
  return (RECORD_HEADER_BYTES + length + 7) & ~7;
}

/**
 * One thread's handle on a mailbox. Producer methods may be called from any thread, each with
 * its own handle; consumer methods ({@link bindReceiver}, {@link read}, {@link release},
 * {@link hasRecord}, `receive*`) only from the one thread that bound the receiver.
 */
/** What a waiting receiver checks: made once per handle that waits. */
interface WaitPredicates {
  readonly hasRecord: () => boolean;
  readonly hasRecordOrClosed: () => boolean;
}

/** What a handle keeps after a send found the ring full, for the retry. */
class SendRetry {
  /**
   * The free bytes the send needed, and the read cursor that would have given them (with the
   * write cursor it saw).
   */
  wantedBytes = 0;
  wantedRead = 0;
  /** A block allocated for an external record that found the ring full: kept for the retry. */
  externalBlock = 0;
  externalSize = 0;
}

export class Mailbox {
  /** Byte offset of the header block in the arena: what identifies the mailbox across threads. */
  readonly offset: number;
  /**
   * Index in the arena's Int32 view of the header's word 0. Worked out, like {@link maxPayload}
   * and the ring's mask, not stored: a thread may hold a handle for each of 100k actors, and
   * every word of a handle is copied by the young generation's GC (each handle is made for an
   * actor that lives on). A private method, not a private getter: V8 inlines the one and calls
   * the other (~3.5 ns an access, measured; two counters a message were ~8% of a same-Worker
   * ping-pong).
   */
  #h(): number {
    return this.offset >> 2;
  }
  /**
   * The bytes of the whole arena (shared): a record's payload is at `recordStart`, and
   * {@link reserve} returns where to write one. One view of the arena serves every mailbox of
   * a thread, so a handle costs no views of its own, and a decoder reading many mailboxes
   * keeps one DataView.
   */
  get bytes(): Uint8Array {
    return this.#arena.u8;
  }
  /** Bytes in the data ring. */
  readonly capacity: number;

  /** Byte offset of the data ring in the arena (in {@link bytes}). */
  get dataOffset(): number {
    return this.#base;
  }
  /** The largest payload this mailbox can ever hold. */
  get maxPayload(): number {
    return this.capacity - RECORD_HEADER_BYTES;
  }
  /** The id this handle writes into the records it reserves. */
  readonly producerId: number;
  /**
   * The largest payload this handle sends as an external record (in an arena block) when it
   * does not fit the ring; 0: never (a payload that does not fit fails).
   */
  maxExternal = 0;
  /** After {@link read} returned a length: where that record's payload starts in `bytes`. */
  recordStart = 0;
  /** Records this receiver skipped because their producer died before publishing them. */
  abandoned = 0;
  /**
   * The doorbell of this handle's own thread, when that thread's receiver takes the mailboxes
   * this very thread makes ready itself (see Doorbell.readyHere): a send between two actors of
   * one thread then costs no ready-queue atomics and no bell. Null: every mailbox made ready
   * goes through its receiver's shared ready queue. Set by the thread that owns the handle.
   */
  ownDoorbell: Doorbell | null = null;
  /**
   * Whether this handle's ring waits for the end of its thread's receive-loop run (see
   * held_rings.ts): for a handle many records go through in a run, to a receiver that takes
   * them together (a Worker's handle on the outbox). Set by the thread that owns the handle.
   */
  holdsRings = false;
  /** Whether this handle's ring waits in its thread's held rings now. */
  #ringHeld = false;

  readonly #arena: Arena;
  /** Byte offset of the data ring in the arena. */
  readonly #base: number;
  /** The ring's positions wrap with this mask. */
  #mask(): number {
    return this.capacity - 1;
  }
  // Producer-side state of this handle.
  #writeGuess = 0;
  #knownRead = 0;
  #reservedAt = -1;
  #reservedLength = 0;
  #reservedFlags = 0;
  /** What a send that found the ring full keeps for its retry; made then (most never do). */
  #retry: SendRetry | null = null;
  /** The last doorbell this handle rang, and its line view. */
  #bellOffset = 0;
  #bell: Int32Array | null = null;
  // Consumer-side state (only on the receiving thread's handle).
  #readCursor = 0;
  #publishedRead = 0;
  /** Ring bytes of the record `read` returned, for `release`. */
  #readBytes = 0;
  /** The arena block of the external record `read` returned (0: none), freed by `release`. */
  #readBlock = 0;
  #readBlockSize = 0;
  #receiver: Doorbell | null = null;
  #spin: SpinPolicy | null = null;
  /**
   * Predicates for spinning and parking, made when this handle first waits for a record: a
   * thread may hold 100k handles, and most never wait themselves (a scheduled receiver's
   * thread waits on its doorbell instead).
   */
  #waitPredicates: WaitPredicates | null = null;

  #predicates(): WaitPredicates {
    return this.#waitPredicates ??= {
      hasRecord: () => this.hasRecord(),
      hasRecordOrClosed: () => this.hasRecord() || this.#drainedAndClosed(),
    };
  }

  protected constructor(arena: Arena, offset: number, producerId: number) {
    this.#arena = arena;
    this.offset = offset;
    this.producerId = producerId;
    arena.cover(offset + MAILBOX_HEADER_BYTES);
    this.capacity = Atomics.load(arena.i32, (offset >> 2) + WORD_CAPACITY);
    const data = Atomics.load(arena.i32, (offset >> 2) + WORD_DATA);
    if (this.capacity < MIN_CAPACITY || data === 0) {
      throw new TypeError(`no mailbox at arena offset ${offset}`);
    }
    this.#base = data;
    arena.cover(data + this.capacity);
    this.#knownRead = Atomics.load(this.#arena.i32, this.#h() + WORD_READ);
  }

  /**
   * Allocates a new, open mailbox in the arena.
   * @throws {RangeError} when the capacity is not a power of two from 64 to 2^28.
   */
  static create(
    arena: Arena,
    options: MailboxOptions = {},
    producerId = 0,
  ): Mailbox {
    return new Mailbox(arena, Mailbox.allocate(arena, options), producerId);
  }

  /**
   * Allocates a new, open mailbox in the arena, for a handle of a subclass to attach to.
   * @returns the byte offset of its header.
   * @throws {RangeError} when the capacity is not a power of two from 64 to 2^28.
   */
  static allocate(arena: Arena, options: MailboxOptions = {}): number {
    const capacity = options.capacity ?? 1 << 16;
    if (
      !Number.isInteger(capacity) || capacity < MIN_CAPACITY ||
      capacity > MAX_CAPACITY ||
      (capacity & (capacity - 1)) !== 0
    ) {
      throw new RangeError(
        `mailbox capacity must be a power of two from ${MIN_CAPACITY} to ${MAX_CAPACITY}, got ${capacity}`,
      );
    }
    const header = arena.allocate(MAILBOX_HEADER_BYTES);
    const data = arena.allocate(capacity);
    arena.cover(header + MAILBOX_HEADER_BYTES);
    arena.i32[(header >> 2) + WORD_CAPACITY] = capacity;
    arena.i32[(header >> 2) + WORD_NUMBER] = arena.numberMailbox();
    Atomics.store(arena.i32, (header >> 2) + WORD_DATA, data);
    return header;
  }

  /**
   * The number of the mailbox whose header is at `offset`, from 1, dense (mailboxes are made
   * whole and never handed back to the arena while a system runs: see mailbox_pool.ts): a thread
   * keeps its handles by number in an array rather than by offset in a Map. Whatever is at an
   * offset that holds no mailbox header is no number: check the handle found (its offset).
   */
  static numberAt(arena: Arena, offset: number): number {
    arena.cover(offset + MAILBOX_HEADER_BYTES);
    return arena.i32[(offset >> 2) + WORD_NUMBER];
  }

  /** A handle on an existing mailbox, for a thread that got its offset from another thread. */
  static attach(arena: Arena, offset: number, producerId = 0): Mailbox {
    return new Mailbox(arena, offset, producerId);
  }

  /**
   * Returns the mailbox's memory to the arena. Only when no thread will touch it again: after
   * it was closed and drained, and every handle on it is dropped.
   */
  free(): void {
    this.#arena.free(
      Atomics.load(this.#arena.i32, this.#h() + WORD_DATA),
      this.capacity,
    );
    this.#arena.free(this.offset, MAILBOX_HEADER_BYTES);
  }

  /**
   * Reads header word `word` of the layers above (MAILBOX_USER_WORD to 15), atomically.
   * @throws {RangeError} for a word the ring layer uses.
   */
  userWord(word: number): number {
    return Atomics.load(this.#arena.i32, this.#h() + checkUserWord(word));
  }

  /**
   * Writes header word `word` of the layers above (MAILBOX_USER_WORD to 15), atomically.
   * @throws {RangeError} for a word the ring layer uses.
   */
  setUserWord(word: number, value: number): void {
    Atomics.store(this.#arena.i32, this.#h() + checkUserWord(word), value);
  }

  /**
   * Where held count `which` (below {@link HELD_COUNTS}) of this mailbox is in the arena's `i32` view: a count of
   * messages the thread holding them keeps for this mailbox outside the ring, which that thread
   * alone writes, with plain stores, so that they are accounted for if it dies (see the layout).
   * @throws {RangeError} for a count that does not exist.
   */
  heldIndex(which: number): number {
    if (!(Number.isInteger(which) && which >= 0 && which < HELD_COUNTS)) {
      throw new RangeError(
        `a mailbox has held counts 0 to ${HELD_COUNTS - 1}, not ${which}`,
      );
    }
    return this.#h() + WORD_HELD + which;
  }

  /** The view of the arena that {@link heldIndex} indexes; it covers this mailbox. */
  get heldWords(): Int32Array {
    return this.#arena.i32;
  }

  /**
   * The messages held for this mailbox outside the ring, all counts together. Exact only once
   * the threads that hold them are dead (or when they are this one).
   */
  get held(): number {
    let held = 0;
    for (let which = 0; which < HELD_COUNTS; which++) {
      held += Atomics.load(this.#arena.i32, this.#h() + WORD_HELD + which);
    }
    return held;
  }

  /** Zeroes the held counts: the messages they counted were accounted for. */
  clearHeld(): void {
    for (let which = 0; which < HELD_COUNTS; which++) {
      Atomics.store(this.#arena.i32, this.#h() + WORD_HELD + which, 0);
    }
  }

  /** How many producers are blocked waiting for space (can be stale by the time you look). */
  get sendersWaiting(): number {
    return Atomics.load(this.#arena.i32, this.#h() + WORD_SENDERS_WAITING);
  }

  /** The room, in bytes, that a sender asleep on this full mailbox waits for (0: none sleeps). */
  get spaceWanted(): number {
    return Atomics.load(this.#arena.i32, this.#h() + WORD_SPACE_WANTED);
  }

  /** The byte offset of the doorbell of the thread that receives from this mailbox; 0: none. */
  get receiverDoorbell(): number {
    return Atomics.load(this.#arena.i32, this.#h() + WORD_RECEIVER) & ~STATE_MASK;
  }

  /** Whether this handle is the mailbox's receiver (see {@link bindReceiver}). */
  get bound(): boolean {
    return this.#receiver !== null;
  }

  /** Whether the mailbox was closed (later sends fail; the consumer may still be draining). */
  /**
   * The mailbox's closed bit as a {@link Flag}: a thread may test it with a plain read, as often
   * as after every message (`closed` is an atomic load).
   */
  closedFlag(): Flag {
    return {
      words: this.#arena.i32,
      index: this.#h() + WORD_WRITE,
      mask: CLOSED,
    };
  }

  get closed(): boolean {
    return (Atomics.load(this.#arena.i32, this.#h() + WORD_WRITE) & CLOSED) !== 0;
  }

  /**
   * Records committed and not yet taken by the consumer: what waits in the ring, as an
   * observer on any thread sees it (it can be stale by the time you look).
   */
  get recordsWaiting(): number {
    const words = this.#arena.i32;
    const waiting = (Atomics.load(words, this.#h() + WORD_COMMITTED) -
      Atomics.load(words, this.#h() + WORD_TAKEN)) | 0;
    return waiting > 0 ? waiting : 0;
  }

  /**
   * Counter `which` (0 to {@link MAILBOX_STATS} - 1) of the layers above, as it stands. Each is
   * written by one thread at a time — the receiving thread, or whoever recovers the mailbox
   * once that thread is dead — with plain stores (see {@link countStat}).
   */
  stat(which: number): number {
    return Atomics.load(this.#arena.i32, this.#h() + WORD_STATS + which) >>> 0;
  }

  /** Adds `by` to counter `which` (see {@link stat}); only its one writer may. */
  countStat(which: number, by = 1): void {
    const words = this.#arena.i32;
    words[this.#h() + WORD_STATS + which] = (words[this.#h() + WORD_STATS + which] + by) | 0;
  }

  /** Sets counter `which` to `value` (see {@link stat}); only its one writer may. */
  setStat(which: number, value: number): void {
    this.#arena.i32[this.#h() + WORD_STATS + which] = value | 0;
  }

  /**
   * Bytes of the records reserved and not yet taken, as an observer on any thread sees them:
   * unlike {@link usedBytes}, it counts what the consumer has read but not yet handed back.
   */
  get bytesWaiting(): number {
    const words = this.#arena.i32;
    const waiting = ((Atomics.load(words, this.#h() + WORD_WRITE) & ~CLOSED) -
      Atomics.load(words, this.#h() + WORD_CONSUMED)) | 0;
    return waiting > 0 ? waiting : 0;
  }

  /**
   * Calls `visit` with each committed record that waits, untaken, from where the last receiver
   * stopped taking (its consumed cursor, word 20) up to the write cursor, in order; takes none.
   * `visit(bytes, start, end)` gets the payload as `bytes[start, end)`, valid only during the
   * call. A record still being written (RESERVED, its length in its header) is stepped over: the
   * producer writing it is another thread, and what it sends is not the caller's to find. One
   * whose header is not written yet (a reservation a moment old: its producer is between two
   * stores) is waited for, up to {@link HEADER_WAIT_MS}; one that stays unwritten (its producer
   * died there) ends the walk. Only while no thread takes from this mailbox (its receiver died
   * and was fenced off, the next is not bound yet): a live receiver frees and zeroes what it
   * reads.
   */
  forEachWaiting(visit: (bytes: Uint8Array, start: number, end: number) => void): void {
    const words = this.#arena.i32;
    const base = this.#base;
    const mask = this.#mask();
    const read = Atomics.load(words, this.#h() + WORD_READ);
    const consumed = Atomics.load(words, this.#h() + WORD_CONSUMED);
    const ahead = (consumed - read) | 0;
    let cursor = ahead > 0 && ahead <= this.capacity ? consumed : read;
    const write = this.writePosition();
    while (((write - cursor) | 0) > 0) {
      const position = cursor & mask;
      const at = (base + position) >> 2;
      let head = Atomics.load(words, at);
      if (head === 0) {
        const until = performance.now() + HEADER_WAIT_MS;
        for (let spins = 1; head === 0; spins++) {
          if ((spins & 255) === 0 && performance.now() > until) return;
          head = Atomics.load(words, at);
        }
      }
      if ((head & (COMMITTED | RESERVED)) === 0) return;
      const length = head & LENGTH_MASK;
      if ((head & PADDING) !== 0) {
        if (length < RECORD_HEADER_BYTES) return; // no padding is that short: not a record
        cursor = (cursor + length) | 0;
        continue;
      }
      const external = (head & EXTERNAL) !== 0;
      if ((head & COMMITTED) !== 0) {
        if (external) {
          const block = words[at + 2];
          this.#arena.cover(block + length);
          visit(this.#arena.u8, block, block + length);
        } else {
          const start = base + position + RECORD_HEADER_BYTES;
          visit(this.#arena.u8, start, start + length);
        }
      }
      cursor = (cursor + recordBytes(external ? EXTERNAL_RECORD_PAYLOAD : length)) | 0;
    }
  }

  /** Bytes reserved and not yet released by the consumer (can be stale by the time you look). */
  get usedBytes(): number {
    return ((Atomics.load(this.#arena.i32, this.#h() + WORD_WRITE) & ~CLOSED) -
      Atomics.load(this.#arena.i32, this.#h() + WORD_READ)) | 0;
  }

  // ---- producer side -------------------------------------------------------------------------

  /**
   * Reserves room for a record of `length` bytes. On success returns where the payload goes in
   * {@link bytes}; write it there, then call {@link commit} — until then the consumer waits at
   * this record, so keep the two close. Returns -1 when the mailbox is full.
   * @throws {MailboxClosedError} when the mailbox is closed.
   * @throws {MessageTooLargeError} when `length` can never fit.
   */
  reserve(length: number): number {
    let need = recordBytes(length);
    let flags = 0;
    let block = 0;
    if (need > this.capacity || length > LENGTH_MASK) {
      if (length > this.maxExternal || length > LENGTH_MASK) {
        throw this.#tooLarge(length);
      }
      // Allocated before reserving: nothing between the reservation and its header may loop.
      block = this.#externalFor(length);
      flags = EXTERNAL;
      need = recordBytes(EXTERNAL_RECORD_PAYLOAD);
    }
    const words = this.#arena.i32;
    const header = words;
    const h = this.#h();
    const base = this.#base;
    const capacity = this.capacity;
    // Start from where this handle last wrote: the exchange returns the true cursor if it moved,
    // so a reservation costs one atomic operation when this producer is alone, and a stale guess
    // is never ahead of the truth (so it never makes the ring look full when it is not).
    let write = this.#writeGuess;
    for (;;) {
      if ((write & CLOSED) !== 0) throw this.#closedForSender();
      const position = write & this.#mask();
      const tail = capacity - position;
      // A record never wraps: if it does not fit before the end, first fill the tail with padding.
      const size = need <= tail ? need : tail;
      const used = (write - this.#knownRead) | 0;
      if (used < 0 || used + size > capacity) {
        this.#knownRead = Atomics.load(header, h + WORD_READ);
        if (((write - this.#knownRead) | 0) + size > capacity) {
          // Full by this handle's guess of the write cursor, which may predate a close: a
          // sender must not wait for room in a mailbox that was closed under it.
          const current = Atomics.load(header, h + WORD_WRITE);
          if ((current & CLOSED) !== 0) throw this.#closedForSender();
          if (current !== write) {
            // Others wrote since: judge by the true cursor, so what a waiting sender waits
            // for (below) is the room it really needs.
            write = current;
            continue;
          }
          const retry = this.#retry ??= new SendRetry();
          retry.wantedBytes = size;
          retry.wantedRead = (write + size - capacity) | 0;
          return -1; // a block stays for the retry
        }
      }
      const seen = Atomics.compareExchange(
        header,
        h + WORD_WRITE,
        write,
        (write + size) | 0,
      );
      if (seen !== write) {
        // Others wrote since this handle last did: its idea of the read cursor may be ancient
        // (2^31 bytes of traffic make the wrapped difference lie), so look again.
        write = seen;
        this.#knownRead = Atomics.load(header, h + WORD_READ);
        continue;
      }
      write = this.#writeGuess = (write + size) | 0;
      const word = (base + position) >> 2;
      words[word + 1] = this.producerId;
      if (size !== need) {
        Atomics.store(words, word, COMMITTED | PADDING | size);
        // The consumer must step over the padding to free the tail, even if we find no room now.
        this.#ring();
        continue;
      }
      if (flags !== 0) words[word + 2] = block;
      // A plain store: RESERVED only helps the layers above find a dead producer, and the
      // COMMITTED store below is what publishes; a full barrier here costs every message.
      words[word] = RESERVED | flags | length;
      this.#reservedAt = word;
      this.#reservedLength = length;
      this.#reservedFlags = flags;
      if (flags === 0) return base + position + RECORD_HEADER_BYTES;
      this.#retry!.externalBlock = 0; // made by #externalFor
      return block;
    }
  }

  /**
   * Throws what {@link reserve} would for a payload of `length` bytes that this handle can
   * never send; for senders that deliver without reserving (ringmail's sends within a thread).
   * @throws {MessageTooLargeError} when `length` can never fit.
   */
  checkSize(length: number): void {
    if (recordBytes(length) > this.capacity || length > LENGTH_MASK) {
      if (length > this.maxExternal || length > LENGTH_MASK) {
        throw this.#tooLarge(length);
      }
    }
  }

  /** Publishes the record from the last successful {@link reserve} and rings the receiver. */
  commit(): void {
    const at = this.#reservedAt;
    if (at < 0) throw new TypeError("commit() without a reserve() before it");
    this.#reservedAt = -1;
    Atomics.store(
      this.#arena.i32,
      at,
      COMMITTED | this.#reservedFlags | this.#reservedLength,
    );
    Atomics.add(this.#arena.i32, this.#h() + WORD_COMMITTED, 1);
    this.#ring();
  }

  /**
   * Sends `source[start..end)` if there is room now.
   * @returns false when the mailbox is full.
   * @throws {MailboxClosedError} when the mailbox is closed.
   * @throws {MessageTooLargeError} when the record can never fit.
   * @throws {RangeError} when `start..end` is not a range of `source` (checked before anything
   * is reserved: a reservation never committed would hold the ring up).
   */
  trySend(source: Uint8Array, start = 0, end: number = source.length): boolean {
    if (!(start >= 0 && start <= end && end <= source.length)) {
      throw new RangeError(
        `cannot send bytes ${start} to ${end} of a ${source.length}-byte source`,
      );
    }
    const length = end - start;
    const at = this.reserve(length);
    if (at < 0) return false;
    copyBytes(this.bytes, at, source, start, length);
    this.commit();
    return true;
  }

  /**
   * Sends `source[start..end)`, blocking this thread while the mailbox is full, for at most
   * `timeoutMs` milliseconds. `giveUp`, asked after each nap, may end the wait early: when only
   * this very thread could now make room (see Posting), waiting would last the whole timeout.
   * @returns true once sent; false when `giveUp` ended the wait (nothing was sent).
   * @throws {MailboxFullError} when there was no room before the timeout.
   * @throws {MailboxClosedError} when the mailbox is closed, before or while waiting.
   * @throws {MessageTooLargeError} when the record can never fit.
   */
  send(
    source: Uint8Array,
    timeoutMs = Infinity,
    start = 0,
    end: number = source.length,
    giveUp?: () => boolean,
  ): boolean {
    if (this.trySend(source, start, end)) return true;
    // The receiver frees room only once it knows of what this thread sent it.
    ringHeld();
    const deadline = performance.now() + timeoutMs;
    Atomics.add(this.#arena.i32, this.#h() + WORD_SENDERS_WAITING, 1);
    try {
      const words = this.#arena.i32;
      const spaceWord = this.#h() + WORD_SPACE;
      const readWord = this.#h() + WORD_READ;
      // The room this record needs: the read cursor is watched, not the space sequence, so the
      // receiver hands room to a spinning sender without a notify. (A close is seen when the
      // spin ends: the sequence it bumps then stops the sleep.)
      const room = () => ((Atomics.load(words, readWord) - this.#retry!.wantedRead) | 0) >= 0;
      let nap = 1;
      for (;;) {
        const space = Atomics.load(words, spaceWord);
        if (this.trySend(source, start, end)) return true;
        // The receiver is most likely draining right now: a short spin for the space it frees
        // beats a futex wake (~50 µs) each time the ring fills.
        if (senderSpin.spin(room)) continue;
        const remaining = deadline - performance.now();
        if (!(remaining > 0)) throw this.#fullError(end - start, timeoutMs);
        // Say how much room would do, then look once more: the receiver may have freed it
        // before it could see what we want (it wakes us only for what it sees).
        this.#wantSpace();
        if (this.trySend(source, start, end)) return true;
        const parkedAt = performance.now();
        Atomics.wait(words, spaceWord, space, Math.min(remaining, nap));
        nap = Math.min(nap * 2, SENDER_NAP_MAX_MS);
        senderSpin.parked(performance.now() - parkedAt);
        // Given up: one last look, then nothing is sent.
        if (giveUp?.() === true) return this.trySend(source, start, end);
      }
    } finally {
      Atomics.sub(this.#arena.i32, this.#h() + WORD_SENDERS_WAITING, 1);
    }
  }

  /**
   * Sends `source[start..end)`, waiting without blocking the thread while the mailbox is full.
   * The bytes are copied before this returns, so the caller may reuse `source` at once.
   * @throws {MailboxFullError} when there was no room before the timeout or the abort.
   * @throws {MailboxClosedError} when the mailbox is closed, before or while waiting.
   * @throws {MessageTooLargeError} when the record can never fit.
   */
  async sendAsync(
    source: Uint8Array,
    options: SendOptions = {},
    start = 0,
    end: number = source.length,
  ): Promise<void> {
    if (this.trySend(source, start, end)) return;
    const copy = source.slice(start, end);
    const timeout = options.timeout ?? Infinity;
    const deadline = performance.now() + timeout;
    // Room seen by the wait may be taken by another sender first: then it waits again.
    do {
      await this.#roomAsync(copy.length, deadline, timeout, options.signal);
    } while (!this.trySend(copy));
  }

  /**
   * Resolves once there may be room for a record of `length` bytes, without blocking the thread
   * or sending anything: for a sender that keeps its records and sends them itself as room comes
   * (another sender may still take the room first: look again with {@link trySend}). While it
   * waits, the receiver publishes its progress at once, or as its run ends (see the layout
   * notes), so a sender that also looks for room on its own (while it polls for something else)
   * sees it early.
   * @throws {MailboxFullError} when no room came before the timeout or the abort.
   * @throws {MailboxClosedError} when the mailbox is closed, before or while waiting.
   * @throws {MessageTooLargeError} when the record can never fit.
   */
  waitForRoomAsync(length: number, options: SendOptions = {}): Promise<void> {
    const timeout = options.timeout ?? Infinity;
    return this.#roomAsync(
      length,
      performance.now() + timeout,
      timeout,
      options.signal,
    );
  }

  async #roomAsync(
    length: number,
    deadline: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.checkSize(length);
    ringHeld(); // as in send()
    const words = this.#arena.i32;
    Atomics.add(words, this.#h() + WORD_SENDERS_WAITING, 1);
    try {
      for (;;) {
        const space = Atomics.load(words, this.#h() + WORD_SPACE);
        if (this.#fits(length)) return;
        const remaining = deadline - performance.now();
        if (!(remaining > 0) || signal?.aborted) {
          throw this.#fullError(length, timeout);
        }
        this.#wantSpace(); // then look again, as send() does
        if (this.#fits(length)) return;
        // No naps here, unlike send(): an async wait that runs out releases itself with a notify
        // on the word, which would wake every sender asleep on it at each nap. The thread that
        // waits so (the system's) looks at its backlogs often anyway (see Backlogs).
        await waitWordAsync(words, this.#h() + WORD_SPACE, space, remaining, signal);
      }
    } finally {
      Atomics.sub(words, this.#h() + WORD_SENDERS_WAITING, 1);
    }
  }

  /**
   * Whether {@link reserve} would make progress with a record of `length` bytes now: room for
   * it, or for the padding it puts first in a tail too short for it. If not, notes the room it
   * wants (see #wantSpace).
   * @throws {MailboxClosedError} when the mailbox is closed.
   */
  #fits(length: number): boolean {
    const words = this.#arena.i32;
    const write = Atomics.load(words, this.#h() + WORD_WRITE);
    if ((write & CLOSED) !== 0) throw this.#closedForSender();
    const capacity = this.capacity;
    let need = recordBytes(length);
    if (need > capacity) need = recordBytes(EXTERNAL_RECORD_PAYLOAD);
    // As reserve: a record that does not fit the tail first needs room for the tail's padding.
    const tail = capacity - (write & this.#mask());
    const size = need <= tail ? need : tail;
    const read = Atomics.load(words, this.#h() + WORD_READ);
    if (((write - read) | 0) + size <= capacity) return true;
    const retry = this.#retry ??= new SendRetry();
    retry.wantedBytes = size;
    retry.wantedRead = (write + size - capacity) | 0;
    return false;
  }

  /**
   * Closes the mailbox: later sends fail with `MailboxClosedError`; the consumer still reads
   * every record sent before, then sees the mailbox closed. Wakes the receiver and every sender
   * waiting for space. Any thread may close; closing twice is harmless.
   */
  close(): void {
    Atomics.or(this.#arena.i32, this.#h() + WORD_WRITE, CLOSED);
    Atomics.store(this.#arena.i32, this.#h() + WORD_CLOSED_FLAG, 1);
    this.#wakeSenders();
    this.#ringReceiver();
  }

  /** Rings the receiver now (a held ring's turn, see held_rings.ts). */
  ringNow(): void {
    this.#ringHeld = false;
    this.#ringReceiver();
  }

  #ring(): void {
    if (this.holdsRings && heldRings.holding) {
      if (!this.#ringHeld) {
        this.#ringHeld = true;
        heldRings.waiting.push(this);
      }
      return;
    }
    this.#ringReceiver();
  }

  #ringReceiver(): void {
    const header = this.#arena.i32;
    const h = this.#h();
    // The wake-up protocol needs this load ordered after the publishing store. On x86 V8's
    // Atomics.store is an xchg, a full fence (and a call the compiler cannot move loads
    // across), so a plain load is enough and spares an Atomics call (~8 ns, as much as the
    // rest of the send); elsewhere (arm64's stlr) only Atomics.load is.
    const receiver = TSO ? header[h + WORD_RECEIVER] : Atomics.load(header, h + WORD_RECEIVER);
    const bellOffset = receiver & ~STATE_MASK;
    if (bellOffset === 0) return; // no receiver yet: it looks at the ring when it binds
    const state = receiver & STATE_MASK;
    if (state === SCHEDULED) return; // the receiver will get to it
    if (bellOffset !== this.#bellOffset) {
      this.#bell = this.#arena.lineView(bellOffset);
      this.#bellOffset = bellOffset;
    }
    const bell = this.#bell!;
    if (state === IDLE) {
      if (
        Atomics.compareExchange(
          header,
          h + WORD_RECEIVER,
          receiver,
          bellOffset | SCHEDULED,
        ) !==
          receiver
      ) {
        return; // another producer queued it, or it was rebound: either way not ours to queue
      }
      // Made ready by its own receiver's thread: straight into that receiver's own queue.
      const own = this.ownDoorbell;
      if (own !== null && own.offset === bellOffset) {
        own.readyHere(this.offset);
        return;
      }
      pushReady(this.#arena.words, bell, this.offset);
    }
    const here = this.#arena.ownBell;
    if (here !== null && here.offset === bellOffset) here.wakeHere();
    else ringBell(bell, 0);
  }

  /**
   * Lowers the space-wanted word to what this handle's last failed reservation needed, so the
   * consumer wakes the sleeping senders once that much is free. Senders only, before they sleep.
   */
  #wantSpace(): void {
    const words = this.#arena.i32;
    const word = this.#h() + WORD_SPACE_WANTED;
    const wanted = this.#retry!.wantedBytes;
    for (;;) {
      const current = Atomics.load(words, word);
      if (current !== 0 && current <= wanted) return;
      if (Atomics.compareExchange(words, word, current, wanted) === current) {
        return;
      }
    }
  }

  /** An arena block for an external payload of `length` bytes (reused from a full-ring retry). */
  #externalFor(length: number): number {
    const retry = this.#retry ??= new SendRetry();
    if (retry.externalBlock !== 0) {
      if (retry.externalSize === length) return retry.externalBlock;
      this.#arena.free(retry.externalBlock, retry.externalSize);
      retry.externalBlock = 0;
    }
    const block = this.#arena.allocate(length, false);
    this.#arena.cover(block + length);
    retry.externalBlock = block;
    retry.externalSize = length;
    return block;
  }

  #tooLarge(length: number): MessageTooLargeError {
    if (this.maxExternal > this.maxPayload) {
      return new MessageTooLargeError(
        length,
        Math.min(this.maxExternal, LENGTH_MASK),
        "a message (the largest a mailbox takes: raise maxMessageBytes to send larger ones)",
      );
    }
    return new MessageTooLargeError(
      length,
      this.maxPayload,
      `a mailbox of ${this.capacity} bytes`,
    );
  }

  /**
   * The error for a send into a closed mailbox. The block kept for a large record's retry goes
   * back to the arena (see dropRetryBlock).
   */
  #closedForSender(): MailboxClosedError {
    this.dropRetryBlock();
    return this.#closedError();
  }

  /**
   * A send is over without its record (the mailbox closed, stayed full past the timeout, or the
   * sender dropped or refused the record on a full ring): the block kept for a large record's
   * retry (see #externalFor) goes back to the arena. Kept, it stayed pinned to this handle until
   * it sent another large record, which it may never do. Senders only.
   */
  dropRetryBlock(): void {
    const retry = this.#retry;
    if (retry !== null && retry.externalBlock !== 0) {
      this.#arena.free(retry.externalBlock, retry.externalSize);
      retry.externalBlock = 0;
    }
  }

  #closedError(): MailboxClosedError {
    return new MailboxClosedError(
      `mailbox at arena offset ${this.offset} is closed: its receiver stopped; send no more to it`,
    );
  }

  #fullError(length: number, timeoutMs: number): MailboxFullError {
    this.dropRetryBlock();
    return new MailboxFullError(
      `mailbox at arena offset ${this.offset} (${this.capacity} bytes) stayed full for ` +
        `${timeoutMs} ms; a record of ${length} bytes was not sent: its receiver is slower than ` +
        `its senders — give it a larger capacity or send less`,
    );
  }

  // ---- consumer side -------------------------------------------------------------------------

  /**
   * Makes this handle the mailbox's consumer, woken through `doorbell` (owned by this thread).
   * Call once, on the receiving thread, before receiving. With `scheduled`, the mailbox goes
   * through the doorbell's ready queue (see {@link Doorbell.nextReady}) instead of being waited
   * on alone; records already sent queue it at once.
   */
  bindReceiver(doorbell: Doorbell, options: BindOptions = {}): void {
    this.#receiver = doorbell;
    this.#arena.ownBell = doorbell;
    const words = this.#arena.i32;
    const read = Atomics.load(words, this.#h() + WORD_READ);
    const consumed = Atomics.load(words, this.#h() + WORD_CONSUMED);
    // A receiver before this one may have read past what it published (it died, or was
    // unbound without a flush): start where it stopped reading.
    const ahead = (consumed - read) | 0;
    this.#spin = options.spin ?? new SpinPolicy();
    this.#publishedRead = read;
    this.#readCursor = ahead > 0 && ahead <= this.capacity ? consumed : read;
    // Hand that span back now: a whole ring ahead, the next header would be one already read.
    if (this.#readCursor !== read) this.#publish();
    Atomics.store(
      this.#arena.i32,
      this.#h() + WORD_RECEIVER,
      doorbell.offset | (options.scheduled ? IDLE : DIRECT),
    );
    // Records sent before the doorbell was known rang nothing: queue them now.
    if (options.scheduled && (this.hasRecord() || this.closed)) this.#ring();
  }

  /**
   * Ends the receiver's turn on a scheduled mailbox it found empty: marks it IDLE, then looks
   * once more, because a producer may have published after the last look and, finding the
   * mailbox SCHEDULED, queued nothing.
   * @returns true when the mailbox must be served again (it is SCHEDULED once more and not in
   * the ready queue: the caller keeps it in its own run queue).
   */
  endTurn(): boolean {
    this.#publish();
    const bell = this.#consumer().offset;
    Atomics.store(this.#arena.i32, this.#h() + WORD_RECEIVER, bell | IDLE);
    // Closed with a record still being written is not work yet: its producer rings when done.
    if (!this.hasRecord() && !this.#drainedAndClosed()) return false;
    return Atomics.compareExchange(
      this.#arena.i32,
      this.#h() + WORD_RECEIVER,
      bell | IDLE,
      bell | SCHEDULED,
    ) ===
      (bell | IDLE);
  }

  /**
   * Detaches the receiver, so producers stop waking anyone; for a mailbox that was closed and
   * drained and is about to be recycled. Then {@link reopen} readies it for a new receiver.
   */
  unbind(): void {
    if (this.#receiver !== null) this.#publish();
    Atomics.store(this.#arena.i32, this.#h() + WORD_RECEIVER, 0);
    this.#receiver = null;
  }

  /**
   * Opens a closed, drained and unbound mailbox again, for a new receiver, with the header
   * words of the layers above and the held counts cleared. Producers holding
   * handles from before may still send into it: the layers above must tell those records from
   * the new receiver's (ringmail's envelopes carry the target's generation).
   */
  reopen(): void {
    if (
      !this.closed ||
      Atomics.load(this.#arena.i32, this.#h() + WORD_RECEIVER) !== 0
    ) {
      throw new TypeError(
        "reopen() needs a closed, drained and unbound mailbox",
      );
    }
    for (let word = MAILBOX_USER_WORD; word < 16; word++) {
      Atomics.store(this.#arena.i32, this.#h() + word, 0);
    }
    this.clearHeld();
    for (let which = 0; which < MAILBOX_STATS; which++) {
      Atomics.store(this.#arena.i32, this.#h() + WORD_STATS + which, 0);
    }
    Atomics.store(this.#arena.i32, this.#h() + WORD_CLOSED_FLAG, 0);
    Atomics.store(this.#arena.i32, this.#h() + WORD_SPACE_WANTED, 0);
    Atomics.and(this.#arena.i32, this.#h() + WORD_WRITE, ~CLOSED);
  }

  /**
   * Where the record {@link read} returned (or will return) starts, as a cursor that counts
   * bytes and wraps at 2^32: compare positions by their difference, `(a - b) | 0`.
   */
  get readPosition(): number {
    return this.#readCursor;
  }

  /**
   * Where the next record will be reserved, as a cursor like {@link readPosition}: every record
   * reserved so far lies before it.
   */
  writePosition(): number {
    return Atomics.load(this.#arena.i32, this.#h() + WORD_WRITE) & ~CLOSED;
  }

  /**
   * Whether a complete record (or padding) waits at the read cursor. Cheap; for spin loops.
   * Finding none, the receiver hands back the space it read and still holds if a sender waits
   * for room: a receiver spinning for the record that sender cannot write, while the sender
   * spins for that space, would keep both spinning for nothing.
   */
  hasRecord(): boolean {
    const words = this.#arena.i32;
    const word = (this.#base + (this.#readCursor & this.#mask())) >> 2;
    if ((Atomics.load(words, word) & COMMITTED) !== 0) return true;
    if (
      this.#readCursor !== this.#publishedRead &&
      Atomics.load(words, this.#h() + WORD_SENDERS_WAITING) !== 0
    ) {
      this.#publish();
    }
    return false;
  }

  /**
   * Looks at the next record without waiting and without copying: returns its payload length,
   * with the payload at `bytes[recordStart ..]`; or {@link EMPTY}; or {@link CLOSED_AND_DRAINED}.
   * Calling it again before {@link release} returns the same record.
   */
  read(): number {
    const words = this.#arena.i32;
    const base = this.#base;
    for (;;) {
      const position = this.#readCursor & this.#mask();
      const head = Atomics.load(words, (base + position) >> 2);
      if ((head & COMMITTED) === 0) {
        if (head === 0 && this.#drainedAndClosed()) return CLOSED_AND_DRAINED;
        // Reserved by a producer that died before publishing: skip it, or this mailbox would
        // wait for it forever.
        if (
          (head & RESERVED) !== 0 &&
          this.#arena.isThreadDead(words[((base + position) >> 2) + 1])
        ) {
          this.discardStalled();
          this.abandoned++;
          continue;
        }
        return EMPTY;
      }
      const length = head & LENGTH_MASK;
      if ((head & PADDING) !== 0) {
        this.#readCursor = (this.#readCursor + length) | 0;
        this.#handBackIfDue();
        continue;
      }
      if ((head & EXTERNAL) !== 0) {
        // Ordered by the Atomics.load of the header above, like the payload of any record.
        const block = words[((base + position) >> 2) + 2];
        this.#arena.cover(block + length);
        this.recordStart = block;
        this.#readBytes = recordBytes(EXTERNAL_RECORD_PAYLOAD);
        this.#readBlock = block;
        this.#readBlockSize = length;
        return length;
      }
      this.recordStart = base + position + RECORD_HEADER_BYTES;
      this.#readBytes = recordBytes(length);
      return length;
    }
  }

  /** Frees the record {@link read} returned; the next `read` moves on to the following one. */
  release(): void {
    this.#free();
    this.#handBackIfDue();
  }

  /**
   * Frees the record {@link read} returned, as {@link release} does, but hands the room back to
   * producers only every quarter ring, even while some wait for it. For a consumer that takes a
   * run of records at once: it calls {@link flush} when the run ends. Handed back a record at a
   * time, the room costs the consumer a store and a zero-fill per record while a producer waits,
   * and the waiting producer a wake to write one record (measured: with a Worker waiting on a
   * full outbox, handing back was more than a quarter of the outbox drain).
   */
  releaseInRun(): void {
    this.#free();
    if (this.#quarterUnpublished()) this.#publish();
  }

  #free(): void {
    this.#readCursor = (this.#readCursor + this.#readBytes) | 0;
    this.#readBytes = 0;
    // A plain store on the consumer's own line: what a receiver taking over after this one dies
    // starts from (see the layout above).
    const words = this.#arena.i32;
    words[this.#h() + WORD_CONSUMED] = this.#readCursor;
    words[this.#h() + WORD_TAKEN] = (words[this.#h() + WORD_TAKEN] + 1) | 0;
    if (this.#readBlock !== 0) {
      this.#arena.free(this.#readBlock, this.#readBlockSize);
      this.#readBlock = 0;
    }
  }

  /** Whether a quarter ring or more was read and not yet handed back. */
  #quarterUnpublished(): boolean {
    return ((this.#readCursor - this.#publishedRead) | 0) >= this.capacity >> 2;
  }

  /** After the read cursor moved: publishes every quarter ring, or at once if senders wait. */
  #handBackIfDue(): void {
    if (
      this.#quarterUnpublished() ||
      this.#arena.i32[this.#h() + WORD_SENDERS_WAITING] !== 0 // a hint: a late look only delays the publish
    ) {
      this.#publish();
    }
  }

  /**
   * Hands the space of released records back to producers now. The consumer does it by itself
   * every quarter ring, when producers wait for space, and before it waits for records;
   * call this when you stop reading for a while without waiting.
   */
  flush(): void {
    this.#publish();
  }

  /**
   * When the consumer is held up by a record that was reserved and not yet published: the id of
   * its producer; otherwise -1. The layers above use it to find records of dead producers.
   */
  stalledBy(): number {
    const words = this.#arena.i32;
    const word = (this.#base + (this.#readCursor & this.#mask())) >> 2;
    const head = Atomics.load(words, word);
    return (head & (COMMITTED | RESERVED)) === RESERVED ? Atomics.load(words, word + 1) : -1;
  }

  /** Whether the consumer is held up by a record reserved by a thread marked dead. */
  stalledByDeadThread(): boolean {
    const producer = this.stalledBy();
    return producer > 0 && this.#arena.isThreadDead(producer);
  }

  /**
   * For the receiver of a scheduled mailbox: marks it SCHEDULED if it is IDLE, as a producer
   * would, but without queueing it anywhere.
   * @returns true when this call did it: the caller must then serve the mailbox (and end its
   * turn with {@link endTurn}); false when it was already scheduled (it will be served).
   */
  claim(): boolean {
    const header = this.#arena.i32;
    const receiver = Atomics.load(header, this.#h() + WORD_RECEIVER);
    if ((receiver & STATE_MASK) !== IDLE || (receiver & ~STATE_MASK) === 0) {
      return false;
    }
    return Atomics.compareExchange(
      header,
      this.#h() + WORD_RECEIVER,
      receiver,
      (receiver & ~STATE_MASK) | SCHEDULED,
    ) === receiver;
  }

  /**
   * Skips the reserved, unpublished record at the read cursor. Only when its producer is known
   * to be dead (see {@link stalledBy}): a live producer would then write into freed space.
   * @returns the payload length of the record dropped, or -1 if there was none.
   */
  discardStalled(): number {
    const word = (this.#base + (this.#readCursor & this.#mask())) >> 2;
    const head = Atomics.load(this.#arena.i32, word);
    if ((head & (COMMITTED | RESERVED)) !== RESERVED) return -1;
    const length = head & LENGTH_MASK;
    if ((head & EXTERNAL) !== 0) {
      this.#arena.free(Atomics.load(this.#arena.i32, word + 2), length);
      this.#readCursor = (this.#readCursor + recordBytes(EXTERNAL_RECORD_PAYLOAD)) | 0;
    } else {
      this.#readCursor = (this.#readCursor + recordBytes(length)) | 0;
    }
    this.#publish();
    return length;
  }

  /**
   * Waits, blocking this thread, up to `timeoutMs` for a record; spins first per the spin policy.
   * @returns like {@link read}: a length, {@link EMPTY} after the timeout, or
   * {@link CLOSED_AND_DRAINED}.
   */
  waitForRecord(timeoutMs = Infinity): number {
    const doorbell = this.#consumer();
    let result = this.read();
    if (result !== EMPTY) return result;
    let deadline = -1; // read the clock only once spinning did not pay: it costs ~50 ns
    for (;;) {
      // Spinning checks only the consumer's own line; close() rings the bell, so park sees it.
      if (!this.#spin!.spin(this.#predicates().hasRecord)) {
        this.#publish();
        if (deadline < 0) deadline = performance.now() + timeoutMs;
        const remaining = deadline - performance.now();
        if (!(remaining > 0)) return EMPTY;
        this.#parkOn(doorbell, remaining);
      }
      result = this.read();
      if (result !== EMPTY) return result;
    }
  }

  /**
   * Waits without blocking the thread for a record, up to `options.timeout` or the abort.
   * @returns like {@link read}: a length, {@link EMPTY} after the timeout or abort, or
   * {@link CLOSED_AND_DRAINED}.
   */
  async waitForRecordAsync(options: ReceiveOptions = {}): Promise<number> {
    const doorbell = this.#consumer();
    const deadline = performance.now() + (options.timeout ?? Infinity);
    for (;;) {
      const result = this.read();
      if (result !== EMPTY) return result;
      this.#publish();
      const remaining = deadline - performance.now();
      if (!(remaining > 0) || options.signal?.aborted) return EMPTY;
      const parkedAt = performance.now();
      await doorbell.waitAsync(
        this.#predicates().hasRecordOrClosed,
        remaining,
        options.signal,
      );
      this.#spin!.parked(performance.now() - parkedAt);
    }
  }

  /**
   * Receives the next record into `target`, blocking this thread up to `timeoutMs`.
   * @returns the record's length, or -1 after the timeout.
   * @throws {MailboxClosedError} once the mailbox is closed and drained.
   * @throws {RangeError} when `target` is too small for the record (the record stays unread).
   */
  receiveInto(target: Uint8Array, timeoutMs = Infinity): number {
    return this.#copyOut(this.waitForRecord(timeoutMs), target);
  }

  /**
   * Receives the next record as a new `Uint8Array`, blocking this thread up to `timeoutMs`.
   * @returns the record, or `null` after the timeout.
   * @throws {MailboxClosedError} once the mailbox is closed and drained.
   */
  receive(timeoutMs = Infinity): Uint8Array | null {
    return this.#sliceOut(this.waitForRecord(timeoutMs));
  }

  /**
   * Receives the next record as a new `Uint8Array` without blocking the thread.
   * @returns the record, or `null` after the timeout or the abort.
   * @throws {MailboxClosedError} once the mailbox is closed and drained.
   */
  async receiveAsync(options: ReceiveOptions = {}): Promise<Uint8Array | null> {
    return this.#sliceOut(await this.waitForRecordAsync(options));
  }

  #copyOut(length: number, target: Uint8Array): number {
    if (length === EMPTY) return -1;
    if (length === CLOSED_AND_DRAINED) throw this.#closedError();
    if (length > target.length) {
      throw new RangeError(
        `record of ${length} bytes does not fit a buffer of ${target.length}`,
      );
    }
    target.set(
      this.bytes.subarray(this.recordStart, this.recordStart + length),
    );
    this.release();
    return length;
  }

  #sliceOut(length: number): Uint8Array | null {
    if (length === EMPTY) return null;
    if (length === CLOSED_AND_DRAINED) throw this.#closedError();
    const record = this.bytes.slice(
      this.recordStart,
      this.recordStart + length,
    );
    this.release();
    return record;
  }

  #consumer(): Doorbell {
    if (this.#receiver === null) {
      throw new TypeError(
        "receive on a mailbox handle without bindReceiver() on this thread",
      );
    }
    return this.#receiver;
  }

  /** Parks until this mailbox may have a record (a scheduled one is marked WAITING meanwhile). */
  #parkOn(doorbell: Doorbell, timeoutMs: number): void {
    const receiver = Atomics.load(this.#arena.i32, this.#h() + WORD_RECEIVER);
    const direct = (receiver & STATE_MASK) === DIRECT;
    if (!direct) {
      Atomics.store(
        this.#arena.i32,
        this.#h() + WORD_RECEIVER,
        doorbell.offset | WAITING,
      );
    }
    const parkedAt = performance.now();
    doorbell.park(this.#predicates().hasRecordOrClosed, timeoutMs);
    this.#spin!.parked(performance.now() - parkedAt);
    if (!direct) {
      Atomics.store(this.#arena.i32, this.#h() + WORD_RECEIVER, receiver);
    }
  }

  #drainedAndClosed(): boolean {
    if (Atomics.load(this.#arena.i32, this.#h() + WORD_CLOSED_FLAG) === 0) {
      return false;
    }
    const write = Atomics.load(this.#arena.i32, this.#h() + WORD_WRITE);
    return (write & CLOSED) !== 0 && (write & ~CLOSED) === this.#readCursor;
  }

  /** Zeroes what was consumed, then hands the space back to producers. */
  #publish(): void {
    const from = this.#publishedRead;
    const to = this.#readCursor;
    if (from === to) return;
    const start = from & this.#mask();
    const end = to & this.#mask();
    if (start < end && end - start <= 64) {
      // A call into fill() costs more than a few plain stores.
      const words = this.#arena.i32;
      const base = this.#base >> 2;
      for (let word = base + (start >> 2); word < base + (end >> 2); word++) {
        words[word] = 0;
      }
    } else if (start < end) {
      this.bytes.fill(0, this.#base + start, this.#base + end);
    } else {
      this.bytes.fill(0, this.#base + start, this.#base + this.capacity);
      this.bytes.fill(0, this.#base, this.#base + end);
    }
    this.#publishedRead = to;
    Atomics.store(this.#arena.i32, this.#h() + WORD_READ, to);
    if (Atomics.load(this.#arena.i32, this.#h() + WORD_SENDERS_WAITING) !== 0) {
      // Spinning senders see the read cursor; sleeping ones said how much room they need.
      // Wake them once that much is free, and not before half the ring is: a wake per record
      // costs the consumer a notify and the sender a futex round trip (~20-70 µs here) to
      // write one record, and a fan-in then crawls at ~15k messages/s (measured). The ring
      // drains to empty unless we stop reading, so the wake comes.
      const wanted = Atomics.load(this.#arena.i32, this.#h() + WORD_SPACE_WANTED);
      if (wanted !== 0) {
        const write = Atomics.load(this.#arena.i32, this.#h() + WORD_WRITE) &
          ~CLOSED;
        const free = this.capacity - ((write - to) | 0);
        if (free >= wanted && free >= this.capacity >>> 1) {
          // Every sleeper wakes and looks; those still short of room say so again.
          Atomics.store(this.#arena.i32, this.#h() + WORD_SPACE_WANTED, 0);
          this.#wakeSenders();
        }
      }
    }
  }

  #wakeSenders(): void {
    Atomics.add(this.#arena.i32, this.#h() + WORD_SPACE, 1);
    Atomics.notify(this.#arena.i32, this.#h() + WORD_SPACE);
  }
}
