/** Ringmail's own errors on the wire: the fields part is checked, getters never run, a new codec version, the docs. */
import assert from "node:assert/strict";
import { CodecError, decode, encode } from "../../src/codec/mod.ts";
import { UndeliverableError } from "../../src/system/errors.ts";

/** An encoded UndeliverableError whose fields part (the tail of its bytes) is `fields`' encoding. */
function withFields(fields: unknown): Uint8Array {
  const bytes = encode(new UndeliverableError("stopped", "gone"));
  const own = encode({ kind: "stopped" });
  assert.deepEqual(bytes.subarray(bytes.length - own.length), own, "precondition: fields last");
  const tail = encode(fields);
  const out = new Uint8Array(bytes.length - own.length + tail.length);
  out.set(bytes.subarray(0, bytes.length - own.length));
  out.set(tail, bytes.length - own.length);
  return out;
}

Deno.test("codec errors: a fields part that sets message to a number is refused as corrupt", () => {
  let decoded: Error;
  try {
    decoded = decode(withFields({ message: 42 })) as Error;
  } catch (error) {
    assert.ok(error instanceof CodecError);
    return;
  }
  assert.equal(typeof decoded.message, "string", "a decoded error's message is a string");
});

Deno.test("codec errors: a fields part that sets stack/name to non-strings is refused", () => {
  assert.throws(() => decode(withFields({ stack: 7, name: 5 })), CodecError);
});

Deno.test("codec errors: a fields part whose values are not primitive is refused", () => {
  assert.throws(() => decode(withFields({ kind: { nested: [1, 2] } })), CodecError);
});

Deno.test("codec errors: a fields part that is a Map (not a plain object) is refused", () => {
  assert.throws(() => decode(withFields(new Map([["kind", "x"]]))), CodecError);
});

Deno.test("codec errors: a changed error layout comes with a new CODEC_VERSION (v1 readers refuse flags > 7)", async () => {
  const { CODEC_VERSION } = await import("../../src/codec/mod.ts");
  const bytes = encode(new UndeliverableError("stopped", "gone"));
  assert.deepEqual([bytes[0], bytes[1]], [0xBF, 0x08], "precondition: a generic error");
  const flags = bytes[2];
  // The version-1 reader this build replaces throws "corrupt: error flags" for any flag above 7;
  // a peer that runs it would find these frames corrupt, not of another version.
  assert.ok(
    (flags & ~7) === 0 || CODEC_VERSION !== 1,
    `flags 0x${flags.toString(16)} written under CODEC_VERSION ${CODEC_VERSION}`,
  );
});

Deno.test("codec errors: a ringmail error with an enumerable getter that throws still encodes (its other own properties were never read)", async () => {
  const { ActorDeadError } = await import("../../src/system/errors.ts");
  const error = new ActorDeadError("dead");
  Object.defineProperty(error, "lazy", {
    get() {
      throw new Error("getter threw");
    },
    enumerable: true,
  });
  const back = decode(encode(error)) as Error;
  assert.ok(back instanceof ActorDeadError);
});

Deno.test("codec errors: portableError of a ringmail error with a throwing enumerable getter does not throw", async () => {
  const { ActorDeadError } = await import("../../src/system/errors.ts");
  const { portableError } = await import("../../src/actor/portable_error.ts");
  const error = new ActorDeadError("dead");
  Object.defineProperty(error, "lazy", {
    get() {
      throw new Error("getter threw");
    },
    enumerable: true,
  });
  const copy = portableError(error);
  assert.ok(copy instanceof ActorDeadError);
});

Deno.test("codec errors: an error of a known class is marked as the writer knows it: bytes written before the class was known stay a plain Error (knowErrorClass's doc)", async () => {
  const { knowErrorClass } = await import("../../src/codec/mod.ts");
  class ReviewKnownLaterError extends Error {
    override name = "ReviewKnownLaterError";
  }
  const before = encode(new ReviewKnownLaterError("x")); // encoded before the class was known
  knowErrorClass(ReviewKnownLaterError);
  const plain = decode(before) as Error;
  assert.ok(!(plain instanceof ReviewKnownLaterError));
  assert.equal(plain.name, "ReviewKnownLaterError");
  assert.ok(decode(encode(new ReviewKnownLaterError("y"))) instanceof ReviewKnownLaterError);
});

Deno.test("codec errors: docs/codec.md's table says known errors keep their primitive fields", () => {
  const row = Deno.readTextFileSync(new URL("../../docs/codec.md", import.meta.url))
    .split("\n").find((line) => line.startsWith("| errors not registered"))!;
  assert.doesNotMatch(row, /name, message, stack, cause \(and `errors`\) only/);
});
