/**
 * A link's figures (src/remote/link_figures.ts): what `clusterStatus()` and `inspect()` report of
 * each link — records, bytes and batches both ways, their rates, credit stalls, round trips —
 * and the NATS services protocol's discovery (src/remote/service.ts), asked with raw requests.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge, type LinkStatus } from "../../mod.ts";
import { Probe } from "../_actors/supervision.ts";
import { Grinder } from "../_actors/busy.ts";
import { eventually } from "../_system.ts";
import { CREDIT_WINDOW, Credits, RECORD_CREDIT } from "../../src/remote/credits.ts";
import { DOWN_LINK_LISTED_MS, LinkFigures } from "../../src/remote/link_figures.ts";
import { Peers } from "../../src/remote/peers.ts";
import { connectNats } from "../../src/remote/nats.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

async function linkTo(system: ActorSystem, node: number): Promise<LinkStatus | undefined> {
  return (await system.clusterStatus()).links.find((link) => link.node === node);
}

Deno.test("link figures: N records sent are N sent here and N received there, with rates while they flow", async () => {
  await using server = await startNatsServer();
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "figures" } });
  await using there = new ActorSystem({ cluster: { servers: server.url, name: "figures" } });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawnWith(Probe, { mailboxCapacity: 1 << 16 }));
  const far = await here.lookup<unknown>("probe");
  const before = (await linkTo(here, there.node))?.recordsSent ?? 0;
  const beforeThere = (await linkTo(there, here.node))?.recordsReceived ?? 0;
  const count = 5_000;
  for (let i = 0; i < count; i++) far.send(i);
  await eventually(
    async () => (await linkTo(there, here.node))?.recordsReceived === beforeThere + count,
    "every record counted on the receiving side",
  );
  const sent = (await linkTo(here, there.node))!;
  assert.equal(sent.recordsSent - before, count, JSON.stringify(sent));
  assert.ok(sent.batchesSent >= 1 && sent.batchesSent < count, "many records a batch");
  assert.ok(sent.bytesSent > count, "bytes counted");
  const received = (await linkTo(there, here.node))!;
  assert.equal(received.bytesReceived, sent.bytesSent, "what one published, the other took");
  assert.equal(received.batchesReceived, sent.batchesSent);
  // A steady flow: the rate over the last second shows it, on both sides.
  let i = 0;
  await eventually(async () => {
    for (let n = 0; n < 200; n++) far.send(i++);
    const out = await linkTo(here, there.node);
    const into = await linkTo(there, here.node);
    return (out?.recordsSentRate.lastSecond ?? 0) > 0 &&
      (into?.recordsReceivedRate.lastSecond ?? 0) > 0 &&
      (out?.bytesSentRate.lastTenSeconds ?? 0) > 0;
  }, "rates above 0 while records flow");
  await eventually(async () => {
    const link = await linkTo(here, there.node);
    return link !== undefined && link.roundTripMs >= 0 && link.roundTripAverageMs >= 0;
  }, "a ping answered");
  const link = (await linkTo(here, there.node))!;
  assert.equal(link.up, true);
  assert.equal(link.creditStalls, 0, "no stall: the receiver kept up");
  // inspect() has the same links, read at once.
  const inspected = here.inspect().links.find((l) => l.node === there.node);
  assert.ok(inspected !== undefined && inspected.recordsSent >= link.recordsSent);
  assert.equal(here.inspect().connected, true, "and its connection");
  await using alone = new ActorSystem();
  assert.deepEqual(alone.inspect().links, [], "no cluster, no links");
  assert.equal(alone.inspect().connected, null, "nor connection");
});

Deno.test("link figures: a receiver held back makes a credit stall, counted and timed", async () => {
  await using server = await startNatsServer();
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "stall" } });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: "stall" },
    sendTimeout: 60_000,
  });
  await Promise.all([here.joined, there.joined]);
  await there.register("slow", there.spawnWith(Grinder, { mailboxCapacity: 1024 }));
  const slow = await here.lookup<number | string>("slow");
  using bridge = new Bridge(here);
  // Busy a while: its mailbox fills, the receiving thread holds the rest, grants stop. More
  // records than a window holds (each spends its bytes and RECORD_CREDIT).
  slow.send(1_500);
  const count = CREDIT_WINDOW / RECORD_CREDIT + 4_000;
  for (let i = 0; i < count; i++) slow.send(0);
  await eventually(
    async () => ((await linkTo(here, there.node))?.waitingForCredit ?? 0) > 0,
    "records wait for credit",
  );
  const stalled = (await linkTo(here, there.node))!;
  assert.equal(stalled.creditStalls, 1, JSON.stringify(stalled));
  await eventually(async () => {
    const link = await linkTo(here, there.node);
    return link !== undefined && link.waitingForCredit === 0 && link.recordsSent >= count;
  }, "the stall ends once the receiver catches up");
  const after = (await linkTo(here, there.node))!;
  assert.ok(after.creditStalls >= 1);
  assert.ok(after.creditStalledMs > 0, JSON.stringify(after));
  assert.equal(await bridge.call(slow, "count", { timeout: 20_000 }), count + 1);
});

Deno.test("link figures: a node answers the NATS services discovery, its stats carrying its links", async () => {
  await using server = await startNatsServer();
  await using node = await startNode(server.url, "svc");
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "svc" } });
  await here.joined;
  using bridge = new Bridge(here);
  const echo = await here.lookup<number>("echo");
  assert.equal(await bridge.call(echo, 7), 7);
  const nc = await connectNats(server.url, "services test", 10_000);
  try {
    const ask = async (subject: string) =>
      JSON.parse(new TextDecoder().decode(
        (await nc.request(subject, undefined, {
          timeout: 5_000,
        })).data,
      ));
    const ping = await ask(`$SRV.PING.ringmail-svc.${node.node}`);
    assert.equal(ping.type, "io.nats.micro.v1.ping_response");
    assert.equal(ping.name, "ringmail-svc");
    assert.equal(ping.metadata.node, String(node.node));
    const info = await ask(`$SRV.INFO.ringmail-svc.${here.node}`);
    assert.equal(info.endpoints[0].name, "status");
    const stats = await ask(`$SRV.STATS.ringmail-svc.${node.node}`);
    assert.equal(stats.type, "io.nats.micro.v1.stats_response");
    const links: LinkStatus[] = stats.endpoints[0].data.links;
    const link = links.find((l) => l.node === here.node);
    assert.ok(link !== undefined && link.up, JSON.stringify(stats));
    assert.ok(link.recordsReceived >= 1 && link.recordsSent >= 1, JSON.stringify(link));
    // The endpoint answers the status itself.
    const status = await ask(info.endpoints[0].subject);
    assert.equal(status.node, here.node);
  } finally {
    await nc.close();
  }
});

Deno.test("link figures: the live view's snapshot has the links", async () => {
  await using server = await startNatsServer();
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "view" } });
  await using there = new ActorSystem({ cluster: { servers: server.url, name: "view" } });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawn(Probe));
  using bridge = new Bridge(here);
  assert.deepEqual(await bridge.call(await here.lookup("probe"), "dump"), []);
  await using view = await here.observe({ port: 0, intervalMs: 100 });
  let links: LinkStatus[] = [];
  await eventually(async () => {
    const response = await fetch(new URL("api/snapshot", view.url));
    links = (await response.json()).snapshot.links;
    return links.some((link) => link.node === there.node && link.recordsSent >= 1);
  }, "the view's snapshot shows the link");
  assert.equal(links.find((link) => link.node === there.node)!.up, true);
});

Deno.test("link figures: a node down is listed a while, with why, then dropped with its counts (nodes restarting for weeks do not pile up)", () => {
  const peers = new Peers({ pingIntervalMs: 100, downAfterMs: 1_500 }, () => new Promise(() => {}));
  const figures = new LinkFigures(peers, new Credits());
  try {
    figures.of(7).recordsSent = 3;
    peers.down(7, "its process ended");
    const downAt = performance.now();
    const listed = figures.status(1, true, downAt + 1_000).links;
    assert.deepEqual(
      listed.map((link) => [link.node, link.up, link.reason, link.recordsSent]),
      [[7, false, "its process ended", 3]],
    );
    assert.deepEqual(figures.status(1, true, downAt + DOWN_LINK_LISTED_MS + 1).links, []);
    assert.equal(figures.find(7), undefined, "its counts went with it");
    assert.equal(peers.downReason(7), "its process ended", "still down: what it sends is refused");
  } finally {
    figures.close();
    peers.close();
  }
});
