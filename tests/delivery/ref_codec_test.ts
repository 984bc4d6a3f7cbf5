/** The ref hook: refs are written by the installed codec, with the caller's context. */

import assert from "node:assert/strict";
import { CodecError, decode, encode, Reader, setRefCodec, Writer } from "../../src/codec/mod.ts";
import { TestRef, testRefCodec, withRefCodec } from "../codec/_util.ts";

Deno.test("refs go through the installed codec, with the context", () => {
  withRefCodec(() => {
    testRefCodec.contexts.length = 0;
    const system = { name: "system A" };
    const bytes = encode({ to: new TestRef(7, 1), cc: [new TestRef(300, 2)] }, system);
    assert.equal(bytes.length, 1 + 3 + 3 + (1 + 1 + 1) + 1 + (1 + 2 + 1));
    const other = { name: "system B" };
    const back = decode(bytes, other) as { to: TestRef; cc: TestRef[] };
    assert.ok(back.to instanceof TestRef);
    assert.deepEqual(back.to, new TestRef(7, 1));
    assert.deepEqual(back.cc[0], new TestRef(300, 2));
    assert.deepEqual(testRefCodec.contexts, [system, system, other, other]);

    // The same through a Writer and a Reader directly.
    const w = new Writer().reset("w-ctx");
    w.value(new TestRef(1, 1));
    const r = new Reader().reset(w.toBytes(), 0, w.length, "r-ctx");
    assert.deepEqual(r.value(), new TestRef(1, 1));
    assert.deepEqual(testRefCodec.contexts.slice(-2), ["w-ctx", "r-ctx"]);
  });
});

Deno.test("without a ref codec, a ref is just an unregistered class", () => {
  assert.throws(() => encode({ to: new TestRef(1, 1) }), (e: unknown) => {
    assert.ok(e instanceof CodecError);
    assert.equal(e.path, "message.to");
    assert.match(e.message, /class TestRef/);
    return true;
  });
});

Deno.test("subclasses of the ref class are not refs", () => {
  class SpecialRef extends TestRef {}
  withRefCodec(() => {
    assert.throws(() => encode(new SpecialRef(1, 1)), /class SpecialRef/);
  });
});

Deno.test("setRefCodec checks its argument and can be cleared", () => {
  assert.throws(
    () => setRefCodec({ refClass: undefined as never, write() {}, read: () => ({}) }),
    /needs a refClass/,
  );
  setRefCodec(null);
});
