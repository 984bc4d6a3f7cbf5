/** The codec keeps what it carries, or refuses it with a CodecError that says what to send: views that read as empty, fields over accessors, private state, subclasses of registered errors. */

import assert from "node:assert/strict";
import { CodecError, decode, encode, registerMessage } from "../../src/codec/mod.ts";
import { quickCopy } from "../../src/codec/mod.ts";

// ---- 1. views over a detached or out-of-bounds buffer ------------------------------------------

Deno.test("codec integrity: a Uint8Array whose buffer was transferred is refused, not sent empty", () => {
  // docs/codec.md: "detached buffers: refused with a CodecError saying what to send instead".
  // Int16Array, ArrayBuffer and DataView are refused; a Uint8Array is sent as an empty array.
  const buffer = new ArrayBuffer(8);
  const bytes = new Uint8Array(buffer);
  bytes.set([1, 2, 3, 4, 5, 6, 7, 8]);
  structuredClone(buffer, { transfer: [buffer] }); // detaches it
  assert.throws(() => encode(bytes), CodecError);
});

Deno.test("codec integrity: a typed array out of bounds of its shrunk resizable buffer is refused, not sent empty", () => {
  const rab = new ArrayBuffer(16, { maxByteLength: 32 });
  const view = new Int16Array(rab, 8, 4); // 4 elements, fixed length
  view.set([1, 2, 3, 4]);
  rab.resize(4); // the view is now out of bounds: its data is gone, not "empty"
  // Sent anyway as an empty Int16Array: the receiver cannot tell it from a real empty one.
  assert.throws(() => encode(view), CodecError);
});

// ---- 2. decoded instances go through the prototype's accessors ---------------------------------

class Labelled {
  get label(): string {
    return "unnamed";
  }
}
class Tagged extends Labelled {
  // @ts-ignore: a field that overrides the base's getter (plain JavaScript class fields do this)
  label = "tagged";
  count = 1;
}
registerMessage(Tagged, "review/Tagged");

Deno.test("codec integrity: a registered class's field that shadows an inherited getter arrives as sent", () => {
  const sent = new Tagged();
  assert.equal(sent.label, "tagged");
  const back = decode(encode(sent)) as Tagged;
  assert.ok(back instanceof Tagged);
  // Decoding assigns fields with `o[k] = v` (sloppy mode): the inherited getter swallows the
  // write, so the field is silently lost and the getter's value is read instead.
  assert.equal(back.label, "tagged");
  assert.deepEqual(Object.keys(back), Object.keys(sent));
});

class Guarded {
  #seen: unknown[] = [];
  set value(v: unknown) {
    this.#seen?.push(v); // a validating / recording setter on the base
  }
  get value(): unknown {
    return "from the setter's getter";
  }
}
class Reading extends Guarded {
  // @ts-ignore: a field that overrides the base's accessor
  value = 42;
}
registerMessage(Reading, "review/Reading");

Deno.test("codec integrity: a same-thread copy of a class whose field shadows an inherited setter keeps the field", () => {
  const sent = new Reading();
  assert.equal(sent.value, 42);
  // What a send to an actor of the same Worker delivers (courier.#copy -> quickCopy).
  let copy: unknown;
  try {
    copy = quickCopy(sent);
  } catch (e) {
    // The base setter touches a private field the copy (made without the constructor) lacks:
    // whatever it throws should at least be a CodecError.
    assert.ok(e instanceof CodecError, `a raw ${(e as Error).constructor.name} escaped: ${e}`);
    return;
  }
  assert.equal((copy as Reading).value, 42);
});

// ---- 3. custom decoders that read past their payload --------------------------------------------

class Point {
  constructor(public x = 0) {}
}
registerMessage(Point, {
  name: "review/Point",
  encode(w, p) {
    w.f64(p.x);
  },
  decode(r) {
    const p = new Point(r.f64());
    r.f64(); // a bug in the user's decoder: one read too many
    return p;
  },
});

Deno.test("codec integrity: a custom decoder reading past its payload is a CodecError naming the class", () => {
  // docs/codec.md: "A custom decoder sees a reader limited to its payload: reading past it,
  // leaving bytes unread, throwing, or returning something that is not an instance of the class
  // is a CodecError naming the class."
  const bytes = encode({ points: [new Point(1)], note: "the message goes on after the point" });
  assert.throws(() => decode(bytes), (e: unknown) => {
    assert.ok(e instanceof CodecError);
    const m = (e as Error).message;
    assert.match(m, /review\/Point/, `the class is not named: ${m}`);
    return true;
  });
});

// ---- 4. classes whose state fields cannot see ----------------------------------------------------

import { message } from "../../src/codec/mod.ts";

class Secretive {
  #secret = 1;
  get secret(): number {
    return this.#secret;
  }
}

@message<CustomCounter>({
  name: "review/CustomCounter",
  encode: (writer, counter) => writer.value(counter.count),
  decode: (reader) => new CustomCounter(reader.value() as number),
})
class CustomCounter {
  accessor count = 0; // private storage: its own encoding carries it
  constructor(count = 0) {
    this.count = count;
  }
}

Deno.test("codec integrity: a class with an `accessor` field or #private state is refused at its first use, saying why", () => {
  // Its state is private: a field layout (own keys of an instance) has none of it, and the
  // instance that arrived would throw on reading it. Registering runs none of its code (its
  // getters are looked at when it is first encoded or decoded).
  const refusal = (e: unknown) =>
    e instanceof CodecError && /reads state of its own/.test(e.message) &&
    /custom encode\/decode/.test(e.message);
  @message("review/Counter")
  class Counter {
    accessor count = 0; // TC39 auto-accessor: private storage, the accessor on the prototype
  }
  assert.throws(() => encode(new Counter()), refusal);
  registerMessage(Secretive, "review/Secretive");
  assert.throws(() => encode(new Secretive()), refusal);
  // With a custom encoding, it is the class's own business, and accepted.
  assert.equal((decode(encode(new CustomCounter(5))) as CustomCounter).count, 5);
});

// ---- 5. platform classes: the advice leads to bytes that never decode -----------------------------

Deno.test("codec integrity: a URL in a message is refused with advice that works", () => {
  // The advice must not be to register URL: registered by fields, its instances would encode
  // and never decode (its state is the platform's, not fields').
  let refusal = "";
  try {
    encode({ link: new URL("https://example.com/") });
  } catch (e) {
    assert.ok(e instanceof CodecError);
    refusal = e.message;
  }
  assert.doesNotMatch(refusal, /registerMessage\(URL\)/);
  assert.match(refusal, /reads state of its own/);
  registerMessage(URL, { name: "review/URL", fields: ["href"] as never });
  assert.throws(
    () => encode({ link: new URL("https://example.com/") }),
    (e: unknown) => e instanceof CodecError && /reads state of its own/.test(e.message),
  );
});

Deno.test("codec integrity: engine classes (Temporal, Intl) and URLSearchParams are refused as a URL is, never sent as empty shells", () => {
  // Their state is in the engine's internal slots: their getters fail on a bare object with
  // "called on incompatible receiver" (V8) or 'Value of "this" must be of type' (Deno), not with
  // the brand-check messages of #private fields. The refusal said to register the class, and
  // registered by fields (say the getters' names) an instance encoded, then arrived as an object
  // whose every method threw: "Method Temporal.PlainDate.prototype.toString called on
  // incompatible receiver".
  const values: [string, object, string[]][] = [
    ["PlainDate", Temporal.PlainDate.from("2024-01-02"), ["year", "month", "day"]],
    ["Duration", Temporal.Duration.from({ hours: 1 }), ["hours"]],
    ["Locale", new Intl.Locale("en-US"), ["baseName"]],
    ["URLSearchParams", new URLSearchParams("a=1"), []],
  ];
  const refusal = (e: unknown) =>
    e instanceof CodecError && /reads state of its own/.test(e.message) &&
    /custom encode\/decode/.test(e.message);
  for (const [name, value, fields] of values) {
    let advice = "";
    try {
      encode({ value });
    } catch (e) {
      assert.ok(e instanceof CodecError, name);
      advice = e.message;
    }
    assert.ok(refusal(new CodecError(advice)), `${name}: ${advice}`);
    assert.doesNotMatch(advice, new RegExp(`registerMessage\\(${name}\\)`), name);
    const cls = value.constructor as new () => object;
    registerMessage(cls, { name: `review/${name}`, fields: fields as never });
    assert.throws(() => encode({ value }), refusal, `${name} registered by fields`);
    assert.throws(() => quickCopy(value), refusal, `${name} registered by fields, same thread`);
  }
});

// ---- 6. an unregistered subclass of a registered error class -------------------------------------

class AppError extends Error {
  constructor(message = "", public code = 0) {
    super(message);
  }
}
registerMessage(AppError, "review/AppError");
class NotFound extends AppError {}

Deno.test("codec integrity: a subclass of a registered error class keeps its registered fields or is refused", () => {
  // For any other registered class, an unregistered subclass is refused ("data is never dropped
  // silently"); for an error class it is sent as a plain Error: class and `code` silently lost.
  const sent = new NotFound("no such order", 404);
  let back: unknown;
  try {
    back = decode(encode(sent));
  } catch (e) {
    assert.ok(e instanceof CodecError); // refused: acceptable
    return;
  }
  assert.ok(back instanceof AppError, `arrived as ${(back as object).constructor.name}`);
  assert.equal((back as AppError).code, 404);
});

// ---- 7. subclasses of typed arrays (node:buffer's Buffer) ---------------------------------------

Deno.test("codec integrity: a Buffer (a Uint8Array subclass) is refused with advice that works", async () => {
  // The refusal said "Register it with registerMessage(Buffer)", and registering it by fields is
  // refused in turn ("extends a TypedArray"): the advice must be what works.
  const { Buffer } = await import("node:buffer");
  class Samples extends Float32Array {}
  for (const value of [Buffer.from("ab"), new Samples(2)]) {
    const name = value.constructor.name;
    let advice = "";
    try {
      encode({ data: value });
    } catch (e) {
      assert.ok(e instanceof CodecError, name);
      advice = e.message;
    }
    assert.match(advice, /^cannot encode message\.data: /, name);
    assert.match(advice, /custom encode\/decode/, `${name}: ${advice}`);
    assert.match(advice, /a plain typed array/, `${name}: ${advice}`);
  }
});
