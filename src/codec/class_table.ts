/**
 * The per-thread table of registered message classes, looked up by prototype when encoding and
 * by id when decoding. Filled by `registerMessage` (registry.ts).
 *
 * @module
 */

import type { CompiledBuilder, CompiledCopier, CompiledWriter } from "./compile.ts";
import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";

/** Everything the codec knows about one registered message class. */
export interface ClassInfo {
  /** The class. */
  readonly cls: abstract new (...args: never[]) => unknown;
  /** `cls.prototype`: decoded instances are created from it. */
  readonly proto: object;
  /** The registered name. */
  readonly name: string;
  /** The 22-bit id (a hash of the name). */
  readonly id: number;
  /**
   * This thread's dense number for the class (0, 1, 2... in registration order): upper layers
   * index per-class tables by it (an array load where a Map lookup by class would cost more).
   */
  readonly index: number;
  /** The three bytes that start an encoded instance. */
  readonly b0: number;
  /** Second id byte. */
  readonly b1: number;
  /** Third id byte. */
  readonly b2: number;
  /** Field layout: the own fields written, in this order, without keys. */
  readonly fields: readonly string[];
  /** The same fields as a set, for the slow layout check. */
  readonly fieldSet: ReadonlySet<string>;
  /** Whether instances are errors (message, stack and cause are written before the fields). */
  readonly isError: boolean;
  /** A custom encoder, if the class has one (then `fields` is empty). */
  readonly encode:
    | ((writer: Writer, value: unknown, context: unknown) => void)
    | undefined;
  /** A custom decoder, if the class has one. */
  readonly decode: ((reader: Reader, context: unknown) => unknown) | undefined;
  /** The compiled writer of the layout, made on first use. */
  write: CompiledWriter | undefined;
  /** The compiled builder of instances, made on first use. */
  build: CompiledBuilder | undefined;
  /** The compiled copier (see copy.ts), made on first use; null when there can be none. */
  copy: CompiledCopier | null | undefined;
  /** Its layout fingerprint (see layoutHash), made on first use. */
  layout: number | undefined;
}

/** Registered classes by prototype. */
export const classByProto: Map<object, ClassInfo> = new Map();
/** Registered classes by id. */
export const classById: Map<number, ClassInfo> = new Map();
/** Registered classes by name. */
export const classByName: Map<string, ClassInfo> = new Map();
/** Registered classes by class. */
export const classByClass: Map<unknown, ClassInfo> = new Map();

/**
 * A 16-bit fingerprint of a class's layout (FNV-1a over its field names, in order, and whether it
 * is an error), never 0; 0 for a class with a custom encoder, whose format is its own. Kept on the
 * class's info: every class value sent to another node carries it.
 */
export function layoutHash(info: ClassInfo): number {
  return info.layout ??= computeLayoutHash(info);
}

function computeLayoutHash(info: ClassInfo): number {
  if (info.encode !== undefined) return 0;
  let h = 0x811c9dc5;
  const text = (info.isError ? "error:" : "") + info.fields.join(",");
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return ((h >>> 16) ^ (h & 0xffff)) || 1;
}
