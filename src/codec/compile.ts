/**
 * Compiled readers and writers for hot object shapes and for registered class layouts.
 *
 * A generic loop over keys reads and writes properties through V8's generic keyed paths (one
 * stub-cache lookup per property, and one hidden-class transition per property added). A small
 * function generated for one shape names each key as a string literal instead, so each access is
 * cached for that shape alone, and an object literal is created from a boilerplate with all its
 * properties in place: several times faster. Keys are embedded with `JSON.stringify`, which
 * yields a valid JavaScript string literal for any string (so no key can inject code); a
 * `__proto__` key is never compiled (in a literal it would set the prototype).
 *
 * Nothing here runs until a shape has proved hot (or a class is first used), and the number of
 * compiled functions is bounded by the writer's trie and the reader's shape cache. Where code
 * generation is disallowed (`--disallow-code-generation-from-strings`), every function here
 * returns `undefined` and the callers keep their generic loops.
 *
 * @module
 */

import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";

/** Writes one value. */
type WriteValue = (w: Writer, v: unknown) => void;
/** Reads one value. */
type ReadValue = (r: Reader) => unknown;

/** Called when writing key `i` of `o` failed with `e`; returns what to throw. */
export type WriteFail = (
  w: Writer,
  e: unknown,
  i: number,
  o: object,
) => unknown;
/** Called when reading key `i` failed with `e`; returns what to throw. */
export type ReadFail = (r: Reader, e: unknown, i: number) => unknown;

/** Writes the values of `o` for the given keys, in order. */
export type CompiledWriter = (w: Writer, o: object) => void;
/** Reads the values of an object (or class instance) and returns it. */
export type CompiledBuilder = (r: Reader) => Record<string, unknown>;

const lit = JSON.stringify;

/** Whether code generation failed once (then it is not tried again). */
let disallowed = false;

/**
 * Turns code generation off (as if the runtime disallowed it) or back on. For tests of the
 * generic paths; not exported from mod.ts.
 */
export function setCodeGeneration(enabled: boolean): void {
  disallowed = !enabled;
}

/** `new Function(...params, source)(...args)`, or `undefined` where code generation is refused. */
function generate<F>(
  params: string[],
  source: string,
  args: unknown[],
): F | undefined {
  try {
    return new Function(...params, source)(...args);
  } catch {
    disallowed = true;
    return undefined;
  }
}

/**
 * A writer of `o[keys[0]]`, `o[keys[1]]`... Then, since writing the values ran user code
 * (getters, Proxy traps) that may have changed `o`, it checks that the object's own keys are
 * still exactly `keys` in order, calling `check(o)` (which throws if the difference matters)
 * when they are not. The check is one for-in per shape or class: monomorphic, so it runs on
 * V8's enum cache fast path.
 */
export function compileWriter(
  keys: readonly string[],
  writeValue: WriteValue,
  fail: WriteFail,
  check: (o: object) => void,
): CompiledWriter | undefined {
  if (disallowed) return undefined;
  const writes = keys.map((k, i) => `    i = ${i}; writeValue(w, o[${lit(k)}]);`).join("\n");
  const source = `return function write(w, o) {\n` +
    `  let i = 0;\n` +
    `  try {\n${writes}\n  } catch (e) {\n    throw fail(w, e, i, o);\n  }\n` +
    `  i = 0;\n` +
    `  for (const k in o) {\n` +
    `    if (k !== keys[i++]) { check(o); return; }\n` +
    `  }\n` +
    `  if (i !== ${keys.length}) check(o);\n` +
    `};`;
  return generate(["keys", "writeValue", "fail", "check"], source, [
    keys,
    writeValue,
    fail,
    check,
  ]);
}

/** A builder of plain objects `{ [keys[0]]: v0, ... }` from the next values. */
export function compileObjectBuilder(
  keys: readonly string[],
  readValue: ReadValue,
  fail: ReadFail,
): CompiledBuilder | undefined {
  if (disallowed) return undefined;
  const props = keys.map((k, i) => `${lit(k)}: (i = ${i}, readValue(r))`).join(
    ", ",
  );
  const source = `return function build(r) {\n` +
    `  let i = 0;\n` +
    `  try {\n    return { ${props} };\n  } catch (e) {\n    throw fail(r, e, i);\n  }\n` +
    `};`;
  return generate(["readValue", "fail"], source, [readValue, fail]);
}

/**
 * Whether a field `key` of instances of `proto` must be defined on the instance, as a class
 * field is, not assigned: its name is an accessor (a getter or setter) or a read-only property
 * of `proto` or its prototypes, where assigning would run the setter, or be dropped.
 */
export function shadowsAccessor(proto: object | null, key: string): boolean {
  for (let p = proto; p !== null; p = Object.getPrototypeOf(p)) {
    const descriptor = Object.getOwnPropertyDescriptor(p, key);
    if (descriptor !== undefined) {
      return descriptor.get !== undefined || descriptor.set !== undefined ||
        descriptor.writable === false;
    }
  }
  return false;
}

/** Defines `key` on `o` as a class field does: an own, writable, enumerable data property. */
export function defineField(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `o[key] = value` in generated code, or defineField where the field shadows an accessor. */
function setter(proto: object, object: string, key: string, value: string): string {
  return shadowsAccessor(proto, key)
    ? `define(${object}, ${lit(key)}, ${value});`
    : `${object}[${lit(key)}] = ${value};`;
}

/**
 * A builder of class instances: `Object.create(proto)`, then each field assigned in layout order
 * from the next values (the constructor does not run).
 */
export function compileInstanceBuilder(
  proto: object,
  fields: readonly string[],
  readValue: ReadValue,
  fail: ReadFail,
): CompiledBuilder | undefined {
  if (disallowed) return undefined;
  const sets = fields.map((k, i) => `    i = ${i}; ${setter(proto, "o", k, "readValue(r)")}`)
    .join("\n");
  const source = `return function build(r) {\n` +
    `  const o = create(proto);\n` +
    `  let i = 0;\n` +
    `  try {\n${sets}\n  } catch (e) {\n    throw fail(r, e, i);\n  }\n` +
    `  return o;\n` +
    `};`;
  return generate(["create", "proto", "readValue", "fail", "define"], source, [
    Object.create,
    proto,
    readValue,
    fail,
    defineField,
  ]);
}

/** What a compiled copier returns when the instance needs the full codec (see copy.ts). */
export const NEEDS_CODEC: unique symbol = Symbol("ringmail.needsCodec");

/** The longest string a copier shares instead of measuring it through the codec. */
export const SHARED_STRING_MAX = 1024;
/** Classes with more fields get no copier: their copies could be too large to go unchecked. */
const COPIER_MAX_FIELDS = 32;
/**
 * The most bytes the codec could write for an instance that has a copier (a 3-byte class id;
 * per field, a string of SHARED_STRING_MAX UTF-16 units at 3 bytes each and a 3-byte header):
 * a sender whose limit is at least this needs no size check for a quick copy.
 */
export const QUICK_COPY_MAX_BYTES = 3 +
  COPIER_MAX_FIELDS * (3 + 3 * SHARED_STRING_MAX);

/** A copier of class instances whose fields are all flat values; see copy.ts. */
export type CompiledCopier = (o: object) => object | typeof NEEDS_CODEC;

/**
 * Called when reading the instance threw `e` (a getter, a Proxy trap): at the field `key`, or
 * while listing its keys (`key` undefined). Returns what to throw.
 */
export type CopyFail = (e: unknown, key: string | undefined) => unknown;

/**
 * A copier of instances of one registered class: if every field holds a number, boolean, null,
 * undefined or short string (values the codec gives back unchanged), and the instance's own
 * keys are then the layout's, in order (the writer's quick check, made after the reads for the
 * same reason: a getter may have added a key), a fresh instance with those values; otherwise
 * NEEDS_CODEC, and the codec decides. What its reads throw goes through `fail`.
 */
export function compileCopier(
  proto: object,
  fields: readonly string[],
  fail: CopyFail,
): CompiledCopier | undefined {
  if (disallowed || fields.length > COPIER_MAX_FIELDS) return undefined;
  const declare = fields.length === 0 ? "" : `  let ${fields.map((_, i) => `v${i}`).join(", ")};\n`;
  const reads = fields.map((k, i) =>
    `    i = ${i}; v${i} = o[${lit(k)}];\n` +
    `    if (!(typeof v${i} === "number" || typeof v${i} === "boolean" || v${i} === null || ` +
    `v${i} === undefined || (typeof v${i} === "string" && v${i}.length <= ${SHARED_STRING_MAX}))) ` +
    `return NEEDS_CODEC;`
  ).join("\n");
  const sets = fields.map((k, i) => `  ${setter(proto, "c", k, `v${i}`)}`).join("\n");
  // `new Blank()` allocates inline, where Object.create(proto) calls into the runtime.
  const source = `function Blank() {}\n` +
    `Blank.prototype = proto;\n` +
    `return function copy(o) {\n` +
    declare +
    `  let i = 0;\n` +
    `  try {\n` +
    `${reads}\n` +
    `    i = -1;\n` +
    `    let j = 0;\n` +
    `    for (const k in o) {\n      if (k !== keys[j++]) return NEEDS_CODEC;\n    }\n` +
    `  } catch (e) {\n    throw fail(e, i < 0 ? undefined : keys[i]);\n  }\n` +
    `  const c = new Blank();\n` +
    `${sets}\n` +
    `  return c;\n` +
    `};`;
  return generate(["proto", "keys", "NEEDS_CODEC", "fail", "define"], source, [
    proto,
    fields,
    NEEDS_CODEC,
    fail,
    defineField,
  ]);
}
