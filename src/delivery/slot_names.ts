/**
 * The names of the actors, by slot, in shared memory: any thread can name any actor of its
 * system in an error or a dead letter, not only those it hosts. Only the system's registry keeps
 * every name in a map, and only on the system's thread; a Worker telling of an actor of another
 * Worker said "actor". Read only when an error or a dead letter is composed, written once per
 * claim: nothing of it runs per message.
 *
 * Memory layout:
 *
 * ```
 * name words: one Int32 per slot, after the directory's entries (see directory.ts)
 *   0        no name written for the slot yet
 *   else     byte offset of the name block of the slot's last named actor: Atomics.exchange by
 *            the thread that claims the slot (the system's spawner, a Worker spawning a child,
 *            a Bridge opening its mailbox), once the block is written; kept while the slot is
 *            free, so that what is sent to an ended actor still names it until its slot is
 *            reused; a slot taken with no name (a kept slot, held for a spare Worker) keeps the
 *            block, which names none of its later generations
 * name block: an arena block of 64 << k bytes, written by the claiming thread before its offset
 *   is published, never changed while published; freed by the thread that claims the slot next
 *   word 0   the generation of the actor it names
 *   word 1   n: the name's UTF-8 bytes (cut to MAX_NAME_BYTES, at a character's end)
 *   byte 8   the name, n bytes
 * ```
 *
 * A reader checks the block's generation against the ref's, then reads the name, then checks
 * that the slot still points to the block and the block's generation still matches: a block is
 * freed only after the slot points elsewhere, and a block given to the slot again names a later
 * generation, so a name that passes both checks is the one written for that very actor, never
 * a stale one.
 *
 * @module
 */

import type { Arena } from "../ring/mod.ts";

/** The longest name kept, in UTF-8 bytes; a longer one is cut. */
export const MAX_NAME_BYTES = 248;
const HEAD_BYTES = 8;
const WORD_GENERATION = 0;
const WORD_LENGTH = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One thread's view of the name words of a directory's slots. */
export class SlotNames {
  readonly #arena: Arena;
  /** One word per slot (see the layout above). */
  readonly #words: Int32Array;
  /** Where a name is encoded before its block is sized: its length is known only then. */
  readonly #scratch = new Uint8Array(MAX_NAME_BYTES);

  constructor(arena: Arena, words: Int32Array) {
    this.#arena = arena;
    this.#words = words;
  }

  /**
   * Names the actor that has just claimed `slot` with `generation`, and frees the block of the
   * slot's last named actor. Only the thread that claimed the slot, before its ref is handed out.
   * @throws {ArenaFullError} when the arena has no room for the name.
   */
  write(slot: number, generation: number, name: string): void {
    const arena = this.#arena;
    // Most names are a class's, ASCII: copied by hand, they cost a spawn a tenth of what the
    // encoder's call and a copy out of its scratch did (measured: ~0.7 µs, 12 % of the system's
    // thread spawning into a pool).
    const ascii = isShortAscii(name);
    const length = ascii ? name.length : encoder.encodeInto(name, this.#scratch).written;
    const bytes = HEAD_BYTES + length;
    const block = arena.allocate(bytes, false);
    arena.cover(block + bytes);
    const at = block + HEAD_BYTES;
    const u8 = arena.u8;
    if (ascii) { for (let i = 0; i < length; i++) u8[at + i] = name.charCodeAt(i); }
    else u8.set(this.#scratch.subarray(0, length), at);
    const i32 = arena.i32;
    Atomics.store(i32, (block >> 2) + WORD_LENGTH, length);
    Atomics.store(i32, (block >> 2) + WORD_GENERATION, generation);
    const before = Atomics.exchange(this.#words, slot, block);
    if (before !== 0) {
      arena.cover(before + HEAD_BYTES);
      arena.free(before, HEAD_BYTES + Atomics.load(arena.i32, (before >> 2) + WORD_LENGTH));
    }
  }

  /** The name of the actor `slot`/`generation`, if it was named and its slot not reused since. */
  nameOf(slot: number, generation: number): string | undefined {
    if (!(slot > 0 && slot < this.#words.length)) return undefined;
    const block = Atomics.load(this.#words, slot);
    if (block === 0) return undefined;
    const arena = this.#arena;
    arena.cover(block + HEAD_BYTES);
    const head = (block >> 2) + WORD_GENERATION;
    if (Atomics.load(arena.i32, head) !== generation) return undefined;
    const length = Atomics.load(arena.i32, (block >> 2) + WORD_LENGTH);
    // A block freed and reused under this read may hold anything: never read past a name's room.
    if (!(length >= 0 && length <= MAX_NAME_BYTES)) return undefined;
    const end = block + HEAD_BYTES + length;
    if (end > arena.buffer.byteLength) return undefined;
    arena.cover(end);
    // A copy: a decoder takes no view of shared memory.
    const bytes = arena.u8.slice(block + HEAD_BYTES, end);
    if (
      Atomics.load(this.#words, slot) !== block || Atomics.load(arena.i32, head) !== generation
    ) {
      return undefined;
    }
    return decoder.decode(bytes);
  }
}

/** Whether `name` is ASCII and fits whole: its UTF-8 bytes are its char codes. */
function isShortAscii(name: string): boolean {
  const length = name.length;
  if (length > MAX_NAME_BYTES) return false;
  for (let i = 0; i < length; i++) if (name.charCodeAt(i) >= 0x80) return false;
  return true;
}
