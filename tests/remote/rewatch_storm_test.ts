/**
 * Gaps from a node make every watch of its actors be sent again (see SystemCluster's
 * #watchAgain), each a control message kept until taken. On a lossy link gaps come in runs — many
 * in one socket read, more before the other node has even taken the first re-watch — and each
 * one sent all the watches again: with W watches, N gaps cost N × W control messages to a node
 * that is likely overloaded already. One pass per acknowledgement round covers them all.
 */
import assert from "node:assert/strict";
import type { ActorRef, ActorSystem } from "../../mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Echo2, Watcher, WatchIt } from "../_actors/watch_review.ts";
import { eventually } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { natsProto } from "./_nats_proto.ts";
import { countPublishes, holdsWithin, twoNodes } from "./_outage.ts";

const LONG = { timeout: 10_000 };
const WATCHES = 12;
const GAPS = 5;

/**
 * Makes the pings this process sends on `subject` go unanswered until the returned function is
 * called: no control message is acknowledged meanwhile.
 */
async function holdPings(url: string, subject: string): Promise<() => void> {
  const proto = await natsProto(url);
  const request = proto.request;
  proto.request = function (this: unknown, s: unknown, ...rest: unknown[]) {
    if (s === subject) return Promise.reject(new Error("held for the test"));
    return request.call(this, s, ...rest);
  };
  return () => {
    proto.request = request;
  };
}

function sizesOf(system: ActorSystem): Record<string, number> {
  const sizes = internalsOf(system).clusterSizes();
  assert.ok(sizes !== null, "the system has joined its cluster");
  return sizes;
}

Deno.test("rewatch storm: gaps from a node in one turn, and in later turns before the re-watch is acknowledged, send each watch again once per acknowledgement round", async () => {
  await using server = await startNatsServer();
  const cluster = "rewatch-storm";
  await using nodes = await twoNodes(server, cluster);
  const { here, there, bridge } = nodes;
  const watcher = here.spawn(Watcher);
  const targets: ActorRef<unknown>[] = [];
  for (let i = 0; i < WATCHES; i++) {
    targets.push(await here.spawnOn(there.node, Echo2) as ActorRef<unknown>);
  }
  for (const target of targets) {
    assert.equal(await bridge.call(watcher, new WatchIt(target), LONG), "watching");
  }
  // And the Bridge watches the probe it called.
  const watches = WATCHES + 1;
  await eventually(() => sizesOf(here).remoteWatches === watches, "the watches are on", 10_000);
  await eventually(() => sizesOf(here).controlKept === 0, "the watches are taken", 10_000);

  // The gaps made up are counted as lost messages: handled, so not printed.
  here.onDeadLetter(() => {});
  const release = await holdPings(server.url, `ringmail.${cluster}.${there.node}.ping`);
  const sent = await countPublishes(server.url, `ringmail.${cluster}.${there.node}.ctl`, here);
  const rewatches = () => sent.seen.filter((seen) => seen.startsWith("RemoteWatch(")).length;
  try {
    const lose = internalsOf(here).clusterRecordsLost;
    for (let gap = 0; gap < GAPS; gap++) lose(there.node, 1);
    await eventually(() => rewatches() >= watches, "the watches are sent again", 10_000);
    assert.equal(
      await holdsWithin(() => rewatches() > watches, 200) ? rewatches() : watches,
      watches,
      `${GAPS} gaps in one turn send each of the ${watches} watches again once`,
    );
    for (let gap = 0; gap < GAPS; gap++) {
      // Turns apart, the first re-watch not yet acknowledged (the pings held).
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      lose(there.node, 1);
    }
    assert.equal(
      await holdsWithin(() => rewatches() > watches, 300) ? rewatches() : watches,
      watches,
      `${GAPS} gaps in later turns, before the re-watch was acknowledged, send nothing yet`,
    );
    release();
    // Those gaps came after the first re-watch went: the watches go once more, once it is taken.
    await eventually(
      () => rewatches() >= 2 * watches,
      "the watches are sent again once the first re-watch is taken",
      10_000,
    );
    assert.equal(
      await holdsWithin(() => rewatches() > 2 * watches, 300) ? rewatches() : 2 * watches,
      2 * watches,
      "one more pass for all the gaps of that acknowledgement round",
    );
    await eventually(() => sizesOf(here).controlKept === 0, "the re-watches are taken", 10_000);
  } finally {
    release();
    sent.stop();
  }
});
