/**
 * Pools and observation review: the live view's and `inspect()`'s figures against what the test
 * did, and the options that would make them wrong.
 */
import assert from "node:assert/strict";
import { ObserveError } from "../../errors.ts";
import { KEEP_SAMPLING_MS } from "../../src/system/inspector.ts";
import { testSystem } from "../_system.ts";

Deno.test("pools review: an intervalMs past the inspector's sampling window is refused: every snapshot would read 0 messages/s", async () => {
  // The inspector stops sampling KEEP_SAMPLING_MS after the last inspect(), and a rate needs
  // two samples: a view that inspects less often than that shows 0 handled per second and every
  // Worker idle, in the chart and the table, however busy the actors are.
  await using t = testSystem();
  for (const intervalMs of [KEEP_SAMPLING_MS, KEEP_SAMPLING_MS + 1_000, 60_000]) {
    let view;
    try {
      await assert.rejects(
        async () => {
          view = await t.system.observe({ intervalMs });
        },
        (error: Error) =>
          error instanceof ObserveError &&
          /intervalMs must be .* from 100 to 10000/.test(error.message),
        `intervalMs ${intervalMs}`,
      );
    } finally {
      await (view as { close(): Promise<void> } | undefined)?.close();
    }
  }
  // The longest allowed still works.
  await using view = await t.system.observe({ intervalMs: 10_000 });
  assert.match(view.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});
