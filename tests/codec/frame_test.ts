/** Standalone frames: [version][body]; an unknown version is refused. */

import assert from "node:assert/strict";
import {
  checkVersion,
  CODEC_VERSION,
  CodecError,
  decodeFrame,
  encode,
  encodeFrame,
} from "../../src/codec/mod.ts";

Deno.test("a frame is the version byte, then the body", () => {
  const frame = encodeFrame({ a: [1, 2] });
  assert.equal(frame[0], CODEC_VERSION);
  assert.deepEqual(frame.subarray(1), encode({ a: [1, 2] }));
  assert.deepEqual(decodeFrame(frame), { a: [1, 2] });
});

Deno.test("unknown versions and empty frames are refused", () => {
  for (const v of [0, 1, 3, 255]) {
    assert.throws(() => checkVersion(v), (e: unknown) => {
      assert.ok(e instanceof CodecError);
      assert.match(e.message, new RegExp(`unknown codec format version ${v}`));
      assert.match(e.message, new RegExp(`reads version ${CODEC_VERSION}`));
      return true;
    });
    assert.throws(() => decodeFrame(Uint8Array.of(v, 0)), CodecError);
  }
  assert.throws(() => decodeFrame(new Uint8Array(0)), /empty frame/);
  checkVersion(CODEC_VERSION);
});
