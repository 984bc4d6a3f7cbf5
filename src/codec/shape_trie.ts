/**
 * The writer's memory of object key shapes: a trie keyed by each key in enumeration order, kept
 * across messages so that recognising a shape costs one comparison per key and allocates nothing.
 * A node remembers in which message (epoch) it was last defined and at which index, so a shape
 * repeated within one message (an array of records) is written once and then referenced.
 *
 * @module
 */

import type { Writer } from "./writer.ts";

/** Objects with more keys than this are written without the trie (always as a new shape). */
export const MAX_TRIE_KEYS = 32;
/** The trie is dropped and rebuilt when it grows past this many nodes. */
const MAX_TRIE_NODES = 8192;
/** At most this many shapes of one trie get a compiled writer. */
export const MAX_COMPILED = 512;
/** Epochs restart (with a new trie) before they stop being small integers. */
const MAX_EPOCH = 2 ** 30;

/** One key shape: the path of keys from the root to this node. */
export class ShapeNode {
  /** The keys of this shape, in order. */
  readonly keys: string[];
  /** The key of the one child reached without a map lookup (most nodes have one child). */
  k0: string | undefined = undefined;
  /** The child for key {@linkcode ShapeNode.k0}. */
  c0: ShapeNode | undefined = undefined;
  /** Further children, by key. */
  more: Map<string, ShapeNode> | undefined = undefined;
  /** The epoch (top-level value) in which this shape was last defined. */
  epoch = 0;
  /** Its shape index within that value. */
  index = 0;
  /** The encoded definition (tag, key count, keys), kept after it is first written. */
  header: Uint8Array | undefined = undefined;
  /** How many objects have been written with this shape (counts up to the compile threshold). */
  uses = 0;
  /** A compiled writer of this shape's values, once the shape has proved hot. */
  write: ((w: Writer, o: object) => void) | undefined = undefined;

  constructor(keys: string[]) {
    this.keys = keys;
  }
}

/** The trie of key shapes one writer has seen. */
export class ShapeTrie {
  /** The empty shape. */
  root: ShapeNode = new ShapeNode([]);
  /** How many shapes of this trie have a compiled writer (bounded by MAX_COMPILED). */
  compiled = 0;
  #nodes = 1;
  #epoch = 0;

  /** Starts a new top-level value: shapes defined before are no longer referable. */
  nextEpoch(): number {
    if (++this.#epoch >= MAX_EPOCH) {
      this.#clear();
      this.#epoch = 1;
    }
    return this.#epoch;
  }

  /** The child of `node` for `key`, created if new. */
  child(node: ShapeNode, key: string): ShapeNode {
    if (node.k0 === key) return node.c0!;
    const found = node.more?.get(key);
    if (found !== undefined) return found;
    if (this.#nodes >= MAX_TRIE_NODES) {
      // Too many distinct shapes (objects used as dictionaries): start over. Nodes of the value
      // being written are dropped too; their shapes are simply defined again, with new indices.
      const path = node.keys;
      this.#clear();
      let fresh = this.root;
      for (const k of path) fresh = this.child(fresh, k);
      return this.child(fresh, key);
    }
    const next = new ShapeNode([...node.keys, key]);
    this.#nodes++;
    if (node.k0 === undefined) {
      node.k0 = key;
      node.c0 = next;
    } else {
      (node.more ??= new Map()).set(key, next);
    }
    return next;
  }

  #clear(): void {
    this.root = new ShapeNode([]);
    this.#nodes = 1;
    this.compiled = 0;
  }
}
