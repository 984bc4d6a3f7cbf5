/**
 * The arena: one growable SharedArrayBuffer that holds every mailbox and doorbell of an actor
 * system, with a lock-free block allocator. Any thread holding the arena may allocate and free;
 * a thread that is killed mid-operation leaves nothing locked, because no step holds a lock.
 *
 * Memory layout (byte offsets; all words little-endian Int32 unless noted):
 *
 * ```
 *   0  magic "RMA1"                                  written once by the creator
 *   4  layout version                                written once by the creator
 *   8  bump: first never-allocated byte (64-aligned) CAS by any allocating thread
 *  12  maximum size in bytes                         written once by the creator
 *  16  next thread id                                Atomics.add by any thread that registers
 *  20  byte offset of the dead-thread bitmap           written once by the creator
 *  24  deaths so far (bumped by markThreadDead)         Atomics.add
 *  28  pre-touched end: every page below it was        CAS by a pre-toucher, once it has
 *      written once (page-aligned)                   written them (see pretouch)
 *  32  mailboxes numbered so far (see             Atomics.add by any thread that makes one
 *      Mailbox.numberAt)
 *  36  reserved for the layers above (words 9..15)
 *  64  free-list heads, one BigInt64 per size class  CAS by any allocating or freeing thread
 *      (class k holds blocks of 64 << k bytes): low 32 bits = byte offset of the first free
 *      block (0 = empty), high 32 bits = a tag bumped on every pop, so a stale head can never
 *      win a compare-exchange (the ABA problem of lock-free stacks)
 * 256  blocks
 * ```
 *
 * A free block's first Int32 holds the offset of the next free block of its class (see
 * free_stacks.ts). Blocks are
 * 64-byte aligned (one cache line), so mailboxes never share a line with their neighbours.
 *
 * Views are fixed-length views made for each block when it is used: V8 reads a length-tracking
 * view on a growable buffer about 3× slower than a fixed one (measured), and a fixed view never
 * goes stale because a growable SharedArrayBuffer only grows.
 *
 * @module
 */

import { FreeStacks } from "./free_stacks.ts";
import { ArenaFullError } from "./errors.ts";

const MAGIC = 0x31414d52; // "RMA1" little-endian
const LAYOUT_VERSION = 1;

const WORD_MAGIC = 0;
const WORD_VERSION = 1;
const WORD_BUMP = 2;
const WORD_MAX_BYTES = 3;
const WORD_NEXT_THREAD_ID = 4;
const WORD_DEAD_BITMAP = 5;
const WORD_DEATHS = 6;
const WORD_TOUCHED = 7;
const WORD_MAILBOXES = 8;
/** First Int32 word the layers above may use for arena-wide counters (words 9..15). */
export const ARENA_USER_WORD = 9;
/**
 * A bit in shared memory that one thread sets (atomically) and another may test with a plain
 * read, cheap enough for every message: set once `(words[index] & mask) !== 0`.
 */
export interface Flag {
  readonly words: Int32Array;
  readonly index: number;
  readonly mask: number;
}

/** Threads the dead-thread bitmap has room for (thread ids are below this). */
export const MAX_THREADS = 1 << 16;
const FREE_LIST_BYTE = 64;
const SIZE_CLASSES = 24; // 64 B .. 512 MiB
/** Bytes taken by the arena header; the first block starts here. */
export const ARENA_HEADER_BYTES = 256;
/** Every block is a multiple of this many bytes and aligned to it. */
export const BLOCK_ALIGN = 64;
/** The smallest page size of the platforms we run on (a block's pages are touched at once). */
const PAGE_BYTES = 4096;
/** The largest arena: offsets are positive Int32 values. */
export const ARENA_MAX_LIMIT = 0x7fff_ffc0;

/** How to size a new arena. */
export interface ArenaOptions {
  /** Bytes reserved up front (rounded up to 64 KiB). Default 1 MiB. */
  initialBytes?: number;
  /**
   * The most the arena may ever grow to. Address space is reserved, memory is committed only as
   * the arena grows. Default 1 GiB; at most 2 GiB − 64.
   */
  maxBytes?: number;
}

/** Rounds `n` up to a multiple of `to`. */
function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The size class whose blocks hold `bytes`: blocks of `64 << class` bytes. */
export function sizeClassOf(bytes: number): number {
  let k = 0;
  while ((BLOCK_ALIGN << k) < bytes) k++;
  return k;
}

/** What the arena keeps of the doorbell its thread receives on (see Arena.ownBell). */
export interface OwnBell {
  /** The bell's byte offset in the arena. */
  readonly offset: number;
  /** Wakes this thread's waiters on the bell; only on the thread that receives on it. */
  wakeHere(): void;
}

/**
 * One thread's handle on the shared arena. Create it once with {@link Arena.create}, send
 * {@link Arena.buffer} to each Worker once, and call {@link Arena.attach} there.
 */
export class Arena {
  /** The shared memory, growable, to hand to a Worker once. */
  readonly buffer: SharedArrayBuffer;
  /** The arena header words (fixed view over the first 256 bytes). */
  readonly header: Int32Array;
  /** The free blocks, one stack per size class (see free_stacks.ts). */
  readonly #free: FreeStacks;
  /**
   * Every word of the arena, length-tracking (it sees growth from any thread), so ~3× slower per
   * access than a fixed view: for rare accesses to words of other structures, such as the
   * allocator's free-list links and the ready queue's links.
   */
  readonly words: Int32Array;
  /**
   * Fixed views over the arena as far as this thread has needed it (see {@link cover}): the
   * hot paths index these, at full speed, with absolute offsets.
   */
  u8: Uint8Array;
  /** The same as {@link u8}, as Int32 words. */
  i32: Int32Array;
  readonly #views = new Map<number, Int32Array>();
  /**
   * The doorbell this thread receives on (the last one it bound a mailbox to, see
   * Mailbox.bindReceiver): a ring of it from this very thread wakes its waiters in a microtask,
   * not through `Atomics.notify`, whose wake-up goes through the event loop as a task (see
   * Doorbell.wakeHere).
   */
  ownBell: OwnBell | null = null;

  private constructor(buffer: SharedArrayBuffer) {
    if (!buffer.growable) {
      throw new TypeError(
        "an arena needs a growable SharedArrayBuffer (made by Arena.create)",
      );
    }
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, ARENA_HEADER_BYTES / 4);
    this.words = new Int32Array(buffer);
    this.#free = new FreeStacks(
      new BigInt64Array(buffer, FREE_LIST_BYTE, SIZE_CLASSES),
      this.words,
      0,
    );
    this.u8 = new Uint8Array(buffer, 0, buffer.byteLength);
    this.i32 = new Int32Array(buffer, 0, buffer.byteLength >> 2);
  }

  /**
   * Makes {@link u8} and {@link i32} reach at least `end`: after another thread (or this one)
   * grew the arena, views made before do not see the new part. Cheap when they already do.
   */
  cover(end: number): void {
    if (end <= this.u8.length) return;
    const length = this.buffer.byteLength;
    if (end > length) {
      throw new RangeError(
        `offset ${end} is beyond the arena's ${length} bytes`,
      );
    }
    this.u8 = new Uint8Array(this.buffer, 0, length);
    this.i32 = new Int32Array(this.buffer, 0, length >> 2);
  }

  /** A number for a new mailbox: 1, 2, 3, … in the order mailboxes are made, by any thread. */
  numberMailbox(): number {
    return Atomics.add(this.header, WORD_MAILBOXES, 1) + 1;
  }

  /** Makes a new, empty arena. */
  static create(options: ArenaOptions = {}): Arena {
    const maxBytes = options.maxBytes ?? 1 << 30;
    if (
      !Number.isInteger(maxBytes) || maxBytes < 1 << 16 ||
      maxBytes > ARENA_MAX_LIMIT
    ) {
      throw new RangeError(
        `arena maxBytes must be an integer from 65536 to ${ARENA_MAX_LIMIT}, got ${maxBytes}`,
      );
    }
    const initial = Math.min(
      roundUp(Math.max(options.initialBytes ?? 1 << 20, 1 << 16), 1 << 16),
      maxBytes,
    );
    const buffer = new SharedArrayBuffer(initial, { maxByteLength: maxBytes });
    const header = new Int32Array(buffer, 0, ARENA_HEADER_BYTES / 4);
    header[WORD_VERSION] = LAYOUT_VERSION;
    header[WORD_BUMP] = ARENA_HEADER_BYTES;
    header[WORD_MAX_BYTES] = maxBytes;
    header[WORD_NEXT_THREAD_ID] = 1;
    Atomics.store(header, WORD_MAGIC, MAGIC);
    const arena = new Arena(buffer);
    Atomics.store(header, WORD_DEAD_BITMAP, arena.allocate(MAX_THREADS / 8));
    return arena;
  }

  /** Opens an arena made by {@link Arena.create}, usually in another Worker. */
  static attach(buffer: SharedArrayBuffer): Arena {
    const arena = new Arena(buffer);
    const magic = Atomics.load(arena.header, WORD_MAGIC);
    const version = Atomics.load(arena.header, WORD_VERSION);
    if (magic !== MAGIC || version !== LAYOUT_VERSION) {
      throw new TypeError(
        `not a ringmail arena of layout ${LAYOUT_VERSION} (magic ${magic.toString(16)}, ` +
          `layout ${version}): both threads must load the same ringmail version`,
      );
    }
    return arena;
  }

  /** The bytes the arena may grow to. */
  get maxBytes(): number {
    return this.header[WORD_MAX_BYTES];
  }

  /** Bytes handed out so far (never shrinks; freed blocks are reused, not returned). */
  get usedBytes(): number {
    return Atomics.load(this.header, WORD_BUMP);
  }

  /** A new small integer, unique within this arena, naming a thread (a producer id). */
  newThreadId(): number {
    const id = Atomics.add(this.header, WORD_NEXT_THREAD_ID, 1);
    if (id >= MAX_THREADS) {
      throw new ArenaFullError(
        `an arena serves at most ${MAX_THREADS - 1} threads over its life`,
      );
    }
    return id;
  }

  /**
   * Records that thread `id` is gone (its Worker died or was terminated): receivers then skip
   * records it reserved and never published (see Mailbox.read), instead of waiting for them
   * forever. Only once the thread can no longer run: after `Worker.terminate()`.
   */
  markThreadDead(id: number): void {
    const bitmap = Atomics.load(this.header, WORD_DEAD_BITMAP);
    Atomics.or(this.words, (bitmap >> 2) + (id >> 5), 1 << (id & 31));
    Atomics.add(this.header, WORD_DEATHS, 1);
  }

  /**
   * Thread `id`'s mark in the dead-thread bitmap, as a {@link Flag}: set once and for good. Its
   * view is a fixed one-word view (a length-tracking view is several times slower to read, and
   * the flag may be read after every message).
   */
  deadFlag(id: number): Flag {
    const bitmap = Atomics.load(this.header, WORD_DEAD_BITMAP);
    const word = new Int32Array(this.buffer, bitmap + (id >> 5) * 4, 1);
    return { words: word, index: 0, mask: 1 << (id & 31) };
  }

  /** Whether thread `id` was marked dead. */
  isThreadDead(id: number): boolean {
    if (!(id > 0 && id < MAX_THREADS)) return false;
    const bitmap = Atomics.load(this.header, WORD_DEAD_BITMAP);
    return (Atomics.load(this.words, (bitmap >> 2) + (id >> 5)) &
      (1 << (id & 31))) !== 0;
  }

  /** How many threads were marked dead so far: a cheap "has anyone died since?" check. */
  get deaths(): number {
    return Atomics.load(this.header, WORD_DEATHS);
  }

  /**
   * Allocates a block of at least `bytes` bytes, 64-byte aligned; returns its byte offset. It is
   * zeroed unless `zeroed` is false (a reused block then holds old bytes: for callers that
   * overwrite it all, such as a large message's payload).
   * @throws {ArenaFullError} when the arena cannot grow enough.
   */
  allocate(bytes: number, zeroed = true): number {
    const sizeClass = sizeClassOf(bytes);
    if (sizeClass >= SIZE_CLASSES) {
      throw new ArenaFullError(
        `cannot allocate ${bytes} bytes: blocks are at most 512 MiB`,
      );
    }
    const blockBytes = BLOCK_ALIGN << sizeClass;
    const reused = this.#free.pop(sizeClass);
    if (reused !== 0) {
      if (zeroed) new Uint8Array(this.buffer, reused, blockBytes).fill(0);
      return reused;
    }
    for (;;) {
      const start = Atomics.load(this.header, WORD_BUMP);
      const end = start + blockBytes;
      if (end > this.maxBytes) {
        throw new ArenaFullError(
          `arena is full: ${bytes} more bytes requested, ${start} of ${this.maxBytes} in use; ` +
            `create the system with a larger arena maxBytes or stop idle actors`,
        );
      }
      this.#ensureLength(end);
      if (
        Atomics.compareExchange(this.header, WORD_BUMP, start, end) === start
      ) {
        if (end > Atomics.load(this.header, WORD_TOUCHED)) this.#touch(start, end);
        else this.cover(end);
        return start;
      }
    }
  }

  /**
   * Writes to every page of a fresh block before anyone else can see it. A page that another
   * thread reads first (a receiver polling its empty ring) is mapped to the shared zero page;
   * the first write after that makes the kernel copy it and flush the page from every core's
   * TLB, interrupting all our threads: that cost ~30 % of spawning 100k actors (measured). A
   * compare-exchange of 0 with 0 writes without changing anything, so it is safe on a page
   * shared with a neighbouring block in use (`Atomics.or(.., 0)` would read first: V8 makes it
   * a load and a compare-exchange loop, so the page would fault twice, the second time with
   * the flush).
   */
  #touch(start: number, end: number): void {
    this.cover(end);
    const words = this.i32;
    for (let page = start & ~(PAGE_BYTES - 1); page < end; page += PAGE_BYTES) {
      Atomics.compareExchange(words, (page > start ? page : start) >> 2, 0, 0);
    }
  }

  /**
   * Touches the never-allocated pages just past the allocator's bump, so that the thread that
   * allocates them next does not pay their page faults ({@link allocate} skips what is touched
   * already). For a thread with time to spare — a Worker starting the actors another thread
   * spawns: a page fault costs 2–6 µs here, ~15 % of the spawning thread's time (profiled).
   * Keeps `ahead` bytes touched past the bump, `chunk` bytes a call. Cheap when enough is
   * touched: two loads. Any thread, at any time: it changes no byte.
   * @returns whether it moved the touched end on.
   */
  pretouch(ahead = 2 << 20, chunk = 256 << 10): boolean {
    const header = this.header;
    const bump = Atomics.load(header, WORD_BUMP);
    const touched = Atomics.load(header, WORD_TOUCHED);
    if (touched >= bump + ahead) return false;
    // Below the bump every page is written: each allocation touches its own.
    const from = Math.max(touched, bump & ~(PAGE_BYTES - 1));
    const to = Math.min(from + chunk, this.maxBytes & ~(PAGE_BYTES - 1));
    if (to <= from) return false;
    this.#ensureLength(to);
    this.#touch(from, to);
    // Published only once written, so a page is never taken for touched before it is (a page
    // another thread reads first is mapped to the zero page; see #touch). No lock: two threads
    // may touch the same pages (the second finds them mapped); the later exchange fails.
    return Atomics.compareExchange(header, WORD_TOUCHED, touched, to) === touched;
  }

  /** Returns a block from {@link allocate} for reuse; `bytes` is the size it was allocated with. */
  free(offset: number, bytes: number): void {
    this.#free.push(sizeClassOf(bytes), offset);
  }

  /** A fixed Int32 view over `[offset, offset + bytes)`. */
  int32(offset: number, bytes: number): Int32Array {
    return new Int32Array(this.buffer, offset, bytes >> 2);
  }

  /** A fixed byte view over `[offset, offset + bytes)`. */
  bytes(offset: number, bytes: number): Uint8Array {
    return new Uint8Array(this.buffer, offset, bytes);
  }

  /**
   * A cached one-word view onto the 64-byte line holding `offset`, for words many objects in
   * this thread touch (doorbells). Returns the view; the word is at index `(offset & 63) >> 2`.
   */
  lineView(offset: number): Int32Array {
    const base = offset & ~63;
    let view = this.#views.get(base);
    if (view === undefined) {
      view = new Int32Array(this.buffer, base, 16);
      this.#views.set(base, view);
    }
    return view;
  }

  #ensureLength(end: number): void {
    if (end <= this.buffer.byteLength) return;
    const target = Math.min(
      roundUp(Math.max(end, this.buffer.byteLength * 1.5), 1 << 16),
      this.maxBytes,
    );
    try {
      this.buffer.grow(target);
    } catch (error) {
      // Another thread grew the buffer past `target` first: that is as good as growing it here.
      if (!(error instanceof RangeError) || this.buffer.byteLength < end) {
        throw error;
      }
    }
  }
}
