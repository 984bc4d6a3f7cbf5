/**
 * Quick copies (what a send to an actor of the same thread makes without bytes): whenever one is
 * made, it equals what encoding and decoding gives; everything else is left to the codec.
 */
import assert from "node:assert/strict";
import {
  CodecError,
  copiedClass,
  decode,
  encode,
  NEEDS_CODEC,
  quickCopy,
  Reader,
  registerMessage,
} from "../../src/codec/mod.ts";
import { classByClass } from "../../src/codec/class_table.ts";
import {
  assertSameValue,
  PropEmpty,
  PropFailure,
  PropPoint,
  PropSecret,
  randomNumber,
  randomString,
  randomValue,
  withSeed,
} from "./_util.ts";

/** Checks `value`'s quick copy, if it has one, against the codec's round trip. */
function checkCopy(value: unknown): boolean {
  const copy = quickCopy(value);
  if (copy === NEEDS_CODEC) return false;
  assertSameValue(copy, decode(encode(value)));
  if (typeof value === "object" && value !== null) assert.notEqual(copy, value);
  return true;
}

Deno.test("quick copy: flat instances and immutable values equal the codec's round trip", () => {
  withSeed("quick copy", (rng) => {
    let copied = 0;
    for (let i = 0; i < 2000; i++) {
      const label = rng.int(4) === 0 ? null : randomString(rng);
      const point = new PropPoint(randomNumber(rng), rng.int(2) === 0, label);
      if (checkCopy(point)) copied++;
      checkCopy(randomNumber(rng));
      checkCopy(randomString(rng));
      checkCopy(randomValue(rng, 3));
    }
    // Short strings are shared, long ones measured by the codec: most points are copied.
    assert.ok(copied > 1000, `${copied} of 2000 points copied`);
  });
  for (const n of [-0, NaN, Infinity, 2 ** 53, 0.1]) assert.ok(checkCopy(new PropPoint(n)));
  assert.ok(checkCopy(new PropEmpty()));
  assert.ok(checkCopy(new PropPoint(undefined, undefined, undefined)));
});

Deno.test("quick copy: everything else is the codec's", () => {
  const needsCodec = [
    new PropPoint({ x: 1 }), // a nested object
    new PropPoint([1]), // a container
    new PropPoint(1n), // a bigint: its size is the codec's to check
    new PropPoint("x".repeat(5000)), // a long string: likewise
    "x".repeat(5000),
    10n,
    new PropSecret(3), // a custom codec
    new PropFailure("no"), // an error
    { plain: 1 }, // plain objects and arrays go by shape
    Object.assign(Object.create(null), { bare: 1 }), // no prototype at all
    [1, 2],
    new Date(0),
    new Uint8Array(2),
    () => 1, // cannot be sent: the codec says why
    Symbol("s"),
  ];
  needsCodec.forEach((value, i) => assert.equal(quickCopy(value), NEEDS_CODEC, `value ${i}`));
  // A field the layout does not have: the codec refuses it, with its path.
  const extra = new PropPoint(1, 2) as PropPoint & { z?: number };
  extra.z = 3;
  assert.equal(quickCopy(extra), NEEDS_CODEC);
  assert.throws(() => encode(extra), /field 'z'/);
});

/** What `f` threw, or `undefined`. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

Deno.test("quick copy: user code that throws fails as the codec does, with a CodecError", () => {
  const trapError = new TypeError("trap threw");
  const boom = () => {
    throw trapError;
  };
  const traps = ["get", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "has"] as const;
  const targets = (): object[] => [{ a: 1 }, [1, 2], new PropPoint(1, 2), new PropEmpty()];
  const values: unknown[] = [];
  for (const trap of traps) {
    for (const target of targets()) values.push(new Proxy(target, { [trap]: boom }));
  }
  // An own enumerable getter on an instance of a registered class (the copier's field reads).
  const point = new PropPoint(1, 2);
  Object.defineProperty(point, "y", { get: boom, enumerable: true });
  values.push(point);
  let copierFailures = 0;
  for (const [i, value] of values.entries()) {
    const viaCodec = thrown(() => encode(value));
    const viaCopy = thrown(() => quickCopy(value));
    if (viaCopy === undefined) continue; // a copy, or NEEDS_CODEC: the codec's own failure then
    assert.ok(viaCopy instanceof CodecError, `value ${i}: ${viaCopy}`);
    assert.ok(viaCodec instanceof CodecError, `value ${i}: the codec did not fail`);
    assert.equal(viaCopy.path, viaCodec.path, `value ${i}`);
    assert.equal(viaCopy.message, viaCodec.message, `value ${i}`);
    assert.equal(viaCopy.cause, trapError, `value ${i}`);
    copierFailures++;
  }
  // getPrototypeOf on every target, and the reads of the two registered classes, did throw.
  assert.ok(copierFailures >= 8, `${copierFailures} failures in the quick copy`);
});

Deno.test("quick copy and reader: each names the registered class of a plain instance it made", () => {
  const point = classByClass.get(PropPoint)!;
  assert.notEqual(quickCopy(new PropPoint(1)), NEEDS_CODEC);
  assert.equal(copiedClass, point);
  for (const other of [3, "text", null, { x: 1 }, new PropPoint({ nested: true } as never)]) {
    quickCopy(other);
    assert.equal(copiedClass, null, `nothing named after copying ${JSON.stringify(other)}`);
  }
  const reader = new Reader();
  const read = (value: unknown) => {
    const bytes = encode(value);
    reader.reset(bytes).value();
    return reader.topClass;
  };
  assert.equal(read(new PropPoint(2, true, "x")), point);
  assert.equal(read(new PropPoint({ nested: [new PropEmpty()] } as never)), point);
  assert.equal(read([new PropPoint(1)]), null, "only the outermost value counts");
  assert.equal(read({ p: new PropPoint(1) }), null);
  assert.equal(read(7), null);
  assert.equal(read(new PropSecret(5)), null, "a custom decoder may return a subclass's");
  assert.equal(read(new PropFailure("f")), null, "an error");
});

Deno.test("quick copy: a class whose layout cannot be learned fails as the codec does", () => {
  // Its probe `new Class()` throws: the codec says so with the path; the quick copy must too.
  class NeedsArgument {
    constructor(readonly id: number) {
      if (typeof id !== "number") throw new TypeError("an id is required");
    }
  }
  registerMessage(NeedsArgument, "copy_test/NeedsArgument");
  // A getter reads #private state: refused by fields, on both paths alike.
  class Hidden {
    #secret = 1;
    get secret(): number {
      return this.#secret;
    }
  }
  registerMessage(Hidden, "copy_test/Hidden");
  for (const value of [new NeedsArgument(1), new Hidden()]) {
    const viaCodec = thrown(() => encode(value));
    const viaCopy = thrown(() => quickCopy(value));
    assert.ok(viaCodec instanceof CodecError, `${value.constructor.name}: the codec did not fail`);
    assert.ok(viaCopy instanceof CodecError, `${value.constructor.name}: ${viaCopy}`);
    assert.equal(viaCopy.path, viaCodec.path, value.constructor.name);
    assert.equal(viaCopy.message, viaCodec.message, value.constructor.name);
    assert.equal(viaCopy.path, "message");
  }
});
