/**
 * Encoding: bad input gets a CodecError with the path inside the message and advice; and the
 * documented choices (holes, undefined vs missing, symbol keys, non-enumerables, getters,
 * prototypes, shared references, shapes) behave as documented.
 */

import assert from "node:assert/strict";
import {
  CodecError,
  decode,
  encode,
  MAX_DEPTH,
  MAX_MESSAGE_BYTES,
  registerMessage,
} from "../../src/codec/mod.ts";
import { assertSameValue, PropPoint } from "./_util.ts";

/** Asserts that encoding `value` throws a CodecError at `path` whose message matches. */
function assertRefused(value: unknown, path: string, ...patterns: RegExp[]): CodecError {
  let error: unknown;
  try {
    encode(value);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CodecError, `expected a CodecError, got ${error}`);
  assert.equal(error.name, "CodecError");
  assert.equal(error.path, path);
  assert.ok(error.message.startsWith(`cannot encode ${path}: `), error.message);
  for (const p of patterns) assert.match(error.message, p);
  return error;
}

class Owner {
  constructor(public name = "") {}
}

Deno.test("bad input: CodecError with the path and what to do", async (t) => {
  await t.step("a function", () => {
    assertRefused(
      { items: [1, 2, function handler() {}] },
      "message.items[2]",
      /function/,
      /handler/,
    );
  });
  await t.step("a symbol", () => {
    assertRefused({ a: { b: Symbol("s") } }, "message.a.b", /symbol/);
  });
  await t.step("WeakMap, WeakSet, WeakRef, Promise, FinalizationRegistry", () => {
    assertRefused({ w: new WeakMap() }, "message.w", /WeakMap/, /Map instead/);
    assertRefused([new WeakSet()], "message[0]", /WeakSet/);
    assertRefused(new Map([["k", new WeakRef({})]]), 'message.get("k")', /WeakRef/);
    const p = Promise.resolve(1);
    assertRefused({ p }, "message.p", /Promise/, /Await/);
    assertRefused({ f: new FinalizationRegistry(() => {}) }, "message.f", /FinalizationRegistry/);
  });
  await t.step("an instance of an unregistered class, with how to register it", () => {
    const message = { items: [0, 1, 2, { owner: new Owner("ada") }] };
    assertRefused(
      message,
      "message.items[3].owner",
      /class Owner/,
      /not a registered message class/,
      /registerMessage\(Owner\) or @message\(\)/,
    );
  });
  await t.step("subclasses of built-ins, boxed primitives, SharedArrayBuffer", () => {
    class MyMap extends Map {}
    assertRefused({ m: new MyMap() }, "message.m", /class MyMap/, /custom encode/);
    assertRefused({ n: new Number(1) }, "message.n", /boxed Number/);
    assertRefused({ s: new SharedArrayBuffer(4) }, "message.s", /SharedArrayBuffer/);
    assertRefused({ o: Object.create({ x: 1 }) }, "message.o", /prototype/);
  });
  await t.step("a cycle, reported where it closes", () => {
    const root: Record<string, unknown> = { list: [1, 2] };
    const child = { parent: root };
    (root.list as unknown[]).push(child);
    const e = assertRefused(root, "message.list[2].parent", /cycle/);
    assert.match(e.message, /it is message again/);
    const self: unknown[] = [];
    self.push(self);
    assertRefused(self, "message[0]", /cycle/);
    const m = new Map<string, unknown>();
    m.set("me", { m });
    assertRefused({ m }, 'message.m.get("me").m', /message\.m again/);
  });
  await t.step("a cycle deeper than the cycle-check depth", () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 40; i++) {
      const next: Record<string, unknown> = {};
      node.next = next;
      node = next;
    }
    node.back = root;
    const e = assertRefused(root, "message" + ".next".repeat(40) + ".back", /cycle/);
    assert.match(e.message, /it is message again/);
  });
  await t.step("nesting deeper than MAX_DEPTH", () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    const e = assertRefused(deep, "message" + "[0]".repeat(MAX_DEPTH), /MAX_DEPTH/);
    assert.match(e.message, /512/);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_DEPTH; i++) ok = [ok];
    assertSameValue(decode(encode(ok)), ok);
  });
  await t.step("a message larger than MAX_MESSAGE_BYTES", () => {
    // Zero-filled memory is not touched until written: this allocates nothing real.
    const huge = new Uint8Array(MAX_MESSAGE_BYTES);
    assertRefused({ data: huge }, "message.data", /larger than the limit/, /MAX_MESSAGE_BYTES/);
    const long = new Array(MAX_MESSAGE_BYTES + 1);
    assertRefused([long], "message[0]", /over the message size limit/);
  });
  await t.step("a field not in a registered class's layout is never dropped", () => {
    class Account {
      constructor(public id = 0) {}
    }
    registerMessage(Account, "tests/write/Account");
    const a = new Account(1) as Account & { extra?: number };
    a.extra = 2;
    assertRefused(
      { account: a },
      "message.account",
      /field 'extra'/,
      /layout \[id\]/,
      /Declare the field/,
    );
    // Many times, so the compiled writer checks the layout too.
    for (let i = 0; i < 20; i++) encode(new Account(i));
    assertRefused([a], "message[0]", /field 'extra'/);
    // Fields in another order, or missing, are fine.
    const b = Object.create(Account.prototype) as Account;
    assertSameValue(
      decode(encode(b)),
      Object.assign(Object.create(Account.prototype), { id: undefined }),
    );
  });
  await t.step("a getter that throws", () => {
    const o = {
      get broken(): number {
        throw new RangeError("no");
      },
    };
    const e = assertRefused({ o }, "message.o.broken", /threw RangeError: no/);
    assert.ok(e.cause instanceof RangeError);
  });
  await t.step("errors after a shape was compiled still name the key", () => {
    for (let i = 0; i < 20; i++) encode({ id: i, name: "x", score: 1 });
    assertRefused([{ id: 1, name: "x", score: () => 1 }], "message[0].score", /function/);
    assertRefused({ "odd key": Symbol() }, 'message["odd key"]', /symbol/);
  });
});

Deno.test("documented choices", async (t) => {
  await t.step(
    "holes stay holes; undefined stays an own undefined; missing keys stay missing",
    () => {
      const sparse = [1, , 3, , , 6]; // holes on purpose
      const back = decode(encode(sparse)) as unknown[];
      assert.equal(back.length, 6);
      assert.ok(!(1 in back) && !(3 in back) && !(4 in back) && 5 in back);
      const trailing = new Array(5);
      trailing[0] = "a";
      assert.equal(encode(trailing).length, 1 + 2 + 3); // header, "a", one run of 4 holes
      assertSameValue(decode(encode(trailing)), trailing);
      const withUndefined = decode(encode({ a: undefined })) as object;
      assert.ok(Object.hasOwn(withUndefined, "a"));
      assert.deepEqual(Object.keys(decode(encode({})) as object), []);
    },
  );
  await t.step("symbol keys, non-enumerable properties and array extras are not sent", () => {
    const o: Record<string | symbol, unknown> = { a: 1, [Symbol("s")]: 2 };
    Object.defineProperty(o, "hidden", { value: 3, enumerable: false });
    assert.deepEqual(decode(encode(o)), { a: 1 });
    const a = Object.assign([1, 2], { extra: true });
    assert.deepEqual(decode(encode(a)), [1, 2]);
  });
  await t.step("getters are read once, and arrive as data", () => {
    let reads = 0;
    const o = {
      get n(): number {
        reads++;
        return 5;
      },
    };
    const back = decode(encode(o)) as { n: number };
    assert.equal(reads, 1);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "n")?.value, 5);
  });
  await t.step("null-prototype objects arrive as plain objects", () => {
    const o = Object.assign(Object.create(null), { x: 1 });
    const back = decode(encode(o));
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(back, { x: 1 });
  });
  await t.step("a __proto__ key is an own property, never the prototype", () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "b": 1}');
    const back = decode(encode(o)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.ok(Object.hasOwn(back, "__proto__"));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const many = Array.from({ length: 20 }, () => JSON.parse('{"__proto__": 1}'));
    for (const x of decode(encode(many)) as object[]) {
      assert.equal(Object.getPrototypeOf(x), Object.prototype);
    }
  });
  await t.step("shared references arrive as copies", () => {
    const shared = { n: 1 };
    const back = decode(encode([shared, shared])) as object[];
    assert.deepEqual(back[0], back[1]);
    assert.notEqual(back[0], back[1]);
  });
  await t.step("keys repeated within a message are written once", () => {
    const records = Array.from({ length: 100 }, (_, i) => ({ id: i, name: "user" + i }));
    const bytes = encode(records);
    const text = new TextDecoder().decode(bytes);
    assert.equal(text.split("name").length - 1, 1);
    assertSameValue(decode(bytes), records);
  });
  await t.step("many distinct shapes (the writer's trie starts over) still round-trip", () => {
    const objects = Array.from({ length: 3000 }, (_, i) => ({ [`k${i}`]: i, [`j${i}`]: i, z: 0 }));
    for (let i = 0; i < 3; i++) assertSameValue(decode(encode(objects)), objects);
  });
  await t.step("objects with more keys than the trie tracks", () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 100; i++) wide[`key${i}`] = i;
    assertSameValue(decode(encode([wide, wide, { a: wide }])), [wide, wide, { a: wide }]);
  });
  await t.step("numbers take the documented sizes", () => {
    const sizes: [number, number][] = [
      [0, 1],
      [127, 1],
      [128, 2],
      [255, 2],
      [256, 3],
      [-1, 2],
      [1.5, 5],
      [-0, 5],
      [NaN, 5],
      [Infinity, 5],
      [0.1, 9],
      [2 ** 40, 7],
    ];
    for (const [n, size] of sizes) assert.equal(encode(n).length, size, `size of ${n}`);
  });
  await t.step("a registered class's methods work on the decoded instance", () => {
    const back = decode(encode(new PropPoint(3, 4))) as PropPoint;
    assert.ok(back instanceof PropPoint);
    assert.equal(back.norm(), 5);
  });
  await t.step("encode() called from inside an encoding (a getter) works", () => {
    const o = {
      get inner(): Uint8Array {
        return encode({ nested: true });
      },
    };
    const back = decode(encode(o)) as { inner: Uint8Array };
    assert.deepEqual(decode(back.inner), { nested: true });
  });
});

Deno.test("enumerable properties added to Object.prototype are not sent as own", () => {
  const proto = Object.prototype as Record<string, unknown>;
  Object.defineProperty(proto, "polluted", {
    value: 1,
    enumerable: true,
    configurable: true,
    writable: true,
  });
  try {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 40; i++) wide[`k${i}`] = i;
    const back = decode(encode([{ a: 1 }, { a: 2 }, wide])) as Record<string, unknown>[];
    assert.ok(!Object.hasOwn(back[0], "polluted"));
    assert.deepEqual(Object.keys(back[0]), ["a"]);
    assert.equal(Object.keys(back[2]).length, 40);
  } finally {
    delete proto.polluted;
  }
});

Deno.test("user code that throws while a value is read: a CodecError with the path and cause", async (t) => {
  const trapError = new TypeError("trap threw");
  const boom = () => {
    throw trapError;
  };
  await t.step("every Proxy trap the writer can call", () => {
    // [trap, target, where the writer meets it]; a trap the writer never calls is left out.
    const cases: [string, object, string][] = [
      ["get", { a: 1 }, "message.inner.a"],
      ["ownKeys", { a: 1 }, "message.inner"],
      ["getOwnPropertyDescriptor", { a: 1 }, "message.inner"],
      ["getPrototypeOf", { a: 1 }, "message.inner"],
      ["get", [1, 2], "message.inner"], // the length
      ["has", [1, , 3], "message.inner[1]"], // holes on purpose: `1 in a`
      ["get", new PropPoint(1), "message.inner.x"],
      ["ownKeys", new PropPoint(1), "message.inner"],
      ["getOwnPropertyDescriptor", new PropPoint(1), "message.inner"],
      ["getPrototypeOf", new PropPoint(1), "message.inner"],
    ];
    for (const [trap, target, path] of cases) {
      const e = assertRefused({ inner: new Proxy(target, { [trap]: boom }) }, path, /trap threw/);
      assert.equal(e.cause, trapError, `${trap} on ${Deno.inspect(target)}`);
    }
  });
  await t.step("getters of a registered instance, of an error, in a Map and a Set", () => {
    const point = new PropPoint(1);
    Object.defineProperty(point, "y", { get: boom, enumerable: true });
    assert.equal(assertRefused([point], "message[0].y").cause, trapError);
    const error = new Error("x");
    Object.defineProperty(error, "message", { get: boom });
    assert.equal(assertRefused({ error }, "message.error").cause, trapError);
    const m = new Map([["k", {
      get v() {
        return boom();
      },
    }]]);
    assert.equal(assertRefused(m, 'message.get("k").v').cause, trapError);
    const s = new Set([{
      get v() {
        return boom();
      },
    }]);
    assert.equal(assertRefused(s, "message.<element 0>.v").cause, trapError);
  });
  await t.step("a ringmail error thrown inside (a nested send's) is wrapped, kept as cause", () => {
    const inner = new CodecError("cannot encode message: inner");
    const o = {
      get nested(): number {
        throw inner;
      },
    };
    const e = assertRefused({ o }, "message.o.nested", /inner/);
    assert.equal(e.cause, inner);
  });
  await t.step("a thrown value that is itself hostile", () => {
    const hostile = new Proxy({}, { getPrototypeOf: boom, get: boom });
    const o = {
      get x(): number {
        throw hostile;
      },
    };
    assert.equal(assertRefused(o, "message.x").cause, hostile);
    const named = new Error("n");
    Object.defineProperty(named, "name", { get: boom });
    const p = {
      get x(): number {
        throw named;
      },
    };
    assert.equal(assertRefused(p, "message.x").cause, named);
  });
});

Deno.test("a value changed by a getter while it is encoded is refused", async (t) => {
  /** An object whose getter `b` adds (or removes) a key of `target` when read. */
  function grower(target?: Record<string, unknown>, remove = false): Record<string, unknown> {
    const o: Record<string, unknown> = {
      a: 1,
      get b(): number {
        const victim = target ?? o;
        if (remove) delete victim.a;
        else victim.added = true;
        return 2;
      },
      c: 3,
    };
    return o;
  }
  await t.step("a plain object gaining or losing a key, new shape and compiled shape", () => {
    // The shape {a, b, c} is compiled after 8 objects: both writers must notice.
    for (let i = 0; i < 12; i++) {
      assertRefused({ o: grower() }, "message.o", /gained or lost keys/);
      assertRefused([grower(undefined, true)], "message[0]", /gained or lost keys/);
      encode({ a: 1, b: 2, c: 3 });
    }
  });
  await t.step("an object changed by a getter inside another value", () => {
    const outer: Record<string, unknown> = { x: 1, y: null };
    outer.y = grower(outer);
    assertRefused({ outer }, "message.outer", /gained or lost keys/);
  });
  await t.step("an object of more keys than the shape trie tracks", () => {
    const wide = grower();
    for (let i = 0; i < 40; i++) wide[`k${i}`] = i;
    assertRefused(wide, "message", /gained or lost keys/);
  });
  await t.step("a registered instance gaining a field its layout lacks", () => {
    for (let i = 0; i < 3; i++) {
      const point = new PropPoint(1) as PropPoint & { z?: number };
      Object.defineProperty(point, "y", {
        get() {
          point.z = 3;
          return 2;
        },
        enumerable: true,
        configurable: true,
      });
      assertRefused({ point }, "message.point", /field 'z'/);
    }
  });
  await t.step("a Map or Set gaining entries, an array changing length", () => {
    const m = new Map<string, unknown>([["a", 1]]);
    m.set("b", {
      get v() {
        m.set("c", 3);
        return 1;
      },
    });
    assertRefused(m, "message", /Map changed size/);
    const s = new Set<unknown>();
    s.add({
      get v() {
        s.add(2);
        return 1;
      },
    });
    assertRefused(s, "message", /Set changed size/);
    const a: unknown[] = [];
    a.push({
      get v() {
        a.push(2);
        return 1;
      },
    });
    assertRefused({ a }, "message.a", /array changed length/);
  });
});

Deno.test("sparse arrays: encoding costs what the elements present cost", async (t) => {
  await t.step("one element at index 1e8 reads a handful of indices", () => {
    const target: unknown[] = [];
    target[1e8] = "last";
    let reads = 0;
    const counted = new Proxy(target, {
      get(o, k, r) {
        reads++;
        return Reflect.get(o, k, r);
      },
      has(o, k) {
        reads++;
        return Reflect.has(o, k);
      },
      getOwnPropertyDescriptor(o, k) {
        reads++;
        return Reflect.getOwnPropertyDescriptor(o, k);
      },
    });
    const bytes = encode(counted);
    assert.ok(reads < 1000, `${reads} reads`);
    const back = decode(bytes) as unknown[];
    assert.equal(back.length, 1e8 + 1);
    assert.deepEqual(Object.keys(back), ["100000000"]);
    assert.equal(back[1e8], "last");
  });
  await t.step("the longest array a message may hold, nearly empty, in a few milliseconds", () => {
    const a: unknown[] = [];
    a[3] = 3;
    a[1000] = { x: 1 };
    a[MAX_MESSAGE_BYTES - 1] = "end";
    const started = performance.now();
    const bytes = encode(a);
    const back = decode(bytes) as unknown[];
    const took = performance.now() - started;
    assert.ok(bytes.length < 40, `${bytes.length} bytes`);
    assertSameValue(back, a);
    assert.ok(took < 1000, `took ${took} ms`); // was seconds; now microseconds
  });
  await t.step("holes before, between and after elements, and a key that is no index", () => {
    const a: unknown[] = [1, 2];
    a[500] = "mid";
    a[501] = undefined;
    a[100_000] = [, , 7]; // holes on purpose
    a.length = 200_000;
    (a as unknown as Record<string, unknown>).extra = "not sent";
    assertSameValue(decode(encode(a)), a.slice());
    const copy = decode(encode(a)) as unknown[];
    assert.deepEqual(Object.keys(copy), ["0", "1", "500", "501", "100000"]);
  });
  await t.step("a Proxy listing an array's indices out of order is refused, not cut short", () => {
    const sparse: unknown[] = [];
    sparse[100] = "a";
    sparse[200] = "b";
    const reversed = new Proxy(sparse, {
      ownKeys: (o) => Reflect.ownKeys(o).reverse(),
    });
    assertRefused({ reversed }, "message.reversed", /not listed in index order/);
  });
});
