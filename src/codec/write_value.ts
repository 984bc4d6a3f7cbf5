/**
 * Writing values: one switch on `typeof`, then on the prototype for objects. Every container
 * raises the writer's depth; past CYCLE_CHECK_DEPTH it also records itself so a cycle is caught
 * early, and past MAX_DEPTH the value is refused. Path segments for errors are collected only
 * while an error unwinds (each container's `catch`), so well-formed values pay nothing for them.
 *
 * Tag values are written as literals with their name in a comment: V8 does not fold imported
 * (or module-level) constants, and a load per comparison made decoding ~20% slower. tags.ts is
 * the table; the golden-bytes test keeps the two in step.
 *
 * @module
 */

import { CodecError, WriterFullError } from "./codec_error.ts";
import { classByProto, type ClassInfo, layoutHash } from "./class_table.ts";
import { type CompiledWriter, compileWriter } from "./compile.ts";
import { CYCLE_CHECK_DEPTH, MAX_DEPTH, MAX_MESSAGE_BYTES } from "./limits.ts";
import { F32, LITTLE_ENDIAN_HOST, swapElements } from "./number_bits.ts";
import {
  indexSegment,
  joinTrail,
  keySegment,
  mapKeySegment,
  mapValueSegment,
  setSegment,
} from "./path.ts";
import { refHook } from "./ref_codec.ts";
import { MAX_COMPILED, type ShapeNode } from "./shape_trie.ts";
import { describeError, encodeThrew, isInstance } from "./thrown.ts";
import { typedKindByProto } from "./typed_arrays.ts";
import { hiddenStateOf } from "./platform_class.ts";
import { knownErrorClass } from "./known_errors.ts";
import type { Writer } from "./writer.ts";

const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Something in the value cannot be encoded; becomes a CodecError with the path at the top. */
class EncodeFault {
  constructor(
    readonly problem: string,
    readonly advice: string,
    readonly cause?: unknown,
    readonly cycle?: unknown,
  ) {}
}

/** @internal Writes any value (see docs/codec.md); the writer's `value()` is the entry point. */
export function writeValue(w: Writer, v: unknown): void {
  switch (typeof v) {
    case "number":
      writeNumber(w, v);
      return;
    case "string":
      w.taggedString(v);
      return;
    case "object":
      if (v === null) w.u8(0xb1 /* NULL */);
      else writeObject(w, v);
      return;
    case "boolean":
      w.u8(v ? 0xb3 /* TRUE */ : 0xb2 /* FALSE */);
      return;
    case "undefined":
      w.u8(0xb0 /* UNDEFINED */);
      return;
    case "bigint":
      writeBigInt(w, v);
      return;
    case "function":
      throw new EncodeFault(
        `it is a function${v.name ? ` (${v.name})` : ""}, and functions cannot be sent`,
        "Send data instead: a registered message class names the operation, and the receiving " +
          "actor has the code",
      );
    default:
      throw new EncodeFault(
        `it is a ${typeof v}, which cannot be sent`,
        "Send a string or a number instead",
      );
  }
}

/** @internal Writes a number: small integers compact, then float32 when exact, else float64. */
export function writeNumber(w: Writer, v: number): void {
  if ((v | 0) === v) {
    if (v >= 0) {
      if (v <= 0x7f) {
        if (v === 0 && 1 / v < 0) {
          w.u8(0xb7 /* FLOAT32 */);
          w.f32(v);
        } else {
          w.u8(v);
        }
      } else if (v <= 0xff) {
        w.ensure(2);
        const b = w.bytes;
        const p = w.pos;
        b[p] = 0xb4 /* UINT8 */;
        b[p + 1] = v;
        w.pos = p + 2;
      } else {
        w.u8(0xb5 /* VARUINT */);
        w.varuint(v);
      }
    } else {
      w.u8(0xb6 /* NEGINT */);
      w.varuint(-1 - v);
    }
    return;
  }
  if (Number.isSafeInteger(v)) {
    if (v > 0) {
      w.u8(0xb5 /* VARUINT */);
      w.varuint(v);
    } else {
      w.u8(0xb6 /* NEGINT */);
      w.varuint(-1 - v);
    }
    return;
  }
  F32[0] = v;
  if (F32[0] === v || v !== v) {
    w.u8(0xb7 /* FLOAT32 */);
    w.f32(v);
  } else {
    w.u8(0xb8 /* FLOAT64 */);
    w.f64(v);
  }
}

function writeBigInt(w: Writer, v: bigint): void {
  const negative = v < 0n;
  const m = negative ? -v : v;
  w.u8(0xbf /* EXT */);
  w.u8(negative ? 5 /* X_BIGINT_NEG */ : 4 /* X_BIGINT_POS */);
  if (m <= 0x1fffffffffffffn) {
    // Fits a safe integer: bytes by arithmetic.
    let n = Number(m);
    let count = 0;
    for (let t = n; t > 0; t = Math.floor(t / 256)) count++;
    w.varuint(count);
    w.ensure(count);
    const b = w.bytes;
    let p = w.pos;
    for (let i = 0; i < count; i++) {
      b[p++] = n % 256;
      n = Math.floor(n / 256);
    }
    w.pos = p;
    return;
  }
  // Any size: through hex, which is linear in the number of digits.
  let hex = m.toString(16);
  if (hex.length & 1) hex = "0" + hex;
  const count = hex.length >>> 1;
  w.varuint(count);
  w.ensure(count);
  const b = w.bytes;
  let p = w.pos;
  for (let i = hex.length - 2; i >= 0; i -= 2) {
    b[p++] = (hexDigit(hex.charCodeAt(i)) << 4) |
      hexDigit(hex.charCodeAt(i + 1));
  }
  w.pos = p;
}

function hexDigit(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

/** No value has this prototype: the empty value of the class cache (null is a prototype). */
const NO_PROTO: object = Object.freeze(Object.create(null));

/**
 * The two classes written last, and their info: messages mostly repeat a class or two (a
 * request and its reply), and this spares the Map lookup.
 */
let lastProto: object | null = NO_PROTO;
let lastInfo: ClassInfo | undefined;
let otherProto: object | null = NO_PROTO;
let otherInfo: ClassInfo | undefined;

function writeObject(w: Writer, v: object): void {
  const proto = getPrototypeOf(v);
  if (proto === lastProto) return writeClass(w, v, lastInfo!);
  if (proto === otherProto) return writeClass(w, v, otherInfo!);
  if (proto === ObjectPrototype) return writePlain(w, v);
  if (proto === ArrayPrototype) return writeArray(w, v as unknown[]);
  if (proto === refHook.proto) return writeRef(w, v);
  const info = classByProto.get(proto);
  if (info !== undefined) {
    otherProto = lastProto;
    otherInfo = lastInfo;
    lastProto = proto;
    lastInfo = info;
    return writeClass(w, v, info);
  }
  if (proto === null) return writePlain(w, v);
  writeBuiltin(w, v, proto);
}

function enter(w: Writer, v: object): void {
  const d = ++w.depth;
  if (d > 16 /* CYCLE_CHECK_DEPTH */) enterDeep(w, v, d);
}

function leave(w: Writer): void {
  const d = w.depth--;
  if (d > 16 /* CYCLE_CHECK_DEPTH */) w.stack[d] = undefined;
}

function enterDeep(w: Writer, v: object, d: number): void {
  const stack = w.stack;
  for (let i = CYCLE_CHECK_DEPTH + 1; i < d; i++) {
    if (stack[i] === v) throw new EncodeFault("", "", undefined, v);
  }
  if (d > MAX_DEPTH) {
    throw new EncodeFault(
      `it nests deeper than the limit of ${MAX_DEPTH} containers (MAX_DEPTH)`,
      "Flatten the data, or send it in parts",
    );
  }
  stack[d] = v;
}

/** Records where an error passed on its way out; returns the error to rethrow. */
function trail(
  w: Writer,
  e: unknown,
  segment: string,
  container: object,
): unknown {
  if (isInstance(e, WriterFullError)) return e;
  (w.trail ??= []).push(segment);
  (w.trailContainers ??= []).push(container);
  return e;
}

/**
 * Holes looked at one by one before the rest of an array is written from its own keys instead:
 * past this, a run of holes may be of any length, and only the keys present cost anything.
 */
const HOLE_SCAN = 64;

function writeArray(w: Writer, a: unknown[]): void {
  const n = a.length;
  if (n > MAX_MESSAGE_BYTES) {
    throw new EncodeFault(
      `it is an array of length ${n}, over the message size limit of ${MAX_MESSAGE_BYTES} ` +
        `(MAX_MESSAGE_BYTES)`,
      "Send large data in parts",
    );
  }
  if (n <= 7 /* FIXARRAY_MAX */) {
    w.u8(0xa8 /* FIXARRAY */ + n);
  } else {
    w.u8(0xbb /* ARRAY */);
    w.varuint(n);
  }
  enter(w, a);
  let i = 0;
  let unordered = false;
  try {
    for (; i < n; i++) {
      const x = a[i];
      if (x === undefined && !(i in a)) {
        let run = 1;
        while (
          run < HOLE_SCAN && i + run < n && a[i + run] === undefined &&
          !(i + run in a)
        ) {
          run++;
        }
        if (run === HOLE_SCAN && i + run < n) break; // the rest by its keys, below
        writeHoles(w, run);
        i += run - 1;
      } else {
        writeValue(w, x);
      }
    }
    if (i < n) {
      // A long run of holes: the rest of the array is written from its own keys, which V8 lists
      // in index order and, for an array in dictionary mode, in time that follows the elements
      // present rather than its length.
      let last = -1;
      for (const k in a) {
        // Own indices, ascending; other keys (extras, inherited ones) are not sent.
        const j = +k;
        if (!(j >= 0 && j < n) || "" + j !== k || !hasOwn(a, k)) continue;
        if (j <= last) { // only a Proxy's ownKeys trap can do this
          unordered = true;
          break;
        }
        last = j;
        if (j < i) continue; // written already
        if (j > i) writeHoles(w, j - i);
        i = j;
        writeValue(w, a[j]);
        i = j + 1;
      }
      if (i < n) writeHoles(w, n - i);
    }
  } catch (e) {
    throw trail(w, e, indexSegment(i), a);
  }
  if (unordered) throw unorderedIndices();
  if (a.length !== n) throw changedWhileEncoding("array", "length");
  leave(w);
}

function unorderedIndices(): EncodeFault {
  return new EncodeFault(
    "it is an array whose keys are not listed in index order (a Proxy's ownKeys trap), so its " +
      "elements cannot be written from them",
    "Send a plain array (a copy: [...proxy]) instead",
  );
}

function writeHoles(w: Writer, run: number): void {
  w.u8(0xbf /* EXT */);
  w.u8(0 /* X_HOLES */);
  w.varuint(run);
}

function writePlain(w: Writer, o: object): void {
  const shapes = w.shapes;
  let node: ShapeNode = shapes.root;
  let count = 0;
  for (const k in o) {
    // Inherited enumerable keys (someone extended Object.prototype) are not the object's own;
    // V8 reduces this check to nothing for an object on its enum-cache fast path.
    if (!hasOwnProperty.call(o, k)) continue;
    if (count < 32 /* MAX_TRIE_KEYS */) {
      node = node.k0 === k ? node.c0! : shapes.child(node, k);
    }
    count++;
  }
  if (count > 32 /* MAX_TRIE_KEYS */) return writeLargePlain(w, o, count);
  if (node.epoch === w.epoch) {
    const index = node.index;
    if (index <= 3 /* FIXSHAPE_MAX */) {
      w.u8(0xa4 /* FIXSHAPE */ + index);
    } else {
      w.u8(0xbd /* SHAPE */);
      w.varuint(index);
    }
  } else {
    node.epoch = w.epoch;
    node.index = w.shapeCount++;
    const header = node.header;
    if (header !== undefined) {
      w.raw(header);
    } else {
      const at = w.pos;
      writeShapeHeader(w, node.keys, count);
      node.header = w.bytes.slice(at, w.pos);
    }
  }
  enter(w, o);
  const write = node.write;
  if (write !== undefined) {
    write(w, o);
  } else {
    if (
      ++node.uses === COMPILE_AFTER && shapes.compiled < MAX_COMPILED &&
      node.header!.length <= COMPILE_MAX_BYTES
    ) {
      shapes.compiled++;
      node.write = compileShapeWriter(node.keys);
    }
    const keys = node.keys;
    let i = 0;
    try {
      for (; i < count; i++) {
        writeValue(w, (o as Record<string, unknown>)[keys[i]]);
      }
    } catch (e) {
      throw trail(w, e, keySegment(keys[i]), o);
    }
    checkKeys(o, keys);
  }
  leave(w);
}

/**
 * Throws unless `o`'s own enumerable keys are still `keys`, in order: writing its values ran
 * user code (getters, Proxy traps, anything they call), which may have added or deleted keys,
 * and the keys written first would then misstate the object. The compiled writers check the same
 * after their values (a for-in over one shape, on V8's enum-cache fast path), and call this only
 * when that quick check differs (say, when Object.prototype has enumerable keys).
 */
function checkKeys(o: object, keys: readonly string[]): void {
  let i = 0;
  for (const k in o) {
    if (!hasOwnProperty.call(o, k)) continue;
    if (keys[i++] !== k) throw changedKeys();
  }
  if (i !== keys.length) throw changedKeys();
}

function changedKeys(): EncodeFault {
  return new EncodeFault(
    "the object gained or lost keys while it was being encoded (a getter changed it)",
    "Do not change a message while sending it",
  );
}

/** A shape is compiled once this many objects have been written with it. */
const COMPILE_AFTER = 8;
/** Shapes whose encoded keys take more bytes are never compiled. */
const COMPILE_MAX_BYTES = 2048;

function compileShapeWriter(
  keys: readonly string[],
): CompiledWriter | undefined {
  return compileWriter(
    keys,
    writeValue,
    (w, e, i, o) => trail(w, e, keySegment(keys[i]), o),
    (o) => checkKeys(o, keys),
  );
}

function writeShapeHeader(
  w: Writer,
  keys: readonly string[],
  count: number,
): void {
  if (count <= 11 /* FIXOBJ_MAX */) {
    w.u8(0x98 /* FIXOBJ */ + count);
  } else {
    w.u8(0xbc /* OBJ */);
    w.varuint(count);
  }
  for (let i = 0; i < count; i++) w.taggedString(keys[i]);
}

/** An object with too many keys for the trie: always a new shape, its keys listed first. */
function writeLargePlain(w: Writer, o: object, count: number): void {
  const keys: string[] = new Array(count);
  let n = 0;
  for (const k in o) {
    if (hasOwnProperty.call(o, k) && n < count) keys[n++] = k;
  }
  if (n !== count) throw changedKeys(); // a Proxy's traps answered differently the second time
  writeShapeHeader(w, keys, count);
  w.shapeCount++;
  enter(w, o);
  let i = 0;
  try {
    for (; i < count; i++) {
      writeValue(w, (o as Record<string, unknown>)[keys[i]]);
    }
  } catch (e) {
    throw trail(w, e, keySegment(keys[i]), o);
  }
  checkKeys(o, keys);
  leave(w);
}

function writeRef(w: Writer, v: object): void {
  w.u8(0xbe /* REF */);
  refHook.codec!.write(w, v, w.context);
}

function writeClass(w: Writer, v: object, info: ClassInfo): void {
  if (w.checkLayouts) {
    const hash = layoutHash(info);
    w.ensure(4);
    const b = w.bytes;
    const p = w.pos;
    b[p] = 0xbf /* EXT */;
    b[p + 1] = 11 /* X_LAYOUT */;
    b[p + 2] = hash & 0xff;
    b[p + 3] = hash >>> 8;
    w.pos = p + 4;
  }
  w.ensure(3);
  const b = w.bytes;
  const p = w.pos;
  b[p] = info.b0;
  b[p + 1] = info.b1;
  b[p + 2] = info.b2;
  w.pos = p + 3;
  enter(w, v);
  if (info.encode !== undefined) {
    writeCustom(w, v, info);
    leave(w);
    return;
  }
  const write = info.write ??= info.isError ? undefined : compileWriter(
    info.fields,
    writeValue,
    (w, e, i, o) => trail(w, e, keySegment(info.fields[i]), o),
    (o) => checkLayout(o, info),
  );
  if (write !== undefined) write(w, v);
  else writeInstance(w, v, info);
  leave(w);
}

/**
 * An instance by a generic loop: registered error classes (rare: the error's own parts come
 * first), and every class where code generation is disallowed.
 */
function writeInstance(w: Writer, v: object, info: ClassInfo): void {
  const fields = info.fields;
  if (info.isError) writeErrorCore(w, v as Error, info);
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      writeValue(w, (v as Record<string, unknown>)[fields[i]]);
    }
  } catch (e) {
    throw trail(w, e, keySegment(fields[i]), v);
  }
  // After the fields, as the compiled writers do: a getter may have added a key meanwhile.
  i = 0;
  for (const k in v) {
    if (k !== fields[i++]) {
      checkLayout(v, info);
      return;
    }
  }
}

/**
 * The slow layout check, after the fields were written (so it also sees a field that a getter
 * added meanwhile): every own enumerable key must be a layout field.
 */
function checkLayout(v: object, info: ClassInfo): void {
  for (const k in v) {
    if (!info.fieldSet.has(k) && hasOwn(v, k)) {
      if (info.isError && (k === "message" || k === "stack" || k === "cause")) {
        continue;
      }
      throw new EncodeFault(
        `it is a ${info.name} with a field '${k}' that its registered layout ` +
          `[${info.fields.join(", ")}] does not have, and would be lost`,
        `Declare the field in the class so that new ${info.cls.name}() creates it, or list ` +
          `it in registerMessage(${info.cls.name}, { fields: [...] })`,
      );
    }
  }
}

function writeCustom(w: Writer, v: object, info: ClassInfo): void {
  // The payload is length-prefixed, so a decoder that reads too much or too little is caught.
  w.u8(0);
  const at = w.pos;
  try {
    info.encode!(w, v, w.context);
  } catch (e) {
    if (isInstance(e, EncodeFault) || isInstance(e, WriterFullError)) {
      throw trail(w, e, "", v);
    }
    throw trail(
      w,
      new EncodeFault(
        `the custom encode of message class ${info.name} threw ${describeError(e)}`,
        "Fix the encode function given to registerMessage",
        e,
      ),
      "",
      v,
    );
  }
  const len = w.pos - at;
  if (len < 0x80) {
    w.bytes[at - 1] = len;
    return;
  }
  // A longer payload needs a longer varuint: move the payload to make room.
  let extra = 0;
  for (let t = len; t > 0x7f; t = Math.floor(t / 128)) extra++;
  w.ensure(extra);
  const b = w.bytes;
  b.copyWithin(at + extra, at, at + len);
  w.pos = at - 1;
  w.varuint(len);
  w.pos = at + extra + len;
}

function writeErrorCore(w: Writer, e: Error, info: ClassInfo | null): void {
  const stack = e.stack;
  const hasStack = typeof stack === "string";
  const hasCause = hasOwn(e, "cause");
  const errors = (e as { errors?: unknown }).errors;
  const hasErrors = Array.isArray(errors) && hasOwn(e, "errors");
  // One of the known error classes' own errors (not one that only bears such a name): marked,
  // with its own primitive fields (an UndeliverableError's kind), which an unregistered error's
  // encoding otherwise leaves out.
  const known = info === null && knownErrorClass(asText(e.name)) === e.constructor;
  const fields = known ? knownFields(e) : null;
  w.u8(
    (hasStack ? 1 /* ERROR_HAS_STACK */ : 0) |
      (hasCause ? 2 /* ERROR_HAS_CAUSE */ : 0) |
      (hasErrors ? 4 /* ERROR_HAS_ERRORS */ : 0) |
      (known ? 8 /* ERROR_IS_KNOWN */ : 0) |
      (fields !== null ? 16 /* ERROR_HAS_FIELDS */ : 0),
  );
  if (info === null) w.taggedString(asText(e.name));
  w.taggedString(asText(e.message));
  if (hasStack) w.taggedString(stack);
  try {
    if (hasCause) writeValue(w, e.cause);
  } catch (x) {
    throw trail(w, x, ".cause", e);
  }
  try {
    if (hasErrors) writeValue(w, errors);
  } catch (x) {
    throw trail(w, x, ".errors", e);
  }
  if (fields !== null) writePlain(w, fields);
}

/**
 * A known error's own enumerable data fields of primitive values, but the parts the error
 * encoding carries itself, or null: none. Getters are not run: an unregistered error's other
 * properties were never read, and a getter that throws must not fail the encoding.
 */
function knownFields(e: Error): Record<string, unknown> | null {
  let fields: Record<string, unknown> | null = null;
  for (const key of Object.keys(e)) {
    if (ERROR_PARTS.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(e, key);
    if (descriptor === undefined || !("value" in descriptor)) continue;
    const value = descriptor.value;
    const kind = typeof value;
    if (
      value === null || kind === "string" || kind === "number" || kind === "boolean" ||
      kind === "bigint"
    ) {
      (fields ??= {})[key] = value;
    }
  }
  return fields;
}

/** The parts of an error its encoding carries itself, which its fields part never names. */
const ERROR_PARTS = new Set(["name", "message", "stack", "cause", "errors", "__proto__"]);

function asText(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return String(v);
  } catch {
    return "";
  }
}

function writeBuiltin(w: Writer, v: object, proto: object): void {
  if (proto === Uint8Array.prototype) {
    const u = v as Uint8Array;
    // A view whose buffer was transferred, or shrunk below it, reads as empty: not its data.
    if (u.length === 0) checkViewable(u);
    w.u8(0xba /* BIN */);
    w.varuint(u.length);
    w.raw(u);
    return;
  }
  if (proto === Map.prototype) return writeMap(w, v as Map<unknown, unknown>);
  if (proto === Set.prototype) return writeSet(w, v as Set<unknown>);
  if (proto === Date.prototype) {
    w.u8(0xbf /* EXT */);
    w.u8(3 /* X_DATE */);
    writeNumber(w, (v as Date).getTime());
    return;
  }
  const kind = typedKindByProto.get(proto);
  if (kind !== undefined) {
    const t = v as Int32Array;
    if (t.length === 0) checkViewable(t);
    writeRawExt(
      w,
      kind,
      new Uint8Array(t.buffer, t.byteOffset, t.byteLength),
      t.BYTES_PER_ELEMENT,
    );
    return;
  }
  if (proto === ArrayBuffer.prototype) {
    checkAttached(v as ArrayBuffer);
    writeRawExt(w, 6, /* X_ARRAYBUFFER */ new Uint8Array(v as ArrayBuffer), 1);
    return;
  }
  if (proto === DataView.prototype) {
    const d = v as DataView;
    checkViewable(d);
    writeRawExt(
      w,
      7,
      /* X_DATAVIEW */ new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
      1,
    );
    return;
  }
  if (proto === RegExp.prototype) {
    const r = v as RegExp;
    w.u8(0xbf /* EXT */);
    w.u8(9 /* X_REGEXP */);
    w.taggedString(r.source);
    w.taggedString(r.flags);
    return;
  }
  if (Error.isError(v) || v instanceof Error) {
    refuseUnregisteredSubclass(proto);
    w.u8(0xbf /* EXT */);
    w.u8(8 /* X_ERROR */);
    enter(w, v);
    writeErrorCore(w, v as Error, null);
    leave(w);
    return;
  }
  throw unsupported(v, proto);
}

/**
 * Refuses a view that shows no data of its buffer: the buffer was transferred, or (resizable) it
 * shrank below the view. Either reads as empty, which the receiver could not tell from data.
 */
function checkViewable(view: ArrayBufferView): void {
  checkAttached(view.buffer);
  let inBounds = true;
  try {
    // Out of bounds, a DataView's byteLength throws; a typed array's subarray does.
    if (view instanceof DataView) void view.byteLength;
    else (view as Uint8Array).subarray(0);
  } catch {
    inBounds = false;
  }
  if (!inBounds) {
    throw new EncodeFault(
      "its ArrayBuffer was resized below the view: the view shows none of its data",
      "Send the view while its buffer holds it, or a copy of what it should show",
    );
  }
}

function checkAttached(buffer: ArrayBufferLike): void {
  if ((buffer as ArrayBuffer).detached === true) {
    throw new EncodeFault(
      "its ArrayBuffer is detached (it was transferred)",
      "Send the data before transferring its buffer",
    );
  }
}

function writeRawExt(
  w: Writer,
  kind: number,
  bytes: Uint8Array,
  elementSize: number,
): void {
  w.u8(0xbf /* EXT */);
  w.u8(kind);
  w.varuint(bytes.length);
  const at = w.pos;
  w.raw(bytes);
  if (!LITTLE_ENDIAN_HOST) {
    swapElements(w.bytes.subarray(at, w.pos), elementSize);
  }
}

function writeMap(w: Writer, m: Map<unknown, unknown>): void {
  const size = m.size;
  w.u8(0xbf /* EXT */);
  w.u8(1 /* X_MAP */);
  w.varuint(size);
  enter(w, m);
  let i = 0;
  let key: unknown = undefined;
  let atKey = true;
  try {
    for (const [k, x] of m) {
      if (i === size) break;
      key = k;
      atKey = true;
      writeValue(w, k);
      atKey = false;
      writeValue(w, x);
      i++;
    }
  } catch (e) {
    throw trail(w, e, atKey ? mapKeySegment(i) : mapValueSegment(key, i), m);
  }
  if (i !== size || m.size !== size) throw changedWhileEncoding("Map");
  leave(w);
}

function writeSet(w: Writer, s: Set<unknown>): void {
  const size = s.size;
  w.u8(0xbf /* EXT */);
  w.u8(2 /* X_SET */);
  w.varuint(size);
  enter(w, s);
  let i = 0;
  try {
    for (const x of s) {
      if (i === size) break;
      writeValue(w, x);
      i++;
    }
  } catch (e) {
    throw trail(w, e, setSegment(i), s);
  }
  if (i !== size || s.size !== size) throw changedWhileEncoding("Set");
  leave(w);
}

function changedWhileEncoding(what: string, measure = "size"): EncodeFault {
  return new EncodeFault(
    `the ${what} changed ${measure} while it was being encoded (a getter changed it)`,
    "Do not change a message while sending it",
  );
}

const REFUSED: ReadonlyArray<[object, string, string]> = [
  [
    WeakMap.prototype,
    "a WeakMap, which cannot be sent (its keys are not enumerable)",
    "Send a Map instead",
  ],
  [
    WeakSet.prototype,
    "a WeakSet, which cannot be sent (its elements are not enumerable)",
    "Send a Set instead",
  ],
  [
    WeakRef.prototype,
    "a WeakRef, which cannot be sent",
    "Send the target value instead",
  ],
  [
    FinalizationRegistry.prototype,
    "a FinalizationRegistry, which cannot be sent",
    "Keep it in the thread that made it",
  ],
  [
    Promise.prototype,
    "a Promise, which cannot be sent",
    "Await it and send the result (or reply later with another message)",
  ],
  [
    SharedArrayBuffer.prototype,
    "a SharedArrayBuffer, which is not copied into messages",
    "Hand shared memory to a worker once, when it starts; or send a copy as an ArrayBuffer",
  ],
  [
    Number.prototype,
    "a boxed Number (new Number(...))",
    "Send the primitive number instead",
  ],
  [
    String.prototype,
    "a boxed String (new String(...))",
    "Send the primitive string instead",
  ],
  [
    Boolean.prototype,
    "a boxed Boolean (new Boolean(...))",
    "Send the primitive boolean instead",
  ],
  [
    BigInt.prototype,
    "a boxed BigInt (Object(1n))",
    "Send the primitive bigint instead",
  ],
  [
    Symbol.prototype,
    "a boxed Symbol (Object(Symbol()))",
    "Send a string instead",
  ],
];

/**
 * An error whose class is not registered travels as a generic error (name, message, stack,
 * cause), but not one whose class extends a registered error class: that would drop the class
 * and the fields registered for it without a word, as it would for any other class.
 */
function refuseUnregisteredSubclass(proto: object): void {
  for (let p = getPrototypeOf(proto); p !== null; p = getPrototypeOf(p)) {
    if (!classByProto.has(p)) continue;
    const name = classNameOf(proto);
    const base = classNameOf(p);
    throw new EncodeFault(
      `it is an instance of class ${name}, which extends the registered message class ` +
        `${base} but is not registered itself (its class and fields would be lost)`,
      `Register it too, with registerMessage(${name}) or @message(), or send a ${base}`,
    );
  }
}

/** The name of the built-in view class (Uint8Array, Float32Array, DataView) `proto` extends. */
function viewBaseName(proto: object): string {
  for (let p = getPrototypeOf(proto); p !== null; p = getPrototypeOf(p)) {
    if (p === Uint8Array.prototype || p === DataView.prototype || typedKindByProto.has(p)) {
      return classNameOf(p);
    }
  }
  return "Uint8Array";
}

/** The name of the class whose prototype is `proto`. */
function classNameOf(proto: object): string {
  return (proto as { constructor?: { name?: string } }).constructor?.name || "(anonymous class)";
}

function unsupported(v: object, proto: object): EncodeFault {
  for (const [p, problem, advice] of REFUSED) {
    if (proto === p) return new EncodeFault(`it is ${problem}`, advice);
  }
  let ctor: unknown = undefined;
  try {
    ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  } catch {
    // A proxy's trap threw: describe it without its class.
  }
  if (typeof ctor === "function" && ctor.prototype === proto) {
    const name = ctor.name || "(anonymous class)";
    const hidden = hiddenStateOf(ctor);
    if (hidden !== null) {
      return new EncodeFault(
        `it is an instance of class ${name}, which no field layout can carry: ${hidden}`,
        `Send plain data instead (a URL's href, a Blob's bytes), or register it with a custom ` +
          `encode/decode`,
      );
    }
    for (const [p, problem, advice] of REFUSED) {
      if (Object.prototype.isPrototypeOf.call(p, v)) {
        return new EncodeFault(
          `it is an instance of class ${name}, ${problem}`,
          advice,
        );
      }
    }
    if (ArrayBuffer.isView(v)) {
      // A Buffer of node:buffer, say: registering it by fields is refused (its bytes are no
      // field), so the advice is the plain view, or a custom encoding.
      const base = viewBaseName(proto);
      return new EncodeFault(
        `it is an instance of class ${name}, a subclass of ${base} that is not a registered ` +
          `message class`,
        `Send a plain typed array instead (new ${base}(value.buffer, value.byteOffset, ` +
          `value.${
            base === "DataView" ? "byteLength" : "length"
          }) shares its bytes), or register ` +
          `${name} with a custom encode/decode`,
      );
    }
    return new EncodeFault(
      `it is an instance of class ${name}, which is not a registered message class`,
      `Register it with registerMessage(${name}) or @message() in the module that defines it` +
        (v instanceof Map || v instanceof Set || v instanceof Date ||
            Array.isArray(v) || v instanceof RegExp || v instanceof ArrayBuffer
          ? " (it extends a built-in, so give it a custom encode/decode)"
          : ""),
    );
  }
  return new EncodeFault(
    "it is an object whose prototype is neither Object.prototype, null, nor a registered " +
      "message class's prototype",
    "Send a plain object, or an instance of a class registered with registerMessage()",
  );
}

/**
 * @internal Turns whatever stopped the outermost `value()` into the error its caller sees: a
 * CodecError naming the path, or the WriterFullError as it is.
 */
export function encodeFailure(w: Writer, e: unknown): unknown {
  const segments = w.trail;
  const containers = w.trailContainers;
  w.trail = null;
  w.trailContainers = null;
  w.depth = 0;
  w.stack.length = 0;
  if (isInstance(e, WriterFullError)) return e;
  const path = joinTrail(segments);
  if (isInstance(e, EncodeFault)) {
    const fault = e as EncodeFault;
    if (fault.cycle !== undefined) {
      return cycleError(segments ?? [], containers ?? [], fault.cycle);
    }
    return new CodecError(
      `cannot encode ${path}: ${fault.problem}. ${fault.advice}.`,
      {
        path,
        cause: fault.cause,
      },
    );
  }
  // User code threw (a getter, a Proxy trap, a custom encoder): even a RingmailError of its own
  // (a nested send's) becomes a CodecError naming where in this message, with it as the cause.
  return encodeThrew(path, e);
}

/** Reports a cycle at its outermost point: the first container that contains itself. */
function cycleError(
  segments: readonly string[],
  containers: readonly object[],
  repeated: unknown,
): CodecError {
  // containers[k] is the container at depth (containers.length - k); the innermost, `repeated`,
  // was being entered when the cycle was seen.
  const chain = [...containers].reverse();
  chain.push(repeated as object);
  let from = 0;
  let to = chain.length - 1;
  outer: for (let i = 0; i < chain.length; i++) {
    for (let j = i + 1; j < chain.length; j++) {
      if (chain[i] === chain[j]) {
        from = i;
        to = j;
        break outer;
      }
    }
  }
  const root = joinTrail(segments, from);
  const path = joinTrail(segments, to);
  return new CodecError(
    `cannot encode ${path}: it is ${root} again (a cycle), which a message cannot hold. ` +
      `Send an id or a ref instead of the back-reference.`,
    { path },
  );
}
