/**
 * The OpenTelemetry metrics of a node up for weeks while the other nodes restart (each start a
 * new node id): the link series of a node no longer listed (see DOWN_LINK_LISTED_MS) go.
 */
import assert from "node:assert/strict";
import type { LinkStatus } from "../../mod.ts";
import { SystemMetrics } from "../../src/observe/otel/metrics.ts";
import { recordingMeter } from "./_recording_meter.ts";
import { testSystem } from "../_system.ts";

/** A link to `node` as clusterStatus() lists it, with some traffic. */
function linkTo(node: number): LinkStatus {
  const rate = { lastSecond: 0, lastTenSeconds: 0 };
  return {
    node,
    up: true,
    roundTripMs: 1,
    roundTripAverageMs: 1,
    recordsSent: 3,
    recordsReceived: 3,
    recordsSentRate: rate,
    recordsReceivedRate: rate,
    bytesSent: 300,
    bytesReceived: 300,
    bytesSentRate: rate,
    bytesReceivedRate: rate,
    batchesSent: 1,
    batchesReceived: 1,
    waitingForCredit: 0,
    creditStalls: 1,
    creditStalledMs: 5,
    reason: "",
  };
}

Deno.test("otel links: the totals of a node's link series go once its link is no longer listed", async () => {
  await using t = testSystem();
  const recorded = recordingMeter();
  // The node this one talks to now: each collection, a new one (the last one's figures dropped).
  let node = 0;
  const system = { inspect: () => ({ ...t.system.inspect(), links: [linkTo(node)] }) };
  const metrics = new SystemMetrics(system, recorded.meter);
  try {
    const collectNodes = (count: number) => {
      for (let i = 0; i < count; i++) {
        node++;
        recorded.collect();
      }
      return metrics.linkSeriesKept;
    };
    const afterFew = collectNodes(20);
    assert.equal(
      recorded.counted("ringmail.link.records", {
        "ringmail.link.node": "20",
        "ringmail.link.direction": "sent",
      }),
      3,
      "the listed link is counted",
    );
    assert.equal(collectNodes(80), afterFew, "series kept after 100 nodes as after 20");
  } finally {
    metrics[Symbol.dispose]();
  }
});
