/**
 * Fuzz: at least 100k random mutations and truncations of valid encodings. Every one either
 * decodes or throws a CodecError: never another exception, never a hang (each decode is timed),
 * never an out-of-bounds read (the bytes sit in the middle of a larger shared buffer filled with
 * junk, and the reader is confined to the message's region).
 */

import assert from "node:assert/strict";
import { CodecError, Reader, Writer } from "../../src/codec/mod.ts";
import { randomValue, type Rng, withRefCodec, withSeed } from "./_util.ts";

const CASES = 120_000;
const TIME_BUDGET_MS = 120_000;
const SLOWEST_ALLOWED_MS = 250;

function mutate(rng: Rng, src: Uint8Array): Uint8Array {
  const b = Array.from(src);
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    switch (rng.int(7)) {
      case 0: // truncate
        b.length = rng.int(b.length + 1);
        break;
      case 1: // flip bits
        if (b.length) b[at] ^= 1 << rng.int(8);
        break;
      case 2: // random byte
        if (b.length) b[at] = rng.int(256);
        break;
      case 3: // insert
        b.splice(at, 0, rng.int(256));
        break;
      case 4: // delete a run
        b.splice(at, 1 + rng.int(4));
        break;
      case 5: // a forged length: a varuint of a huge number
        b.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x7f);
        break;
      default: // a boundary byte (tags, ext kinds)
        if (b.length) {
          b[at] = rng.pick([
            0x00,
            0x7f,
            0x80,
            0x97,
            0x98,
            0xa3,
            0xa4,
            0xa8,
            0xb9,
            0xbb,
            0xbc,
            0xbd,
            0xbe,
            0xbf,
            0xc0,
            0xff,
          ]);
        }
    }
  }
  return Uint8Array.from(b);
}

Deno.test("fuzz: mutated and truncated encodings decode or throw CodecError", () => {
  withRefCodec(() =>
    withSeed("fuzz", (rng) => {
      const writer = new Writer();
      const reader = new Reader();
      const arena = new Uint8Array(new SharedArrayBuffer(1 << 20));
      const seeds: Uint8Array[] = [];
      for (let i = 0; i < 400; i++) {
        writer.reset();
        writer.value(randomValue(rng, 4, { refs: true }));
        seeds.push(writer.toBytes());
      }
      const started = performance.now();
      let decoded = 0;
      let refused = 0;
      let slowest = 0;
      for (let i = 0; i < CASES; i++) {
        const bytes = mutate(rng, rng.pick(seeds));
        // Junk all around the region: a read outside it would see these bytes.
        const at = 64 + rng.int(64);
        arena.fill(0xbf, at - 64, at + bytes.length + 64);
        arena.set(bytes, at);
        const t0 = performance.now();
        try {
          reader.reset(arena, at, at + bytes.length);
          reader.value();
          decoded++;
        } catch (e) {
          if (!(e instanceof CodecError)) {
            throw new Error(
              `case ${i}: ${e} (not a CodecError) for bytes [${bytes.join(",")}]`,
              { cause: e },
            );
          }
          refused++;
        }
        const took = performance.now() - t0;
        if (took > slowest) slowest = took;
        if (performance.now() - started > TIME_BUDGET_MS) {
          throw new Error(`fuzzing took over ${TIME_BUDGET_MS} ms after ${i} cases`);
        }
      }
      assert.equal(decoded + refused, CASES);
      assert.ok(slowest < SLOWEST_ALLOWED_MS, `slowest decode took ${slowest} ms`);
      assert.ok(refused > CASES / 10, `only ${refused} of ${CASES} refused: mutations too weak`);
    })
  );
});

Deno.test("fuzz: random bytes decode or throw CodecError", () => {
  withRefCodec(() =>
    withSeed("random bytes", (rng) => {
      const reader = new Reader();
      for (let i = 0; i < 20_000; i++) {
        const bytes = new Uint8Array(rng.int(40));
        for (let j = 0; j < bytes.length; j++) bytes[j] = rng.int(256);
        try {
          reader.reset(bytes);
          reader.value();
        } catch (e) {
          if (!(e instanceof CodecError)) {
            throw new Error(`${e} (not a CodecError) for bytes [${bytes.join(",")}]`, { cause: e });
          }
        }
      }
    })
  );
});
