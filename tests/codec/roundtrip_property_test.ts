/**
 * Property tests: thousands of random values of every supported type, seeded (the seed is
 * printed on failure; replay with CODEC_SEED=<seed>), each encoded and decoded back to an equal
 * value (see _util.ts assertSameValue: -0, NaN, holes, class identity, bytes, errors).
 */

import { decode, encode, Reader, Writer } from "../../src/codec/mod.ts";
import {
  assertSameValue,
  randomBigInt,
  randomBinary,
  randomNumber,
  randomString,
  randomValue,
  type Rng,
  withRefCodec,
  withSeed,
} from "./_util.ts";

function roundTrip(v: unknown): unknown {
  return decode(encode(v));
}

function check(rng: Rng, count: number, make: (rng: Rng) => unknown): void {
  for (let i = 0; i < count; i++) {
    const v = make(rng);
    assertSameValue(roundTrip(v), v);
  }
}

Deno.test("round trip: every type, seeded", async (t) => {
  await t.step("numbers (ints, floats, -0, NaN, ±Infinity)", () => {
    withSeed("numbers", (rng) => check(rng, 20000, randomNumber));
  });
  await t.step("strings (ASCII, BMP, astral, lone surrogates, all lengths)", () => {
    withSeed("strings", (rng) => check(rng, 5000, randomString));
  });
  await t.step("bigints of any size", () => {
    withSeed("bigints", (rng) => check(rng, 5000, randomBigInt));
  });
  await t.step("binary: ArrayBuffer, DataView, every TypedArray", () => {
    withSeed("binary", (rng) => check(rng, 3000, randomBinary));
  });
  await t.step("nested mixes of everything, refs included", () => {
    withRefCodec(() =>
      withSeed("nested", (rng) => check(rng, 4000, (r) => randomValue(r, 5, { refs: true })))
    );
  });
  await t.step("deep mixes", () => {
    withSeed("deep", (rng) => check(rng, 300, (r) => randomValue(r, 12)));
  });
});

Deno.test("round trip: many values through one reused writer and reader, via shared memory", () => {
  withRefCodec(() =>
    withSeed("shared", (rng) => {
      const writer = new Writer(16);
      const reader = new Reader();
      const ring = new Uint8Array(new SharedArrayBuffer(1 << 20));
      for (let i = 0; i < 3000; i++) {
        const v = randomValue(rng, 4, { refs: true });
        writer.reset();
        writer.value(v);
        const at = rng.int(1000);
        const n = writer.copyTo(ring, at);
        reader.reset(ring, at, at + n);
        const back = reader.value();
        reader.expectEnd();
        assertSameValue(back, v);
      }
    })
  );
});

Deno.test("round trip: region mode writes the same bytes as scratch mode", () => {
  withSeed("region", (rng) => {
    const scratch = new Writer();
    const region = new Writer();
    const target = new Uint8Array(new SharedArrayBuffer(1 << 20));
    for (let i = 0; i < 1000; i++) {
      const v = randomValue(rng, 4);
      scratch.reset();
      scratch.value(v);
      const at = rng.int(100);
      region.resetInto(target, at, target.length);
      region.value(v);
      const a = scratch.toBytes();
      const b = target.slice(at, region.pos);
      if (a.length !== b.length || a.some((x, j) => x !== b[j])) {
        throw new Error(`region bytes differ for ${Deno.inspect(v)}`);
      }
    }
  });
});
