/** Class identity across a real Worker: bytes in a SharedArrayBuffer, both directions. */

import assert from "node:assert/strict";
import { Reader, Writer } from "../../src/codec/mod.ts";
import { Order, OrderLine, sampleOrder } from "./fixtures/worker_messages.ts";
import { assertSameValue } from "./_util.ts";

const TIMEOUT_MS = 20_000;

Deno.test("a registered class crosses a Worker as a real instance of itself", async () => {
  const worker = new Worker(new URL("./fixtures/codec_worker.ts", import.meta.url), {
    type: "module",
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const sab = new SharedArrayBuffer(1 << 16);
    const ring = new Uint8Array(sab);
    const writer = new Writer();
    writer.reset();
    writer.value(sampleOrder());
    const inbound = writer.copyTo(ring, 0);
    const at = 4096;

    const replied = new Promise<MessageEvent>((resolve, reject) => {
      worker.onmessage = resolve;
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`worker failed: ${e.message}`));
      };
    });
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    worker.postMessage({ sab, at, inbound });
    const reply = await Promise.race([replied, timedOut]);
    const { n, received } = reply.data as {
      n: number;
      received: { isOrder: boolean; linesAreOrderLines: boolean; total: number };
    };
    // The worker decoded ours as real instances.
    assert.deepEqual(received, { isOrder: true, linesAreOrderLines: true, total: 7 });
    // We decode the worker's as real instances.
    const back = new Reader().reset(ring, at, at + n).value();
    assert.ok(back instanceof Order);
    assert.ok(back.lines[0] instanceof OrderLine);
    assert.equal(back.total(), 7);
    const expected = sampleOrder();
    expected.problem!.stack = (back.problem as Error).stack; // made in the worker
    assertSameValue(back, expected);
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
});
