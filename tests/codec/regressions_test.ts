/** What the codec must keep doing while it refuses what it cannot carry: no false refusals, no code run at import, ringmail's errors free to register and subclass, always-encodable failure copies. */
import assert from "node:assert/strict";
import { CodecError, decode, encode, registerMessage } from "../../src/codec/mod.ts";
import { RingmailError } from "../../src/errors.ts";
import { portableError } from "../../src/actor/portable_error.ts";
import { ActorDeadError } from "../../src/system/errors.ts";

Deno.test("codec regressions: a class whose getter reads a nested 'brand' field registers", () => {
  class Product {
    constructor(readonly product: { brand: string } = { brand: "acme" }) {}
    /** A plain getter over a plain field: no private state at all. */
    get brandName(): string {
      return this.product.brand.toUpperCase();
    }
  }
  // hiddenStateOf calls the getter on a bare object: "Cannot read properties of undefined
  // (reading 'brand')" matches /brand/i, so the class is refused as having private state.
  registerMessage(Product, "review/Product");
  const back = decode(encode(new Product({ brand: "x" }))) as Product;
  assert.equal(back.brandName, "X");
});

Deno.test("codec regressions: registerMessage runs no getter of the class (no side effects at import)", () => {
  let calls = 0;
  class Lazy {
    items: number[] = [];
    get total(): number {
      calls++; // e.g. a metric, a lazy cache, a log line
      return (this.items ?? []).length;
    }
  }
  registerMessage(Lazy, "review/Lazy");
  // registry.ts itself: "a constructor that needs its arguments (or has effects) must not run,
  // or fail, when the module defining it is imported" — getters now run there.
  assert.equal(calls, 0, "registerMessage called the getter on a bare object");
});

Deno.test("codec regressions: a user's subclass of ActorDeadError still crosses in a message", () => {
  class OrderGone extends ActorDeadError {}
  // Before: sent as a generic error (name, message, stack, cause). Now a CodecError, only
  // because ringmail registered the base class.
  const back = decode(encode({ failure: new OrderGone("the order actor ended") })) as {
    failure: Error;
  };
  assert.equal(back.failure.message, "the order actor ended");
});

Deno.test("codec regressions: portableError of a registered RingmailError subclass is always encodable", () => {
  class PaymentError extends RingmailError {
    constructor(message = "", readonly retry: (() => void) | null = null) {
      super(message);
    }
  }
  registerMessage(PaymentError, "review/PaymentError");
  const thrown = new PaymentError("card declined", () => {});
  // portableError's promise: "A copy of a thrown value that the codec can always carry" — a
  // handler failure must always be reportable (HandlerFailed, Terminated, RequestFailed).
  const copy = portableError(thrown);
  encode(copy);
});

Deno.test("codec regressions: a class whose getter calls a #private method is refused at its first use", () => {
  class Money {
    constructor(readonly cents = 0) {}
    #format(): string {
      return (this.cents / 100).toFixed(2);
    }
    get text(): string {
      return this.#format();
    }
  }
  // docs/codec.md: "a class whose getter reads private state (#private fields, ...) is refused at
  // registration". V8 says "Receiver must be an instance of class Money" for a private method,
  // which BRAND_FAILURE does not match: it registers, and every decoded instance's getter throws.
  registerMessage(Money, "review/Money");
  assert.throws(
    () => encode(new Money(1234)),
    (e: unknown) => e instanceof CodecError && /reads state of its own/.test(e.message),
  );
});

Deno.test("codec regressions: a field over an inherited read-only data property keeps its value (hole in the accessor fix)", () => {
  class Base {}
  Object.defineProperty(Base.prototype, "kind", { value: "base" }); // a constant, non-writable
  class Sub extends Base {
    // @ts-ignore: a class field over the inherited property, as plain JavaScript allows
    kind = "sub";
    n = 1;
  }
  registerMessage(Sub, "review/SubOverReadOnly");
  assert.equal(new Sub().kind, "sub");
  // shadowsAccessor only looks for get/set: the builder assigns o.kind = "sub", which a
  // non-writable inherited property silently ignores (sloppy generated code). No error.
  assert.equal((decode(encode(new Sub())) as Sub).kind, "sub");
});

Deno.test("codec regressions: portableError of an annotated ActorDeadError is encodable", () => {
  // A handler catches a failed ask's ActorDeadError, notes something on it, and rethrows: common.
  const error = new ActorDeadError("no reply from Shop: Shop has stopped");
  (error as unknown as Record<string, unknown>).attempt = 3;
  // Before: a plain Error copy (name, message, stack, cause), always encodable. Now the copy keeps
  // the class and every own key, and the codec refuses a key outside the class's layout: the
  // HandlerFailed / RequestFailed / Terminated carrying it cannot be written.
  encode(portableError(error));
});

Deno.test("codec regressions: an unknown class nested in a custom payload is not blamed on the custom decoder", () => {
  class Inner {
    constructor(public n = 0) {}
  }
  registerMessage(Inner, "review/Inner");
  class Box {
    constructor(public v: unknown = null) {}
  }
  registerMessage(Box, {
    name: "review/Box",
    encode(w, b) {
      w.value(b.v);
    },
    decode(r) {
      return new Box(r.value());
    },
  });
  const bytes = encode({ box: new Box({ deep: [new Inner(1)] }) });
  const at = bytes.findLastIndex((b, i) => i > 4 && b >= 0xc0); // Inner's class tag
  const bad = bytes.slice();
  bad[at + 1] ^= 0x55; // an id no class has: as if Inner were not registered in this Worker
  let message = "";
  try {
    decode(bad);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, /unknown message class id/);
  // Before: the CodecError passed through as it was. Now every CodecError inside a custom decode
  // is wrapped: "the custom decode of message class review/Box threw CodecError: unknown ...",
  // pointing at a decoder that did nothing wrong (the fix was meant for reads past the payload).
  assert.doesNotMatch(message, /custom decode of message class review\/Box threw/);
});

// Last: it registers ringmail's ActorDeadError for the rest of this file.
Deno.test("codec regressions: a user may still register ringmail's ActorDeadError under their own name", () => {
  // Before fc23e48..HEAD, ringmail errors crossed as plain Errors and an app could register them
  // itself to keep the class; now that call throws at import.
  registerMessage(ActorDeadError, "app/ActorDeadError");
});

Deno.test("codec regressions: an AggregateError whose errors are a long sparse array decodes as sent, without the constructor's dense copy (81 bytes of one of 2^27 holes took gigabytes)", () => {
  const sent = new AggregateError([], "many");
  const sparse: unknown[] = [];
  sparse.length = 1 << 20;
  sparse[7] = new Error("the one");
  Object.defineProperty(sent, "errors", {
    value: sparse,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  const back = decode(encode(sent)) as AggregateError;
  assert.ok(back instanceof AggregateError);
  assert.equal(back.errors.length, 1 << 20);
  assert.ok(!(0 in back.errors), "a hole stays a hole: no dense copy of every slot");
  assert.equal((back.errors[7] as Error).message, "the one");
  assert.deepEqual(
    Object.getOwnPropertyDescriptor(back, "errors"),
    { value: back.errors, writable: true, enumerable: false, configurable: true },
    "the property is as AggregateError's constructor makes it",
  );
  // A genuine one decodes with its errors too.
  const plain = decode(encode(new AggregateError([new Error("a")], "m"))) as AggregateError;
  assert.equal((plain.errors[0] as Error).message, "a");
});
