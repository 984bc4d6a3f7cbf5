/**
 * Test helpers for the codec: a seeded PRNG, a generator of random values of every supported
 * type, and a strict structural comparison that knows the codec's documented semantics.
 *
 * @module
 */

import { AssertionError } from "node:assert/strict";
import { type RefCodec, registerMessage, setRefCodec } from "../../src/codec/mod.ts";

/** mulberry32: a small, fast, seedable PRNG. */
export class Rng {
  #s: number;
  constructor(readonly seed: number) {
    this.#s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** The seed for a randomized test: `CODEC_SEED` if set, else fresh. */
export function testSeed(): number {
  const fixed = Deno.env.get("CODEC_SEED");
  return fixed !== undefined ? Number(fixed) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

/** Runs `body` with a seeded Rng, naming the seed in any failure so it can be replayed. */
export function withSeed(name: string, body: (rng: Rng) => void): void {
  const seed = testSeed();
  // Said first: a case that ends the process (out of memory) leaves no error to name it in.
  console.log(`${name}: seed ${seed} (replay: CODEC_SEED=${seed})`);
  try {
    body(new Rng(seed));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`${name} failed with seed ${seed} (replay: CODEC_SEED=${seed})`);
    throw new AssertionError({ message: `[seed ${seed}] ${message}` });
  }
}

// ---- registered classes and a ref used by the generators ----------------------------------

/** A stand-in actor ref. */
export class TestRef {
  constructor(readonly slot: number, readonly generation: number) {}
}

/** The ref codec for {@linkcode TestRef}; records the contexts it saw. */
export const testRefCodec: RefCodec<TestRef> & { contexts: unknown[] } = {
  refClass: TestRef,
  contexts: [],
  write(writer, ref, context) {
    this.contexts.push(context);
    writer.varuint(ref.slot);
    writer.varuint(ref.generation);
  },
  read(reader, context) {
    this.contexts.push(context);
    return new TestRef(reader.varuint(), reader.varuint());
  },
};

/** Installs {@linkcode testRefCodec} for the duration of `body`. */
export function withRefCodec<T>(body: () => T): T {
  setRefCodec(testRefCodec);
  try {
    return body();
  } finally {
    setRefCodec(null);
  }
}

/** A registered class without fields. */
export class PropEmpty {}
registerMessage(PropEmpty, "tests/util/PropEmpty");

/** A registered class with fields. */
export class PropPoint {
  constructor(public x: unknown = 0, public y: unknown = 0, public label: unknown = "") {}
  norm(): number {
    return Math.hypot(Number(this.x), Number(this.y));
  }
}
registerMessage(PropPoint, "tests/util/PropPoint");

/** A registered class with a custom encoding and a private field. */
export class PropSecret {
  #value: number;
  constructor(value: number) {
    this.#value = value;
  }
  get value(): number {
    return this.#value;
  }
}
registerMessage(PropSecret, {
  name: "tests/util/PropSecret",
  encode(writer, v) {
    writer.f64(v.value);
  },
  decode(reader) {
    return new PropSecret(reader.f64());
  },
});

/** A registered error class. */
export class PropFailure extends Error {
  code = "E_PROP";
  detail: unknown = undefined;
}
registerMessage(PropFailure, "tests/util/PropFailure");

// ---- random values -------------------------------------------------------------------------

const ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:/{}[]\"'\\\n\t";

/** A random string: ASCII, BMP, astral, lone surrogates, any length class. */
export function randomString(rng: Rng): string {
  const kind = rng.int(10);
  let n: number;
  if (kind < 5) n = rng.int(24);
  else if (kind < 8) n = 24 + rng.int(120);
  else if (kind < 9) n = 128 + rng.int(2000);
  else n = 0;
  const flavor = rng.int(6);
  let s = "";
  for (let i = 0; i < n; i++) {
    if (flavor <= 2) s += ASCII[rng.int(ASCII.length)];
    else if (flavor === 3) s += String.fromCharCode(rng.int(0xd800));
    else if (flavor === 4) s += String.fromCodePoint(0x10000 + rng.int(0x100000));
    else {
      // Anything, lone surrogates included.
      s += String.fromCharCode(rng.int(0x10000));
    }
  }
  return s;
}

const SPECIAL_NUMBERS = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  127,
  128,
  255,
  256,
  -1,
  -128,
  -129,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  -(2 ** 53),
  2 ** 53,
  2 ** 60,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  1.5,
  0.1,
  3.4028234663852886e38,
];

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** A random number: small ints, any safe int, specials, random float bits, float32 values. */
export function randomNumber(rng: Rng): number {
  switch (rng.int(7)) {
    case 0:
      return rng.int(128);
    case 1:
      return rng.int(65536) - 32768;
    case 2:
      return (rng.chance(0.5) ? 1 : -1) * Math.floor(rng.next() * 2 ** 53);
    case 3:
      return rng.pick(SPECIAL_NUMBERS);
    case 4:
      return Math.fround((rng.next() - 0.5) * 2 ** rng.int(100));
    case 5:
      U32[0] = rng.int(2 ** 32);
      U32[1] = rng.int(2 ** 32);
      return F64[0];
    default:
      return (rng.next() - 0.5) * 10 ** rng.int(20);
  }
}

/** A random bigint, up to a few hundred bytes. */
export function randomBigInt(rng: Rng): bigint {
  const bytes = rng.pick([0, 1, 2, 6, 7, 8, 9, 16, 64, 300]);
  let v = 0n;
  for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(rng.int(256));
  return rng.chance(0.5) ? -v : v;
}

const TYPED = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float16Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

function randomBytes(rng: Rng, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/** A random binary value: ArrayBuffer, DataView, or any typed array (offsets included). */
export function randomBinary(rng: Rng): unknown {
  const kind = rng.int(TYPED.length + 2);
  const n = rng.pick([0, 1, 3, 8, 17, 100, 4096]);
  if (kind === TYPED.length) return randomBytes(rng, n).buffer;
  if (kind === TYPED.length + 1) {
    const buf = randomBytes(rng, n + 3).buffer;
    return new DataView(buf, rng.int(3), n);
  }
  const C = TYPED[kind];
  const count = Math.floor(n / C.BYTES_PER_ELEMENT);
  const offset = rng.int(3) * C.BYTES_PER_ELEMENT;
  const buf = randomBytes(rng, offset + count * C.BYTES_PER_ELEMENT + 8).buffer;
  return new C(buf, offset, count);
}

const KEYS = ["id", "name", "score", "a", "b", "items", "owner", "x", "", "0", "12", "__proto__"];

function randomKey(rng: Rng): string {
  return rng.chance(0.8) ? rng.pick(KEYS) : randomString(rng);
}

const ERRORS = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];

/** Options of {@linkcode randomValue}. */
export interface RandomValueOptions {
  /** Include TestRef instances (the ref codec must be installed to encode them). */
  refs?: boolean;
}

/**
 * A random value of any supported type, nested up to `depth` containers deep. Never produces
 * shapes the codec documents as not round-tripping exactly (null-prototype objects, shared
 * references where identity would matter, extra properties on arrays).
 */
export function randomValue(rng: Rng, depth: number, options: RandomValueOptions = {}): unknown {
  const leaf = depth <= 0 || rng.chance(0.4);
  const choice = leaf ? rng.int(9) : 9 + rng.int(10);
  switch (choice) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return rng.chance(0.5);
    case 3:
    case 4:
      return randomNumber(rng);
    case 5:
    case 6:
      return randomString(rng);
    case 7:
      return randomBigInt(rng);
    case 8:
      return options.refs ? new TestRef(rng.int(1 << 20), rng.int(300)) : new Date(rng.int(2e12));
    case 9: {
      if (rng.chance(0.1)) {
        // Sparse: a few elements somewhere in a long array (written from its keys, not its
        // length), sometimes in runs, sometimes at its ends.
        const a: unknown[] = [];
        a.length = rng.pick([65, 100, 5000, 1 << 20, 1 << 27]);
        for (let k = rng.int(6); k > 0; k--) {
          const at = rng.pick([0, a.length - 1, rng.int(a.length)]);
          for (let j = at; j < Math.min(at + 1 + rng.int(3), a.length); j++) {
            a[j] = randomValue(rng, depth - 1, options);
          }
        }
        return a;
      }
      const n = rng.pick([0, 1, 2, 7, 8, 20]);
      const a: unknown[] = new Array(n);
      const holes = rng.chance(0.2);
      for (let i = 0; i < n; i++) {
        if (holes && rng.chance(0.4)) continue;
        a[i] = randomValue(rng, depth - 1, options);
      }
      return a;
    }
    case 10: {
      // Objects; often several of one shape, as in an array of records.
      const n = rng.int(14);
      const keys = Array.from({ length: n }, () => randomKey(rng));
      const count = rng.chance(0.3) ? 1 + rng.int(6) : 1;
      const list = Array.from({ length: count }, () => {
        const o: Record<string, unknown> = {};
        for (const k of keys) {
          Object.defineProperty(o, k, {
            value: randomValue(rng, depth - 1, options),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return o;
      });
      return count === 1 ? list[0] : list;
    }
    case 11: {
      const m = new Map<unknown, unknown>();
      for (let i = rng.int(5); i > 0; i--) {
        m.set(randomValue(rng, depth - 1, options), randomValue(rng, depth - 1, options));
      }
      return m;
    }
    case 12: {
      const s = new Set<unknown>();
      for (let i = rng.int(5); i > 0; i--) s.add(randomValue(rng, depth - 1, options));
      return s;
    }
    case 13:
      return rng.chance(0.5) ? new Date(rng.int(4e12) - 2e12) : new Date(NaN);
    case 14:
      return randomBinary(rng);
    case 15: {
      const C = rng.pick(ERRORS);
      const cause = rng.chance(0.5) ? { cause: randomValue(rng, depth - 1, options) } : undefined;
      if (rng.chance(0.2)) {
        return new AggregateError(
          [new Error("inner"), randomString(rng)],
          randomString(rng),
          cause,
        );
      }
      return new C(randomString(rng), cause);
    }
    case 16:
      return rng.pick([/a+b/g, /^x$/imsu, new RegExp(""), /[\u{10000}]/v, /\//y]);
    case 17: {
      switch (rng.int(4)) {
        case 0:
          return new PropEmpty();
        case 1:
          return new PropPoint(
            randomValue(rng, depth - 1, options),
            randomValue(rng, depth - 1, options),
            randomString(rng),
          );
        case 2:
          return new PropSecret(randomNumber(rng));
        default: {
          const f = new PropFailure(randomString(rng), { cause: rng.int(10) });
          f.detail = randomValue(rng, depth - 1, options);
          return f;
        }
      }
    }
    default:
      return new Uint8Array(randomBytes(rng, rng.pick([0, 5, 64, 300])));
  }
}

// ---- strict comparison ---------------------------------------------------------------------

/** The indices of an array's own elements, ascending (its holes are the indices missing). */
function elementIndices(a: unknown[]): number[] {
  const indices: number[] = [];
  for (const k of Object.keys(a)) {
    const i = +k;
    if ("" + i === k && i < a.length) indices.push(i);
  }
  return indices;
}

function fail(path: string, message: string): never {
  throw new AssertionError({ message: `at ${path}: ${message}` });
}

/**
 * Asserts that `actual` is what decoding an encoding of `expected` must give: same types and
 * prototypes (class identity), `Object.is` for primitives (-0, NaN), same holes, same keys in the
 * same order, same bytes, errors with the same name, message, stack and cause.
 */
export function assertSameValue(actual: unknown, expected: unknown, path = "message"): void {
  if (typeof expected !== "object" || expected === null) {
    if (!Object.is(actual, expected)) {
      fail(path, `expected ${Deno.inspect(expected)}, got ${Deno.inspect(actual)}`);
    }
    return;
  }
  if (typeof actual !== "object" || actual === null) {
    fail(path, `expected an object, got ${Deno.inspect(actual)}`);
  }
  if (actual === expected) fail(path, "the decoded value is the original object");
  const proto = Object.getPrototypeOf(expected);
  if (Object.getPrototypeOf(actual) !== proto) {
    fail(path, `prototype differs: expected ${proto?.constructor?.name}`);
  }
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (a.length !== expected.length) fail(path, `length ${a.length} !== ${expected.length}`);
    // By the elements present, not the length: sparse arrays may be very long.
    const present = elementIndices(expected);
    const got = elementIndices(a);
    for (let k = 0; k < Math.max(present.length, got.length); k++) {
      if (present[k] !== got[k]) {
        fail(`${path}[${Math.min(present[k] ?? Infinity, got[k] ?? Infinity)}]`, "hole mismatch");
      }
    }
    for (const i of present) assertSameValue(a[i], expected[i], `${path}[${i}]`);
    return;
  }
  if (expected instanceof Map) {
    const a = [...(actual as Map<unknown, unknown>)];
    const e = [...expected];
    if (a.length !== e.length) fail(path, `Map size ${a.length} !== ${e.length}`);
    for (let i = 0; i < e.length; i++) {
      assertSameValue(a[i][0], e[i][0], `${path}.<key ${i}>`);
      assertSameValue(a[i][1], e[i][1], `${path}.<value ${i}>`);
    }
    return;
  }
  if (expected instanceof Set) {
    const a = [...(actual as Set<unknown>)];
    const e = [...expected];
    if (a.length !== e.length) fail(path, `Set size ${a.length} !== ${e.length}`);
    for (let i = 0; i < e.length; i++) assertSameValue(a[i], e[i], `${path}.<element ${i}>`);
    return;
  }
  if (expected instanceof Date) {
    if (!Object.is((actual as Date).getTime(), expected.getTime())) fail(path, "Date differs");
    return;
  }
  if (expected instanceof RegExp) {
    const a = actual as RegExp;
    if (a.source !== expected.source || a.flags !== expected.flags) fail(path, "RegExp differs");
    return;
  }
  if (expected instanceof ArrayBuffer || ArrayBuffer.isView(expected)) {
    const bytesOf = (v: ArrayBuffer | ArrayBufferView) =>
      v instanceof ArrayBuffer
        ? new Uint8Array(v)
        : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    const a = bytesOf(actual as ArrayBuffer);
    const e = bytesOf(expected);
    if (a.length !== e.length) fail(path, `byte length ${a.length} !== ${e.length}`);
    for (let i = 0; i < e.length; i++) if (a[i] !== e[i]) fail(path, `byte ${i} differs`);
    const buffer = actual instanceof ArrayBuffer ? actual : (actual as ArrayBufferView).buffer;
    if (!(buffer instanceof ArrayBuffer)) fail(path, "decoded bytes are not in an ArrayBuffer");
    if (ArrayBuffer.isView(actual) && actual.byteOffset !== 0) fail(path, "decoded view offset");
    return;
  }
  if (expected instanceof Error) {
    const a = actual as Error;
    if (a.name !== expected.name) fail(path, `error name ${a.name} !== ${expected.name}`);
    if (a.message !== expected.message) fail(path, "error message differs");
    if (a.stack !== expected.stack) fail(path, "error stack differs");
    if (Object.hasOwn(expected, "cause") !== Object.hasOwn(a, "cause")) fail(path, "cause");
    assertSameValue(a.cause, expected.cause, `${path}.cause`);
    if (expected instanceof AggregateError) {
      assertSameValue((a as AggregateError).errors, expected.errors, `${path}.errors`);
    }
  }
  if (expected instanceof PropSecret) {
    if (!Object.is((actual as PropSecret).value, expected.value)) fail(path, "secret differs");
    return;
  }
  const ak = Object.keys(actual);
  const ek = Object.keys(expected);
  if (ak.join("\u0000") !== ek.join("\u0000")) {
    fail(path, `keys ${JSON.stringify(ak)} !== ${JSON.stringify(ek)}`);
  }
  for (const k of ek) {
    assertSameValue(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
  }
}
