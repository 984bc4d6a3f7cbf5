/** Registering message classes: the API, the decorator, and every registration error. */

import assert from "node:assert/strict";
import {
  CodecError,
  decode,
  encode,
  message,
  messageName,
  type Reader,
  registerMessage,
  setRefCodec,
  type Writer,
} from "../../src/codec/mod.ts";
import { Start as StartA } from "./_clash_a.ts";
import { Start as StartB } from "./_clash_b.ts";
import { collidingNames } from "./class_id_test.ts";
import { assertSameValue } from "./_util.ts";

/** The last error of a cause chain. */
function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 10 && e instanceof Error && e.cause !== undefined; i++) e = e.cause;
  return e;
}

function assertRegistrationError(f: () => void, ...patterns: RegExp[]): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CodecError, `expected a CodecError, got ${error}`);
  for (const p of patterns) assert.match(error.message, p);
}

Deno.test("registration", async (t) => {
  await t.step("a class registered with a name decodes as itself", () => {
    class Deposit {
      constructor(public amount = 0, public account = "") {}
      describe(): string {
        return `${this.amount} to ${this.account}`;
      }
    }
    registerMessage(Deposit, "tests/registry/Deposit");
    assert.equal(messageName(Deposit), "tests/registry/Deposit");
    const back = decode(encode(new Deposit(10, "alice"))) as Deposit;
    assert.ok(back instanceof Deposit);
    assert.equal(back.describe(), "10 to alice");
    assert.equal(encode(new Deposit()).length, 3 + 1 + 1);
  });
  await t.step(
    "the default name is the module's path from the main module's folder, # the class's name",
    () => {
      class RegistryDefaultName {}
      registerMessage(RegistryDefaultName);
      assert.equal(messageName(RegistryDefaultName), "registry_test.ts#RegistryDefaultName");
      assert.equal(encode(new RegistryDefaultName()).length, 3);
    },
  );
  await t.step("two modules that each declare a Start never clash", () => {
    assert.equal(messageName(StartA), "_clash_a.ts#Start");
    assert.equal(messageName(StartB), "_clash_b.ts#Start");
    const a = decode(encode(new StartA("x")));
    const b = decode(encode(new StartB(2, "y")));
    assert.ok(a instanceof StartA && a.from === "x");
    assert.ok(b instanceof StartB && b.count === 2 && b.label === "y");
  });
  await t.step("the TC39 decorator, with and without a name", () => {
    @message()
    class RegistryDecorated {
      constructor(public seq = 0) {}
    }
    @message("tests/registry/Named")
    class RegistryNamed {
      static instances = 0;
    }
    assert.equal(messageName(RegistryDecorated), "registry_test.ts#RegistryDecorated");
    assert.equal(messageName(RegistryNamed), "tests/registry/Named");
    assert.ok(decode(encode(new RegistryDecorated(1))) instanceof RegistryDecorated);
  });
  await t.step("registering the same class under the same name again does nothing", () => {
    class Again {}
    registerMessage(Again, "tests/registry/Again");
    registerMessage(Again, "tests/registry/Again");
    registerMessage(Again, { name: "tests/registry/Again" });
    assert.equal(messageName(Again), "tests/registry/Again");
  });
  await t.step("messageName of an unregistered class or a non-class", () => {
    class Unregistered {}
    assert.equal(messageName(Unregistered), undefined);
    assert.equal(messageName(42), undefined);
  });
  await t.step("fields given explicitly, for constructors that need arguments", () => {
    class Strict {
      readonly total: number;
      constructor(readonly items: number[]) {
        if (!Array.isArray(items)) throw new TypeError("items required");
        this.total = items.reduce((a, b) => a + b, 0);
      }
    }
    registerMessage(Strict, { name: "tests/registry/Strict", fields: ["items", "total"] });
    assertSameValue(decode(encode(new Strict([1, 2]))), new Strict([1, 2]));
  });
  await t.step("registration never constructs: a probe that throws fails the first encode", () => {
    let made = 0;
    class Validating {
      constructor(readonly items: number[]) {
        made++;
        if (!Array.isArray(items)) throw new TypeError("items required");
      }
    }
    registerMessage(Validating, "tests/registry/Validating"); // the import that defines it
    assert.equal(made, 0, "no instance is made at registration");
    const value = new Validating([1]);
    assert.throws(
      () => encode(value),
      (error: unknown) =>
        error instanceof CodecError &&
        /new Validating\(\) threw \(TypeError: items required\)/.test(error.message) &&
        /fields/.test(error.message) && rootCause(error) instanceof TypeError,
    );
  });
  await t.step("a custom encode/decode", () => {
    class Point {
      #x: number;
      #y: number;
      constructor(x: number, y: number) {
        this.#x = x;
        this.#y = y;
      }
      get x(): number {
        return this.#x;
      }
      get y(): number {
        return this.#y;
      }
    }
    const seen: unknown[] = [];
    registerMessage(Point, {
      name: "tests/registry/Point",
      encode(w: Writer, p: Point, context: unknown) {
        seen.push(context);
        w.f64(p.x);
        w.f64(p.y);
      },
      decode(r: Reader, context: unknown) {
        seen.push(context);
        return new Point(r.f64(), r.f64());
      },
    });
    const back = decode(encode([new Point(1, 2)], "ctx-e"), "ctx-d") as Point[];
    assert.ok(back[0] instanceof Point);
    assert.deepEqual([back[0].x, back[0].y], [1, 2]);
    assert.deepEqual(seen, ["ctx-e", "ctx-d"]);
    // Payloads of 128 bytes and more take a longer length prefix.
    class Blob {
      constructor(public data = new Uint8Array(0)) {}
    }
    registerMessage(Blob, {
      name: "tests/registry/Blob",
      encode(w, b) {
        w.value(b.data);
        w.value({ nested: [1, 2] });
      },
      decode(r) {
        const b = new Blob(r.value() as Uint8Array<ArrayBuffer>);
        r.value();
        return b;
      },
    });
    for (const n of [0, 100, 200, 20000]) {
      const blob = new Blob(new Uint8Array(n).fill(7));
      assertSameValue(decode(encode({ blob })), { blob });
    }
  });
  await t.step("error subclasses travel as real errors of their class", () => {
    class PaymentFailed extends Error {
      override name = "PaymentFailed";
      code = 0;
    }
    registerMessage(PaymentFailed, "tests/registry/PaymentFailed");
    const e = new PaymentFailed("declined", { cause: { bank: "x" } });
    e.code = 402;
    const back = decode(encode(e)) as PaymentFailed;
    assert.ok(back instanceof PaymentFailed && back instanceof Error);
    assert.ok(Error.isError(back));
    assert.equal(back.message, "declined");
    assert.equal(back.stack, e.stack);
    assert.deepEqual(back.cause, { bank: "x" });
    assert.equal(back.code, 402);
    assert.equal(back.name, "PaymentFailed");
  });
});

Deno.test("registration errors name both parties and say what to do", async (t) => {
  await t.step("one name for two classes", () => {
    class First {}
    class Second {}
    registerMessage(First, "tests/registry/Shared");
    assertRegistrationError(
      () => registerMessage(Second, "tests/registry/Shared"),
      /Second as message 'tests\/registry\/Shared'/,
      /already registered for First/,
      /pass a distinct name/,
    );
  });
  await t.step("one class under two names", () => {
    class Twice {}
    registerMessage(Twice, "tests/registry/Twice1");
    assertRegistrationError(
      () => registerMessage(Twice, "tests/registry/Twice2"),
      /already registered as 'tests\/registry\/Twice1'/,
    );
  });
  await t.step("two names whose ids collide, and the way out", () => {
    const [a, b] = collidingNames("tests/registry/collide-");
    class Left {}
    class Right {}
    registerMessage(Left, a);
    assertRegistrationError(
      () => registerMessage(Right, b),
      /collides with Left registered as/,
      /under another name/,
    );
    registerMessage(Right, b + "-renamed");
    assert.ok(decode(encode(new Right())) instanceof Right);
    assert.ok(decode(encode(new Left())) instanceof Left);
  });
  await t.step("anonymous classes, non-classes, built-ins", () => {
    const Anonymous = (() => class {})();
    assertRegistrationError(() => registerMessage(Anonymous), /no name/);
    registerMessage(Anonymous, "tests/registry/Anonymous");
    assertRegistrationError(
      () => registerMessage(42 as unknown as new () => object),
      /needs a class/,
    );
    assertRegistrationError(() => registerMessage(Map, "tests/registry/Map"), /built-in Map/);
    class Tags extends Set<string> {}
    assertRegistrationError(
      () => registerMessage(Tags, "tests/registry/Tags"),
      /extends Set/,
      /custom encode\/decode/,
    );
  });
  await t.step("inconsistent options", () => {
    class Half {}
    assertRegistrationError(
      () => registerMessage(Half, { name: "tests/registry/Half", encode() {} }),
      /needs both encode/,
    );
    assertRegistrationError(
      () =>
        registerMessage(Half, {
          name: "tests/registry/Half",
          fields: [],
          encode() {},
          decode: () => new Half(),
        }),
      /either fields or a custom encode/,
    );
    class Dup {
      a = 1;
    }
    assertRegistrationError(
      () => registerMessage(Dup, { name: "tests/registry/Dup", fields: ["a", "a"] }),
      /duplicates/,
    );
  });
  await t.step("the ref class cannot be a message class, and the reverse", () => {
    class RefLike {}
    setRefCodec({ refClass: RefLike, write() {}, read: () => new RefLike() });
    try {
      assertRegistrationError(
        () => registerMessage(RefLike, "tests/registry/RefLike"),
        /ref class of setRefCodec/,
      );
    } finally {
      setRefCodec(null);
    }
    class MessageLike {}
    registerMessage(MessageLike, "tests/registry/MessageLike");
    assertRegistrationError(
      () => setRefCodec({ refClass: MessageLike, write() {}, read: () => new MessageLike() }),
      /also registered as message class/,
    );
  });
});

Deno.test("registerMessage: options that are neither a name nor an object are refused, not ignored", () => {
  class Mistyped {
    constructor(readonly n = 0) {}
  }
  for (const options of [5, true, null]) {
    assert.throws(
      () => registerMessage(Mistyped, options as never),
      (error: unknown) =>
        error instanceof CodecError &&
        /registerMessage\(\)'s second argument must be a name or an object/.test(error.message),
    );
  }
  // Nothing was registered by the refused calls: a name can still be given.
  registerMessage(Mistyped, "tests/registry/Mistyped");
  assert.equal(messageName(Mistyped), "tests/registry/Mistyped");
});
