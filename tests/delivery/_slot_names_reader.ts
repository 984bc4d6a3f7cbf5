/// <reference lib="deno.worker" />
/**
 * Reads the names of a directory's first slots while the test's thread renames them, and
 * reports any name that is not the one written for that very slot and generation.
 */
import { Directory } from "../../src/delivery/mod.ts";
import { Arena } from "../../src/ring/mod.ts";
import { expectedName } from "./_slot_names_expected.ts";

export interface ReadOrder {
  buffer: SharedArrayBuffer;
  directory: number;
  slots: number;
  reads: number;
  /** Word 0: set to 1 once the reads are done. */
  done: SharedArrayBuffer;
}

self.onmessage = (event: MessageEvent<ReadOrder>) => {
  const { buffer, directory: offset, slots, reads, done } = event.data;
  const directory = Directory.attach(Arena.attach(buffer), offset);
  let named = 0;
  const wrong: string[] = [];
  for (let i = 0; i < reads && wrong.length < 5; i++) {
    const slot = 1 + (i % slots);
    const current = directory.generation(slot);
    // The current actor, and the one before it: named rightly, or not at all.
    for (const generation of [current, current - 1]) {
      const name = directory.names.nameOf(slot, generation);
      if (name === undefined) continue;
      named++;
      const expected = expectedName(slot, generation);
      if (name !== expected) wrong.push(`${slot}.${generation}: ${name}, not ${expected}`);
    }
  }
  Atomics.store(new Int32Array(done), 0, 1);
  self.postMessage({ named, wrong });
};
