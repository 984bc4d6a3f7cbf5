/**
 * What a long-lived node of a cluster keeps while the other nodes come and go (each start a new
 * node id, for weeks): nothing per node that has left, but what is accepted (Peers' small entry
 * per node found down, the figures listed for DOWN_LINK_LISTED_MS). Each test counts the node's
 * internal state (see SystemCluster.sizes) after a few and after more cycles: the same count
 * means bounded.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { Doubler } from "../_actors/basic.ts";
import { Probe } from "../_actors/supervision.ts";
import { eventually } from "../_system.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Credits } from "../../src/remote/credits.ts";
import { DOWN_LINK_LISTED_MS, LinkFigures } from "../../src/remote/link_figures.ts";
import { Peers } from "../../src/remote/peers.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";

type ClusterOptions = { servers: string; name: string };

const WATCHER_NODE = new URL("./_watcher_node.ts", import.meta.url);

/** The sizes of `system`'s cluster state now. */
function sizesOf(system: ActorSystem): Record<string, number> {
  const sizes = internalsOf(system).clusterSizes();
  assert.ok(sizes !== null, "the system has joined its cluster");
  return sizes;
}

/** Waits until `system` lists `node` as down (it left, and `system` heard so). */
async function foundDown(system: ActorSystem, node: number): Promise<void> {
  await eventually(
    async () => (await system.clusterStatus()).links.some((l) => l.node === node && !l.up),
    `node ${node} found down`,
    10_000,
  );
}

/**
 * A node joins, calls "doubler" (an actor of `here`) — records go both ways — and shuts down;
 * resolves once `here` has found it down.
 */
async function callerComesAndGoes(here: ActorSystem, options: ClusterOptions): Promise<void> {
  const there = new ActorSystem({ cluster: options });
  try {
    await there.joined;
    using bridge = new Bridge(there);
    const far = await there.lookup<number>("doubler");
    assert.equal(await bridge.call(far, 21, { timeout: 5_000 }), 42);
  } finally {
    await there.shutdown();
  }
  await foundDown(here, there.node);
}

/** The sizes of `keys` in `here`'s cluster state after `few`, then `more` nodes came and went. */
async function afterCycles(
  keys: readonly string[],
  cycle: () => Promise<void>,
  here: ActorSystem,
  few: number,
  more: number,
): Promise<[Record<string, number>, Record<string, number>]> {
  const pick = () => Object.fromEntries(keys.map((key) => [key, sizesOf(here)[key]]));
  for (let i = 0; i < few; i++) await cycle();
  const afterFew = pick();
  for (let i = few; i < more; i++) await cycle();
  return [afterFew, pick()];
}

Deno.test("long-lived node: the send side keeps no batch per node that left", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "long-send" };
  await using here = new ActorSystem({ cluster: options });
  await here.joined;
  await here.register("doubler", here.spawn(Doubler));
  const [few, more] = await afterCycles(
    ["batches"],
    () => callerComesAndGoes(here, options),
    here,
    3,
    9,
  );
  assert.deepEqual(more, few, "what stays after 9 nodes came and went is what stayed after 3");
});

Deno.test("long-lived node: the receive side keeps no counts per node that left", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "long-receive" };
  await using here = new ActorSystem({ cluster: options });
  await here.joined;
  await here.register("doubler", here.spawn(Doubler));
  const [few, more] = await afterCycles(
    ["received", "receivedCredit", "receivedBegun", "pieces", "grantsOwed", "grantsGranted"],
    () => callerComesAndGoes(here, options),
    here,
    3,
    9,
  );
  assert.deepEqual(more, few, "what stays after 9 nodes came and went is what stayed after 3");
});

Deno.test("long-lived node: the nodes that called its actors, then left, are forgotten by those actors", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "long-callers" };
  await using here = new ActorSystem({ cluster: options });
  await here.joined;
  await here.register("doubler", here.spawn(Doubler));
  // Each caller is one the doubler would tell if it lost its Worker (see CallsLost), while it is up.
  const [few, more] = await afterCycles(
    ["callersFromAfar"],
    () => callerComesAndGoes(here, options),
    here,
    3,
    9,
  );
  assert.deepEqual(few, { callersFromAfar: 0 });
  assert.deepEqual(more, few, "the callers of 9 nodes that left are kept, not those of 3 only");
});

Deno.test("long-lived node: watches of its actors by nodes that left are forgotten, also when those nodes only watched", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "long-watch" };
  await using here = new ActorSystem({ cluster: options });
  await here.joined;
  await here.register("watched", here.spawn(Probe));
  const nodes = 6;
  for (let i = 0; i < nodes; i++) {
    const there = new ActorSystem({ cluster: options });
    try {
      await there.joined;
      using bridge = new Bridge(there);
      // A watch only: the node sends no record to this one, only the watch (a control message).
      const ended = bridge.whenTerminated(await there.lookup<unknown>("watched"));
      ended.catch(() => {});
      await eventually(() => sizesOf(here).watchersFromAfar > 0, "the watch is there", 10_000);
    } finally {
      await there.shutdown();
    }
  }
  // Each node said it left: its watches go (they would only be told to a node that is gone).
  await eventually(() => sizesOf(here).watchersFromAfar === 0, "the watches go", 5_000)
    .catch(() => {});
  assert.equal(
    sizesOf(here).watchersFromAfar,
    0,
    `the watches of ${nodes} nodes that left are still kept by the watched actor`,
  );
  // Nor which of their control messages comes next.
  assert.equal(sizesOf(here).controlsIn, 0, "control message counts of nodes that left are kept");
});

Deno.test("long-lived node: watches of its actors by a node that only watched and was killed are forgotten", async () => {
  await using server = await startNatsServer();
  const cluster = "long-watch-killed";
  await using here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await here.joined;
  await here.register("watched", here.spawn(Probe));
  const nodes = 3;
  for (let i = 0; i < nodes; i++) {
    // A process of its own that watches and never says it leaves: SIGKILL gives it no time to.
    await using watcher = await startNode(server.url, cluster, WATCHER_NODE);
    await eventually(() => sizesOf(here).watchersFromAfar > 0, "the watch is there", 10_000);
    watcher.kill("SIGKILL");
    await watcher.exited;
    await foundDown(here, watcher.node);
    await eventually(() => sizesOf(here).watchersFromAfar === 0, "the watch goes", 5_000)
      .catch(() => {});
    assert.equal(
      sizesOf(here).watchersFromAfar,
      0,
      `the watch of killed node ${watcher.node} is still kept by the watched actor`,
    );
  }
});

Deno.test("long-lived node: a grant from a node found down makes no credit for it", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "long-credit" };
  // Pinged all the time: the nodes that leave have just answered a ping as they go, often after
  // their leaving notice, with the credit they have granted this node so far.
  await using here = new ActorSystem({ cluster: { ...options, pingIntervalMs: 1 } });
  await here.joined;
  await here.register("doubler", here.spawn(Doubler));
  const nodes = 9;
  let last = 0;
  for (let i = 0; i < nodes; i++) {
    const there = new ActorSystem({ cluster: options });
    try {
      await there.joined;
      using bridge = new Bridge(there);
      const far = await there.lookup<number>("doubler");
      // Replies go to it: it grants this node credit back.
      for (let k = 0; k < 5; k++) assert.equal(await bridge.call(far, 21, { timeout: 5_000 }), 42);
    } finally {
      await there.shutdown();
    }
    await foundDown(here, last = there.node);
  }
  // A node found down by its silence (frozen) that thaws sends the grant it owed.
  const nc = await connect({ servers: server.url });
  try {
    const grant = new Uint8Array(8);
    new DataView(grant.buffer).setUint32(0, last, true);
    new DataView(grant.buffer).setUint32(4, 12_345, true);
    const prefix = `ringmail.${options.name}.${here.node}`;
    nc.publish(`${prefix}.credit`, grant);
    // Answered after the grant was taken: the node reads its messages in order.
    await nc.request(`${prefix}.ping`, new Uint8Array(0), { timeout: 5_000 });
  } finally {
    await nc.close();
  }
  const { credit, grantedTotal } = sizesOf(here);
  assert.deepEqual(
    { credit, grantedTotal },
    { credit: 0, grantedTotal: 0 },
    `credit kept for nodes found down, after ${nodes} left`,
  );
});

Deno.test("long-lived node: the credit stalls of a node down are dropped with its figures", () => {
  const peers = new Peers({ pingIntervalMs: 100, downAfterMs: 1_500 }, () => new Promise(() => {}));
  const credits = new Credits();
  const figures = new LinkFigures(peers, credits);
  const record = new Uint8Array(100);
  let node = 0;
  /** `count` more nodes whose records waited for their credit a while, then went down. */
  const stalledAndDown = (count: number) => {
    for (let i = 0; i < count; i++) {
      node++;
      figures.of(node).recordsSent = 1;
      // Out of credit: its records wait (a credit stall), until it goes down.
      credits.spend(node, 1 << 30);
      credits.keep(node, record, 0, record.length);
      assert.equal(credits.stalls(node).count, 1);
      credits.drop(node);
      peers.down(node, "its process ended");
    }
    // Listed a while with their stalls, then gone: read as clusterStatus() reads them, later.
    figures.status(0, true, performance.now() + DOWN_LINK_LISTED_MS + 1);
    return credits.sizes().stalls;
  };
  try {
    const afterFew = stalledAndDown(20);
    assert.equal(stalledAndDown(80), afterFew, "stalls kept after 100 nodes went as after 20");
  } finally {
    figures.close();
    peers.close();
  }
});

Deno.test("long-lived node: Bridges that waited on another node's actor and closed are not kept", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "long-end-waits" };
  await using here = new ActorSystem({ cluster: options });
  await using there = new ActorSystem({ cluster: options });
  await Promise.all([here.joined, there.joined]);
  await there.register("watched", there.spawn(Probe));
  const far = await here.lookup<unknown>("watched");
  /** A Bridge per request, say: it waits on the far actor's end, gives up, and closes. */
  const cycle = async () => {
    const bridge = new Bridge(here);
    const given = new AbortController();
    const end = bridge.whenTerminated(far, { signal: given.signal });
    given.abort();
    await assert.rejects(end);
    bridge.close();
    return Promise.resolve();
  };
  const [few, more] = await afterCycles(["endWaiters"], cycle, here, 3, 30);
  assert.deepEqual(more, few, "the waits of 30 closed Bridges are kept, not those of 3 only");
});
