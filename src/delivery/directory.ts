/**
 * The directory: which actor lives in which slot, with which mailbox, in which thread. One per
 * actor system, in its arena, readable and writable from every thread of the system without
 * locks. An `ActorRef` is a slot plus a generation; the generation in the directory moves on
 * each time the slot is given to a new actor, so a ref to an actor that stopped can never reach
 * the next actor in its slot.
 *
 * Memory layout (an arena block):
 *
 * ```
 * header (320 bytes)
 *   word 0   capacity: number of slots                  written once at creation
 *   word 1   next never-used slot                       Atomics.add by allocating threads
 *   word 2   dead letters so far                        Atomics.add by any thread
 *   word 3   live actors                                Atomics.add/sub by any thread
 *   byte 16  free-slot stack head, BigInt64: slot | tag << 32 (tag defeats ABA)   CAS
 *   word 6   slots kept for the system's own use, within word 0's   written once at creation
 *   byte 64  mailbox pool heads, one BigInt64 per capacity class (see mailbox_pool.ts)   CAS
 *            by any thread that claims or gives back a mailbox
 *   word 64+k  dead letters so far of kind k    Atomics.add by any thread, with word 2
 *            (DEAD_LETTER_KINDS[k]; up to 16)
 * entries, 16 bytes per slot, from byte 320
 *   word 0   mailbox header offset (0: none)   Atomics.store by the slot's claimer (allocate);
 *                                              set to 0 by whoever retires or frees the slot
 *   word 1   generation                        Atomics.add by the claimer when (re)allocated
 *   word 2   state: FREE, STARTING, RUNNING,   STARTING by the claimer; START_AWAITED by CAS
 *            STOPPING (never set), DEAD,       from the system's thread (`started`); RUNNING
 *            START_AWAITED                     by CAS from the Worker that starts the actor
 *                                              (the system's thread for an agent or the
 *                                              guardian, a Bridge for its own); DEAD by that
 *                                              Worker as the actor ends or fails to start, or
 *                                              by the system's thread after a Worker death;
 *                                              FREE by exchange from the thread that frees it
 *   word 3   owner thread id, or the next free   the claimer, then the system's thread as it
 *            slot while on the free stack        places the actor; the freeing thread (link)
 * name words, one per slot, after the entries: the actors' names (see slot_names.ts)
 * ```
 *
 * Slot 0 is never used, so 0 can mean "no actor".
 *
 * @module
 */

import { DEAD_LETTER_KINDS, type DeadLetterKind } from "../actor/mod.ts";
import { type Arena, ArenaFullError } from "../ring/mod.ts";
import { SlotNames } from "./slot_names.ts";

/** Slot states. */
export const SlotState = {
  Free: 0,
  /** Allocated; its actor is being constructed. Messages wait in its mailbox. */
  Starting: 1,
  Running: 2,
  /**
   * Not set by the runtime: an actor that got Stop and drains its mailbox stays Running (its
   * closed mailbox makes new messages dead letters) until its Worker marks it Dead.
   */
  Stopping: 3,
  /** Gone: stopped, failed to start, or its worker died. Not yet reused. */
  Dead: 4,
  /**
   * Starting, and someone waits to hear when it runs: the thread that starts it reports
   * `ActorStarted` only then (a pool starts many actors nobody waits on).
   */
  StartAwaited: 5,
} as const;
/** One of {@link SlotState}'s values. */
export type SlotState = typeof SlotState[keyof typeof SlotState];

const HEADER_BYTES = 320;
/** The first word of the dead-letter counts by kind. */
const WORD_DEAD_LETTER_KINDS = 64;
if (DEAD_LETTER_KINDS.length > 16) throw new Error("the directory counts 16 dead-letter kinds");
/** The index of each kind in DEAD_LETTER_KINDS. */
const KIND_INDEX = new Map<DeadLetterKind, number>(DEAD_LETTER_KINDS.map((kind, i) => [kind, i]));
const ENTRY_WORDS = 4;
const WORD_CAPACITY = 0;
const WORD_NEXT_SLOT = 1;
const WORD_DEAD_LETTERS = 2;
const WORD_LIVE = 3;
const WORD_KEPT = 6;
const FREE_HEAD_BYTE = 16;
/** Byte offset in the directory header of the mailbox pool's heads (23 BigInt64 words). */
export const POOL_HEADS_BYTE = 64;
const ENTRY_MAILBOX = 0;
const ENTRY_GENERATION = 1;
const ENTRY_STATE = 2;
const ENTRY_OWNER = 3;

/** A thread's handle on the directory of its actor system. */
export class Directory {
  /** Byte offset of the directory block in the arena: hand it to every thread of the system. */
  readonly offset: number;
  /**
   * Slots: most actors, Bridges and Workers (each Worker's agent takes one) alive at once, the
   * ones {@link kept} included.
   */
  readonly capacity: number;
  /**
   * Slots of {@link capacity} the system keeps for its own use, beyond its maxActors (see
   * {@link create}).
   */
  readonly kept: number;
  readonly #words: Int32Array;
  readonly #freeHead: BigInt64Array;
  /** The pool's heads, for mailbox_pool.ts. */
  readonly poolHeads: BigInt64Array;
  /** The actors' names, for any thread to tell of any actor (see slot_names.ts). */
  readonly names: SlotNames;

  private constructor(arena: Arena, offset: number) {
    this.offset = offset;
    const capacity = Atomics.load(
      arena.int32(offset, HEADER_BYTES),
      WORD_CAPACITY,
    );
    this.capacity = capacity;
    this.kept = Atomics.load(arena.int32(offset, HEADER_BYTES), WORD_KEPT);
    this.#words = arena.int32(
      offset,
      HEADER_BYTES + capacity * ENTRY_WORDS * 4,
    );
    this.#freeHead = new BigInt64Array(
      arena.buffer,
      offset + FREE_HEAD_BYTE,
      1,
    );
    this.poolHeads = new BigInt64Array(
      arena.buffer,
      offset + POOL_HEADS_BYTE,
      23,
    );
    this.names = new SlotNames(
      arena,
      arena.int32(offset + HEADER_BYTES + capacity * ENTRY_WORDS * 4, capacity * 4),
    );
  }

  /**
   * Makes the directory of a new system, with room for `capacity` live actors, and `kept` more
   * slots that the system takes for its own use (it holds them, so that they are never the
   * program's: see WorkerSet's spares).
   */
  static create(arena: Arena, capacity: number, kept = 0): Directory {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1 << 24) {
      throw new RangeError(
        `maxActors must be an integer from 2 to ${1 << 24}, got ${capacity}`,
      );
    }
    if (!Number.isInteger(kept) || kept < 0 || kept > 1 << 16) {
      throw new RangeError(`kept slots must be an integer from 0 to ${1 << 16}, got ${kept}`);
    }
    const slots = capacity + kept;
    const offset = arena.allocate(HEADER_BYTES + slots * (ENTRY_WORDS + 1) * 4);
    const header = arena.int32(offset, HEADER_BYTES);
    header[WORD_NEXT_SLOT] = 1;
    header[WORD_KEPT] = kept;
    Atomics.store(header, WORD_CAPACITY, slots);
    return new Directory(arena, offset);
  }

  /** Opens the directory another thread made. */
  static attach(arena: Arena, offset: number): Directory {
    return new Directory(arena, offset);
  }

  /**
   * Takes a free slot for a new actor and moves its generation on. Its claimer names it
   * ({@link names}).
   * @returns the slot; its generation is {@link generation}(slot).
   * @throws {ArenaFullError} when every slot is taken.
   */
  allocate(mailbox: number, owner: number): number {
    const slot = this.#popFree() || this.#bump();
    const base = HEADER_BYTES / 4 + slot * ENTRY_WORDS;
    const words = this.#words;
    Atomics.store(words, base + ENTRY_MAILBOX, mailbox);
    Atomics.store(words, base + ENTRY_OWNER, owner);
    Atomics.add(words, base + ENTRY_GENERATION, 1);
    Atomics.store(words, base + ENTRY_STATE, SlotState.Starting);
    Atomics.add(words, WORD_LIVE, 1);
    return slot;
  }

  /**
   * Marks `slot` dead and forgets its mailbox, without handing the slot back: its ended actor
   * may still be in the registry, which frees the slot once it has heard of the end (a slot
   * reused before that would let the new actor's record replace the old one unended).
   */
  retire(slot: number): void {
    const base = HEADER_BYTES / 4 + slot * ENTRY_WORDS;
    Atomics.store(this.#words, base + ENTRY_STATE, SlotState.Dead);
    Atomics.store(this.#words, base + ENTRY_MAILBOX, 0);
  }

  /** Returns a dead slot for reuse; its refs stay dead because its generation moves on. */
  free(slot: number): void {
    const base = HEADER_BYTES / 4 + slot * ENTRY_WORDS;
    const words = this.#words;
    if (
      Atomics.exchange(words, base + ENTRY_STATE, SlotState.Free) ===
        SlotState.Free
    ) return;
    Atomics.store(words, base + ENTRY_MAILBOX, 0);
    Atomics.sub(words, WORD_LIVE, 1);
    for (;;) {
      const head = Atomics.load(this.#freeHead, 0);
      Atomics.store(words, base + ENTRY_OWNER, Number(head & 0xffff_ffffn));
      const next = (head & ~0xffff_ffffn) | BigInt(slot);
      if (Atomics.compareExchange(this.#freeHead, 0, head, next) === head) {
        return;
      }
    }
  }

  /** The current generation of `slot`. */
  generation(slot: number): number {
    return Atomics.load(
      this.#words,
      HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_GENERATION,
    );
  }

  /** The state of `slot`. */
  state(slot: number): SlotState {
    return Atomics.load(
      this.#words,
      HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_STATE,
    ) as SlotState;
  }

  /** Moves `slot` to `state`. */
  setState(slot: number, state: SlotState): void {
    Atomics.store(
      this.#words,
      HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_STATE,
      state,
    );
  }

  /**
   * Moves `slot` from `from` to `to` if it is in `from`.
   * @returns whether it moved.
   */
  transition(slot: number, from: SlotState, to: SlotState): boolean {
    const index = HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_STATE;
    return Atomics.compareExchange(this.#words, index, from, to) === from;
  }

  /** The mailbox header offset of `slot`'s actor, or 0. */
  mailbox(slot: number): number {
    return Atomics.load(
      this.#words,
      HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_MAILBOX,
    );
  }

  /** The thread id that hosts `slot`'s actor. */
  owner(slot: number): number {
    return Atomics.load(
      this.#words,
      HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_OWNER,
    );
  }

  /** Records the thread that hosts `slot`'s actor. */
  setOwner(slot: number, owner: number): void {
    Atomics.store(
      this.#words,
      HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_OWNER,
      owner,
    );
  }

  /**
   * The mailbox of the live actor `slot`/`generation`, or 0 when that actor is gone (or not a
   * slot of this directory). Starting actors are live: their messages wait in the mailbox.
   */
  liveMailbox(slot: number, generation: number): number {
    if (!(slot > 0 && slot < this.capacity)) return 0;
    const base = HEADER_BYTES / 4 + slot * ENTRY_WORDS;
    const words = this.#words;
    // Plain loads, on every send: a stale answer is safe. A mailbox of an actor that stopped
    // is closed (the send becomes a dead letter), and one recycled for another actor delivers
    // the record to a receiver that drops it, because the envelope names the target's
    // generation. Atomics loads here cost ~25 ns a message in this V8.
    if (words[base + ENTRY_GENERATION] !== generation) return 0;
    const state = words[base + ENTRY_STATE];
    if (
      state !== SlotState.Running && state !== SlotState.Starting &&
      state !== SlotState.StartAwaited
    ) {
      return 0;
    }
    return words[base + ENTRY_MAILBOX];
  }

  /** Counts `count` dead letters (one by default); returns the count so far. */
  countDeadLetter(kind: DeadLetterKind, count = 1): number {
    Atomics.add(this.#words, WORD_DEAD_LETTER_KINDS + KIND_INDEX.get(kind)!, count);
    return Atomics.add(this.#words, WORD_DEAD_LETTERS, count) + count;
  }

  /** Dead letters counted so far of each kind, by every thread (kinds with none left out). */
  deadLettersByKind(): Partial<Record<DeadLetterKind, number>> {
    const byKind: Partial<Record<DeadLetterKind, number>> = {};
    DEAD_LETTER_KINDS.forEach((kind, i) => {
      const count = Atomics.load(this.#words, WORD_DEAD_LETTER_KINDS + i);
      if (count !== 0) byKind[kind] = count;
    });
    return byKind;
  }

  /** Dead letters counted so far, by every thread of the system. */
  get deadLetters(): number {
    return Atomics.load(this.#words, WORD_DEAD_LETTERS);
  }

  /** Slots allocated and not yet freed. */
  get live(): number {
    return Atomics.load(this.#words, WORD_LIVE);
  }

  #bump(): number {
    const slot = Atomics.add(this.#words, WORD_NEXT_SLOT, 1);
    if (slot >= this.capacity) {
      Atomics.sub(this.#words, WORD_NEXT_SLOT, 1);
      throw new ArenaFullError(
        `the actor system is full: its maxActors (${this.capacity - 1 - this.kept}) slots ` +
          `are all taken, by its actors, Bridges ` +
          `and Workers (one for each dedicated actor's Worker and each pool Worker); stop actors ` +
          `you no longer need, or create the system with a larger maxActors`,
      );
    }
    return slot;
  }

  #popFree(): number {
    // The head's low half (little-endian first) is the first free slot: an empty list is seen
    // without BigInt arithmetic, which allocates.
    if (Atomics.load(this.#words, FREE_HEAD_BYTE >> 2) === 0) return 0;
    for (;;) {
      const head = Atomics.load(this.#freeHead, 0);
      const slot = Number(head & 0xffff_ffffn);
      if (slot === 0) return 0;
      const next = Atomics.load(
        this.#words,
        HEADER_BYTES / 4 + slot * ENTRY_WORDS + ENTRY_OWNER,
      );
      const tag = ((head >> 32n) + 1n) & 0xffff_ffffn;
      if (
        Atomics.compareExchange(
          this.#freeHead,
          0,
          head,
          (tag << 32n) | BigInt(next),
        ) === head
      ) {
        return slot;
      }
    }
  }
}
