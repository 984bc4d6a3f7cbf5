/**
 * The ref hook: refs are written by the installed codec, with the caller's context; and the
 * ActorRef codec, which carries a ref's node (the process its actor lives in).
 */

import assert from "node:assert/strict";
import { ActorRef, type Courier } from "../../src/actor/actor_ref.ts";
import { CodecError, decode, encode, Reader, setRefCodec, Writer } from "../../src/codec/mod.ts";
import { actorRefCodec } from "../../src/delivery/ref_codec.ts";
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

/** A courier that only names actors: these tests encode refs, they send nothing. */
const courier = { describe: () => "Echo" } as unknown as Courier;

function withActorRefCodec(body: () => void): void {
  setRefCodec(actorRefCodec);
  try {
    body();
  } finally {
    setRefCodec(null);
  }
}

Deno.test("actor refs: a ref's node round-trips, and makes it another actor than node 0's", () => {
  withActorRefCodec(() => {
    for (
      const ref of [
        new ActorRef(7, 1, 0, courier, 5),
        new ActorRef(300, 2, 0x7fff_ffff, courier, 1_000_000),
        new ActorRef(1, 1, 9, courier, 2 ** 40),
      ]
    ) {
      const back = decode(encode({ to: ref }, courier), courier) as { to: ActorRef };
      assert.ok(back.to instanceof ActorRef);
      assert.deepEqual(
        [back.to.slot, back.to.generation, back.to.tag, back.to.node],
        [ref.slot, ref.generation, ref.tag, ref.node],
      );
      assert.ok(back.to.equals(ref));
      const here = new ActorRef(ref.slot, ref.generation, ref.tag, courier);
      assert.equal(here.node, 0);
      assert.ok(!back.to.equals(here) && !here.equals(back.to));
    }
    const here = decode(encode(new ActorRef(7, 1, 3, courier), courier), courier) as ActorRef;
    assert.deepEqual([here.slot, here.generation, here.tag, here.node], [7, 1, 3, 0]);
  });
});

Deno.test("actor refs: node 0 costs no byte, another node a varuint", () => {
  const before = withRefCodec(() => encode(new TestRef(7, 1)).length); // slot and generation
  withActorRefCodec(() => {
    // One byte more than slot and generation: the tag's, as before refs had a node.
    assert.equal(encode(new ActorRef(7, 1, 0, courier), courier).length, before + 1);
    assert.equal(encode(new ActorRef(7, 1, 0, courier, 5), courier).length, before + 2);
  });
});

Deno.test("actor refs: the node shows in toString only when it is not 0", () => {
  assert.equal(`${new ActorRef(7, 1, 0, courier)}`, "ActorRef(Echo#7.1)");
  assert.equal(`${new ActorRef(7, 1, 0, courier, 5)}`, "ActorRef(Echo#7.1@5)");
  assert.equal(Deno.inspect(new ActorRef(7, 1, 0, courier, 5)), "ActorRef(Echo#7.1@5)");
});
