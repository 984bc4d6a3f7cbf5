/**
 * Reading values: one branch on the tag ranges, then one switch. Every length read from the bytes
 * is checked against what is left before anything is allocated; containers count depth; path
 * segments for errors are collected only while an error unwinds.
 *
 * Tag values are written as literals with their name in a comment: V8 does not fold imported
 * (or module-level) constants, and a load per comparison made decoding ~20% slower. tags.ts is
 * the table; the golden-bytes test keeps the two in step.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";
import { formatClassId } from "./class_id.ts";
import { classById, type ClassInfo, layoutHash } from "./class_table.ts";
import {
  type CompiledBuilder,
  compileInstanceBuilder,
  compileObjectBuilder,
  defineField,
  shadowsAccessor,
} from "./compile.ts";
import { knownErrorClass } from "./known_errors.ts";
import { MAX_DEPTH, MAX_MESSAGE_BYTES } from "./limits.ts";
import { LITTLE_ENDIAN_HOST, swapElements } from "./number_bits.ts";
import {
  indexSegment,
  joinTrail,
  keySegment,
  mapKeySegment,
  mapValueSegment,
  setSegment,
} from "./path.ts";
import type { Reader } from "./reader.ts";
import { refHook } from "./ref_codec.ts";
import { EMPTY_SHAPE, ShapeEntry } from "./shape_cache.ts";
import { describeError, isInstance } from "./thrown.ts";
import { TYPED_ARRAYS } from "./typed_arrays.ts";
import { decodeUtf8 } from "./utf8.ts";

const defineProperty = Object.defineProperty;
const objectCreate: (proto: object) => Record<string, unknown> = Object.create;

/** @internal Reads any value; the reader's `value()` is the entry point. */
export function readValue(r: Reader): unknown {
  const p = r.pos;
  if (p >= r.end) throw r.truncated(1);
  const t = r.bytes[p];
  r.pos = p + 1;
  if (t < 0x80 /* FIXSTR */) return t;
  if (t < 0x98 /* FIXOBJ */) return readString(r, t - 0x80 /* FIXSTR */);
  if (t >= 0xc0 /* CLASS */) return readClass(r, t);
  if (t < 0xa4 /* FIXSHAPE */) {
    return readObject(r, readShape(r, t - 0x98 /* FIXOBJ */));
  }
  if (t < 0xa8 /* FIXARRAY */) {
    return readObject(r, shapeAt(r, t - 0xa4 /* FIXSHAPE */));
  }
  if (t < 0xb0 /* UNDEFINED */) return readArray(r, t - 0xa8 /* FIXARRAY */);
  switch (t) {
    case 0xb0 /* UNDEFINED */:
      return undefined;
    case 0xb1 /* NULL */:
      return null;
    case 0xb2 /* FALSE */:
      return false;
    case 0xb3 /* TRUE */:
      return true;
    case 0xb4 /* UINT8 */:
      return r.u8();
    case 0xb5 /* VARUINT */:
      return r.varuint();
    case 0xb6 /* NEGINT */:
      return -1 - r.varuint();
    case 0xb7 /* FLOAT32 */:
      return r.f32();
    case 0xb8 /* FLOAT64 */:
      return r.f64();
    case 0xb9 /* STR */:
      return readString(r, r.varuint());
    case 0xba /* BIN */:
      return r.raw(r.varuint());
    case 0xbb /* ARRAY */:
      return readArray(r, r.varuint());
    case 0xbc /* OBJ */:
      return readObject(r, readShape(r, r.varuint()));
    case 0xbd /* SHAPE */:
      return readObject(r, shapeAt(r, r.varuint()));
    case 0xbe /* REF */:
      return readRef(r);
    case 0xbf /* EXT */:
      return readExt(r);
  }
  throw r.corrupt(`unknown tag 0x${t.toString(16)}`, p);
}

function readString(r: Reader, n: number): string {
  const p = r.pos;
  if (n > r.end - p) throw r.truncated(n);
  const s = decodeUtf8(r.bytes, p, n);
  r.pos = p + n;
  return s;
}

function enter(r: Reader): void {
  if (++r.depth > 512 /* MAX_DEPTH */) {
    throw r.corrupt(
      `containers nested deeper than the limit of ${MAX_DEPTH} (MAX_DEPTH)`,
    );
  }
}

function trail(r: Reader, e: unknown, segment: string): unknown {
  (r.trail ??= []).push(segment);
  return e;
}

/** Hole runs at least this long make an array that was not preallocated sparse (see below). */
const LONG_RUN = 32;
/** The largest array index: a write there turns a V8 array into a dictionary of its elements. */
const LAST_INDEX = 2 ** 32 - 2;

function readArray(r: Reader, n: number): unknown[] {
  if (n > MAX_MESSAGE_BYTES) throw r.corrupt(`an array length of ${n}`);
  enter(r);
  // Every element takes at least a byte, so an array whose elements fit in the bytes left is
  // preallocated (several times faster to fill). But runs of holes take a few bytes for any
  // length, and an array's length counts again in every array it nests in: so preallocations
  // also draw on the region's slot budget (its size), and forged lengths cannot add up to more.
  let a: unknown[];
  let preallocated = false;
  if (n <= r.end - r.pos && n <= r.slotBudget) {
    r.slotBudget -= n;
    a = new Array(n);
    preallocated = true;
  } else {
    a = [];
  }
  const b = r.bytes;
  let i = 0;
  try {
    while (i < n) {
      const p = r.pos;
      if (
        p + 1 < r.end && b[p] === 0xbf /* EXT */ && b[p + 1] === 0 /* X_HOLES */
      ) {
        r.pos = p + 2;
        const run = r.varuint();
        if (run === 0 || run > n - i) {
          throw r.corrupt(`a run of ${run} holes`, p);
        }
        i += run;
        // V8 grows an array written past its end by up to 1024 slots at a time, and setting a
        // longer length allocates it all: a long run makes a growing array a dictionary of its
        // elements instead, whose memory follows them, not its length (the length is set last).
        if (run >= LONG_RUN && !preallocated) makeSparse(a);
      } else {
        a[i] = readValue(r);
        i++;
      }
    }
  } catch (e) {
    throw trail(r, e, indexSegment(i));
  }
  if (a.length !== n) {
    if (!preallocated && n - a.length >= LONG_RUN) makeSparse(a);
    a.length = n;
  }
  r.depth--;
  return a;
}

/** Makes `a` a dictionary-mode array (length 2^32-1 until its caller sets the real one). */
function makeSparse(a: unknown[]): void {
  if (a.length > LAST_INDEX) return;
  a[LAST_INDEX] = undefined;
  delete a[LAST_INDEX];
}

/** Reads the keys of a new shape (or finds them in the cache) and makes it the next index. */
function readShape(r: Reader, count: number): ShapeEntry {
  const b = r.bytes;
  const start = r.pos;
  const end = r.end;
  if (count > end - start) throw r.truncated(count);
  const cache = r.shapeCache;
  const slot = cache.slot(b, start, end, count);
  let entry = count === 0 ? EMPTY_SHAPE : cache.find(slot, b, r.view, start, end, count);
  if (entry !== undefined) {
    r.pos = start + entry.raw.length;
  } else {
    const keys: string[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const at = r.pos;
      const t = at < end ? b[at] : -1;
      if (
        !((t >= 0x80 /* FIXSTR */ &&
          t <= 0x80 /* FIXSTR */ + 23 /* FIXSTR_MAX */) ||
          t === 0xb9 /* STR */ ||
          (t === 0xbf /* EXT */ && at + 1 < end &&
            b[at + 1] === 10 /* X_STR16 */))
      ) {
        throw t < 0 ? r.truncated(1) : r.corrupt("an object key that is not a string", at);
      }
      keys[k] = readValue(r) as string;
    }
    entry = new ShapeEntry(
      keys,
      keys.includes("__proto__"),
      b.slice(start, r.pos),
    );
    cache.store(slot, entry);
  }
  r.shapes[r.shapeCount++] = entry;
  return entry;
}

function shapeAt(r: Reader, index: number): ShapeEntry {
  if (index >= r.shapeCount) {
    throw r.corrupt(
      `a reference to shape ${index} when ${r.shapeCount} are defined`,
    );
  }
  return r.shapes[index];
}

function readObject(r: Reader, shape: ShapeEntry): Record<string, unknown> {
  enter(r);
  let o: Record<string, unknown>;
  const build = shape.build;
  if (build !== undefined) {
    o = build(r);
  } else {
    if (
      ++shape.uses === COMPILE_AFTER && !shape.protoKey &&
      shape.keys.length <= COMPILE_MAX_KEYS &&
      shape.raw.length <= COMPILE_MAX_BYTES
    ) {
      shape.build = compileBuilder(shape.keys);
    }
    o = {};
    const keys = shape.keys;
    const n = keys.length;
    let i = 0;
    try {
      if (shape.protoKey) {
        for (; i < n; i++) {
          defineProperty(o, keys[i], {
            value: readValue(r),
            writable: true,
            enumerable: true,
            configurable: true,
          });
        }
      } else {
        for (; i < n; i++) o[keys[i]] = readValue(r);
      }
    } catch (e) {
      throw trail(r, e, keySegment(keys[i]));
    }
  }
  r.depth--;
  return o;
}

/** A shape is compiled once this many objects have been read with it. */
const COMPILE_AFTER = 8;
/** Shapes with more keys are never compiled. */
const COMPILE_MAX_KEYS = 64;
/** Shapes whose keys take more bytes are never compiled. */
const COMPILE_MAX_BYTES = 2048;

function compileBuilder(keys: readonly string[]): CompiledBuilder | undefined {
  return compileObjectBuilder(
    keys,
    readValue,
    (r, e, i) => trail(r, e, keySegment(keys[i])),
  );
}

/**
 * The two classes read last, and their info: messages mostly repeat a class or two (a request
 * and its reply), and this spares the Map lookup.
 */
let lastId = -1;
let lastInfo: ClassInfo | undefined;
let otherId = -1;
let otherInfo: ClassInfo | undefined;

/** The registered class of id `id`: the two read last are looked up without the map. */
function classOfId(id: number): ClassInfo | undefined {
  if (id === lastId) return lastInfo;
  if (id === otherId) return otherInfo;
  const info = classById.get(id);
  if (info !== undefined) {
    otherId = lastId;
    otherInfo = lastInfo;
    lastId = id;
    lastInfo = info;
  }
  return info;
}

function readClass(r: Reader, t: number): unknown {
  const p = r.pos;
  if (p + 2 > r.end) throw r.truncated(2);
  const b = r.bytes;
  const id = ((t & 0x3f) << 16) | (b[p] << 8) | b[p + 1];
  r.pos = p + 2;
  const info = classOfId(id);
  if (info === undefined) {
    throw new CodecError(
      `unknown message class id ${formatClassId(id)} at byte ${p - 1 - r.start}: no class ` +
        `registered in this thread has that id. Import the module that registers it ` +
        `(registerMessage or @message) in every worker that receives it`,
    );
  }
  enter(r);
  let v: unknown;
  if (info.decode !== undefined) {
    v = readCustom(r, info);
  } else {
    const build = info.build ??= info.isError ? undefined : compileInstanceBuilder(
      info.proto,
      info.fields,
      readValue,
      (r, e, i) => trail(r, e, keySegment(info.fields[i])),
    );
    if (build !== undefined) {
      v = build(r);
    } else {
      // Registered error classes (rare), and every class where code generation is disallowed.
      const o = info.isError ? readErrorCore(r, info) : objectCreate(info.proto);
      const fields = info.fields;
      let i = 0;
      try {
        const defines = definedFieldsOf(info);
        for (; i < fields.length; i++) {
          const value = readValue(r);
          if (defines[i]) defineField(o, fields[i], value);
          else o[fields[i]] = value;
        }
      } catch (e) {
        throw trail(r, e, keySegment(fields[i]));
      }
      v = o;
    }
  }
  r.depth--;
  // The outermost value is a plain instance of the class (a custom decoder may return a
  // subclass's; an error's prototype is the class's, but errors are rare): say so, for dispatch.
  if (r.depth === 0 && info.decode === undefined && !info.isError) r.topClass = info;
  return v;
}

/** Per class, which fields are defined rather than assigned (see shadowsAccessor). */
const definedFields = new WeakMap<ClassInfo, readonly boolean[]>();

function definedFieldsOf(info: ClassInfo): readonly boolean[] {
  let defines = definedFields.get(info);
  if (defines === undefined) {
    defines = info.fields.map((key) => shadowsAccessor(info.proto, key));
    definedFields.set(info, defines);
  }
  return defines;
}

function readCustom(r: Reader, info: ClassInfo): unknown {
  const len = r.varuint();
  const from = r.pos;
  if (len > r.end - from) throw r.truncated(len);
  const stop = from + len;
  const saved = r.end;
  r.end = stop;
  let v: unknown;
  try {
    v = info.decode!(r, r.context);
  } catch (e) {
    // Its reader ends where its payload does: a read past it is the decoder's fault, not the
    // message's; other codec errors (a class unknown here) pass as they are.
    if (isInstance(e, CodecError)) {
      const text = (e as CodecError).message;
      if (r.pos + 8 < stop || !/^needed \d+ byte/.test(text)) throw e;
      throw new CodecError(
        `the custom decode of message class ${info.name} read past its ${len}-byte payload ` +
          `(${text.replace(/ \(truncated or corrupt bytes\)$/, "")}): its decode reads more ` +
          `than its encode writes`,
        { cause: e },
      );
    }
    throw new CodecError(
      `the custom decode of message class ${info.name} threw ${describeError(e)}`,
      { cause: e },
    );
  } finally {
    r.end = saved;
  }
  if (r.pos !== stop) {
    throw r.corrupt(
      `the custom decode of message class ${info.name} read ${r.pos - from} bytes but its ` +
        `encode wrote ${len}`,
      from,
    );
  }
  if (!(v instanceof (info.cls as abstract new () => unknown))) {
    throw new CodecError(
      `the custom decode of message class ${info.name} returned ${typeof v} instead of an ` +
        `instance of ${info.cls.name}`,
    );
  }
  return v;
}

function readRef(r: Reader): unknown {
  const codec = refHook.codec;
  if (codec === null) {
    throw r.corrupt(
      "an actor ref, but no ref codec is installed in this thread (the actor layer installs " +
        "one with setRefCodec)",
      r.pos - 1,
    );
  }
  return codec.read(r, r.context);
}

const BUILTIN_ERRORS: ReadonlyMap<
  string,
  ErrorConstructor | AggregateErrorConstructor
> = new Map<
  string,
  ErrorConstructor | AggregateErrorConstructor
>([
  ["Error", Error],
  ["EvalError", EvalError],
  ["RangeError", RangeError],
  ["ReferenceError", ReferenceError],
  ["SyntaxError", SyntaxError],
  ["TypeError", TypeError],
  ["URIError", URIError],
  ["AggregateError", AggregateError],
]);

function defineHidden(o: object, key: string, value: unknown): void {
  defineProperty(o, key, {
    value,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

function readText(r: Reader, what: string): string {
  const at = r.pos;
  const v = readValue(r);
  if (typeof v !== "string") {
    throw r.corrupt(`${what} that is not a string`, at);
  }
  return v;
}

/** What an error's fields part may not name: the parts the error encoding carries itself. */
const ERROR_PARTS = new Set(["name", "message", "stack", "cause", "errors", "__proto__"]);

/**
 * Reads a known error's fields part: a plain object of primitive values, none of them one of
 * the error's own parts.
 */
function readErrorFields(r: Reader, at: number): Record<string, unknown> {
  const fields = readValue(r);
  if (
    typeof fields !== "object" || fields === null ||
    Object.getPrototypeOf(fields) !== Object.prototype
  ) {
    throw r.corrupt("an error's fields that are not a plain object", at);
  }
  for (const [key, value] of Object.entries(fields)) {
    const kind = typeof value;
    if (
      ERROR_PARTS.has(key) ||
      !(value === null || kind === "string" || kind === "number" || kind === "boolean" ||
        kind === "bigint")
    ) {
      throw r.corrupt(`an error field ${JSON.stringify(key)} that its encoding does not make`, at);
    }
  }
  return fields as Record<string, unknown>;
}

/**
 * Reads the parts every error carries and builds a real error object: a built-in error class
 * chosen by name, or (for a registered class) one with the class's prototype, made by
 * `Reflect.construct(Error, ...)` so the class's constructor does not run.
 */
function readErrorCore(
  r: Reader,
  info: ClassInfo | null,
): Record<string, unknown> {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 31) throw r.corrupt(`error flags 0x${flags.toString(16)}`, at);
  const name = info === null ? readText(r, "an error name") : "";
  const message = readText(r, "an error message");
  const stack = flags & 1 /* ERROR_HAS_STACK */ ? readText(r, "an error stack") : undefined;
  let cause: unknown = undefined;
  let errors: unknown = undefined;
  try {
    if (flags & 2 /* ERROR_HAS_CAUSE */) cause = readValue(r);
  } catch (e) {
    throw trail(r, e, ".cause");
  }
  try {
    if (flags & 4 /* ERROR_HAS_ERRORS */) {
      const p = r.pos;
      errors = readValue(r);
      if (!Array.isArray(errors)) {
        throw r.corrupt("an error's errors that are not an array", p);
      }
    }
  } catch (e) {
    throw trail(r, e, ".errors");
  }
  let fields: Record<string, unknown> | undefined = undefined;
  if (flags & 16 /* ERROR_HAS_FIELDS */) {
    const p = r.pos;
    // Only a known error's own, and as its writer makes them (see knownFields).
    if (!(flags & 8 /* ERROR_IS_KNOWN */) || info !== null) {
      throw r.corrupt("error fields on an error of no known class", at);
    }
    fields = readErrorFields(r, p);
  }
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // the stack that matters is the sender's; capturing one is slow
  let e: Error;
  try {
    if (info !== null) {
      e = Reflect.construct(Error, [message], info.cls);
    } else {
      const Ctor = BUILTIN_ERRORS.get(name);
      const Known = Ctor === undefined && flags & 8 /* ERROR_IS_KNOWN */
        ? knownErrorClass(name)
        : undefined;
      if (Ctor === AggregateError) {
        // Its errors are defined below as decoded, not passed in: the constructor copies them
        // into a dense array, and a forged sparse one (a length of 2^27 in a few bytes) would
        // take gigabytes.
        e = new AggregateError([], message);
      } else if (Known !== undefined) {
        e = Reflect.construct(Error, [message], Known);
      } else {
        e = new (Ctor as ErrorConstructor ?? Error)(message);
      }
      if (e.name !== name) defineHidden(e, "name", name);
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (stack !== undefined) defineHidden(e, "stack", stack);
  if (fields !== undefined) {
    for (const [key, value] of Object.entries(fields)) defineField(e, key, value);
  }
  if (flags & 2 /* ERROR_HAS_CAUSE */) defineHidden(e, "cause", cause);
  if (flags & 4 /* ERROR_HAS_ERRORS */) defineHidden(e, "errors", errors);
  return e as unknown as Record<string, unknown>;
}

function readExt(r: Reader): unknown {
  const at = r.pos - 1;
  const kind = r.u8();
  switch (kind) {
    case 1 /* X_MAP */:
      return readMap(r);
    case 2 /* X_SET */:
      return readSet(r);
    case 3 /* X_DATE */: {
      const p = r.pos;
      const time = readValue(r);
      if (typeof time !== "number") {
        throw r.corrupt("a Date whose time is not a number", p);
      }
      return new Date(time);
    }
    case 4 /* X_BIGINT_POS */:
      return readBigInt(r, false);
    case 5 /* X_BIGINT_NEG */:
      return readBigInt(r, true);
    case 6 /* X_ARRAYBUFFER */:
      return r.raw(r.varuint()).buffer;
    case 7 /* X_DATAVIEW */:
      return new DataView(r.raw(r.varuint()).buffer);
    case 8 /* X_ERROR */: {
      enter(r);
      const e = readErrorCore(r, null);
      r.depth--;
      return e;
    }
    case 9 /* X_REGEXP */: {
      const source = readText(r, "a RegExp source");
      const flags = readText(r, "RegExp flags");
      try {
        return new RegExp(source, flags);
      } catch {
        throw r.corrupt("an invalid RegExp", at);
      }
    }
    case 10 /* X_STR16 */:
      return readUtf16(r);
    case 11 /* X_LAYOUT */:
      return readCheckedClass(r, at);
    case 0 /* X_HOLES */:
      throw r.corrupt("holes outside an array", at);
  }
  const typed = TYPED_ARRAYS[kind - 16 /* X_TYPED_FIRST */];
  if (typed === undefined) {
    throw r.corrupt(`unknown extension kind ${kind}`, at);
  }
  const p = r.pos;
  const n = r.varuint();
  const size = typed.BYTES_PER_ELEMENT;
  if (n % size !== 0) throw r.corrupt(`${n} bytes for a ${typed.name}`, p);
  const copy = r.raw(n);
  if (!LITTLE_ENDIAN_HOST) swapElements(copy, size);
  return new typed(copy.buffer);
}

/**
 * A class value preceded by its layout's fingerprint (see Writer.checkLayouts): refused when the
 * class of that name here has another layout — never decoded into the wrong fields.
 */
function readCheckedClass(r: Reader, at: number): unknown {
  if (r.pos + 5 > r.end) throw r.truncated(5);
  const b = r.bytes;
  const p = r.pos;
  const hash = b[p] | (b[p + 1] << 8);
  const t = b[p + 2];
  if (t < 0xc0) {
    throw r.corrupt("a layout fingerprint not followed by a class value", at);
  }
  const info = classOfId(((t & 0x3f) << 16) | (b[p + 3] << 8) | b[p + 4]);
  r.pos = p + 2;
  // An unknown id is refused by readValue, as any.
  if (info !== undefined && hash === 0 && info.encode === undefined) {
    // 0: a custom encoding where it was written, whose bytes these fields would misread.
    throw new CodecError(
      `the message class ${info.name} has a custom encoding where it was encoded (another ` +
        `version of its module?), but is laid out by fields here [${info.fields.join(", ")}]; ` +
        `refused rather than decoded into the wrong fields — run the same version everywhere`,
    );
  }
  if (info !== undefined && hash !== 0 && layoutHash(info) !== hash) {
    throw new CodecError(
      `the message class ${info.name} is laid out differently where it was encoded (another ` +
        `version of its module?): here its fields are [${info.fields.join(", ")}]; refused ` +
        `rather than decoded into the wrong fields — run the same version everywhere`,
    );
  }
  return readValue(r);
}

function readMap(r: Reader): Map<unknown, unknown> {
  const count = r.varuint();
  if (count > (r.end - r.pos) / 2) throw r.truncated(count * 2);
  enter(r);
  const m = new Map<unknown, unknown>();
  let i = 0;
  let key: unknown = undefined;
  let atKey = true;
  try {
    for (; i < count; i++) {
      atKey = true;
      key = readValue(r);
      atKey = false;
      m.set(key, readValue(r));
    }
  } catch (e) {
    throw trail(r, e, atKey ? mapKeySegment(i) : mapValueSegment(key, i));
  }
  r.depth--;
  return m;
}

function readSet(r: Reader): Set<unknown> {
  const count = r.varuint();
  if (count > r.end - r.pos) throw r.truncated(count);
  enter(r);
  const s = new Set<unknown>();
  let i = 0;
  try {
    for (; i < count; i++) s.add(readValue(r));
  } catch (e) {
    throw trail(r, e, setSegment(i));
  }
  r.depth--;
  return s;
}

const HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

function readBigInt(r: Reader, negative: boolean): bigint {
  const n = r.varuint();
  const p = r.pos;
  if (n > r.end - p) throw r.truncated(n);
  const b = r.bytes;
  let m: bigint;
  if (n <= 6) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i];
    m = BigInt(v);
  } else {
    let hex = "0x";
    for (let i = n - 1; i >= 0; i--) hex += HEX[b[p + i]];
    m = BigInt(hex);
  }
  r.pos = p + n;
  return negative ? -m : m;
}

function readUtf16(r: Reader): string {
  const n = r.varuint();
  const p = r.pos;
  if (n > (r.end - p) / 2) throw r.truncated(n * 2);
  const b = r.bytes;
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[i] = b[p + 2 * i] | (b[p + 2 * i + 1] << 8);
  r.pos = p + 2 * n;
  let s = "";
  for (let i = 0; i < n; i += 8192) {
    s += String.fromCharCode.apply(
      null,
      units.subarray(i, i + 8192) as unknown as number[],
    );
  }
  return s;
}

/** @internal Turns whatever stopped the outermost `value()` into a CodecError with the path. */
export function decodeFailure(r: Reader, e: unknown): CodecError {
  const path = joinTrail(r.trail);
  r.trail = null;
  r.depth = 0;
  if (isInstance(e, CodecError)) {
    const error = e as CodecError;
    return new CodecError(`cannot decode ${path}: ${error.message}`, {
      path,
      cause: error.cause,
    });
  }
  return new CodecError(`cannot decode ${path}: ${describeError(e)}`, {
    path,
    cause: e,
  });
}
