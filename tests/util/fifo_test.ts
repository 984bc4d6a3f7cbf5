/** The FIFO behind run queues, backlogs and multiCall: order kept across growth and wrap-around. */
import assert from "node:assert/strict";
import { Fifo } from "../../src/util/fifo.ts";

Deno.test("fifo: items come out in the order they went in, across growth and wrap-around", () => {
  const fifo = new Fifo<number>();
  assert.equal(fifo.shift(), undefined);
  assert.equal(fifo.peek(), undefined);
  let pushed = 0;
  let shifted = 0;
  // Uneven pushes and shifts, so the head wraps at every capacity the queue grows through.
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < (round % 7) + 3; i++) fifo.push(pushed++);
    for (let i = 0; i < (round % 5) + 1 && fifo.length > 0; i++) {
      assert.equal(fifo.peek(), shifted);
      assert.equal(fifo.shift(), shifted++);
    }
    assert.equal(fifo.length, pushed - shifted);
  }
  while (fifo.length > 0) assert.equal(fifo.shift(), shifted++);
  assert.equal(shifted, pushed);
  assert.equal(fifo.shift(), undefined);
});
