/**
 * The cluster link (src/remote/, src/system/cluster.ts) where a review found it breaking a
 * promise: each test asserts what the docs promise, and failed before its fix.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge, Stop } from "../../mod.ts";
import { ActorDeadError, ClusterJoinError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { Probe } from "../_actors/supervision.ts";
import { eventually } from "../_system.ts";
import { startNatsServer, withDeadline } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";
import { connectionName, natsProto } from "./_nats_proto.ts";

Deno.test("link review: a watch of an actor of another node published while the NATS server is frozen (the connection dead, no disconnect yet) still has its end heard", async () => {
  await using server = await startNatsServer();
  const cluster = "rv-ctl-frozen";
  // Long enough that neither node finds the other down across the outage.
  const options = { servers: server.url, name: cluster, downAfterMs: 30_000 };
  await using here = new ActorSystem({ cluster: options });
  await using there = new ActorSystem({ cluster: options });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawn(Probe));
  await there.register("watched", there.spawn(Probe));
  const probe = await here.lookup<unknown>("probe");
  const watched = await here.lookup<unknown>("watched");
  using bridge = new Bridge(here);
  // The two nodes talk (each watches the other, and has been answered); "watched" is not called,
  // so nothing watches it yet.
  assert.ok(Array.isArray(await bridge.call(probe, "dump", { timeout: 5_000 })));
  // Counts the control messages this process publishes to the other node.
  const ctl = `ringmail.${cluster}.${there.node}.ctl`;
  const proto = await natsProto(server.url);
  const publish = proto.publish;
  let published = 0;
  proto.publish = function (this: unknown, subject: unknown, ...rest: unknown[]) {
    if (subject === ctl) published++;
    return publish.call(this, subject, ...rest);
  };
  try {
    // The server freezes: the connections stay open, and nothing says yet that they are dead.
    await server.freeze();
    const end = bridge.whenTerminated(watched);
    end.catch(() => {});
    await eventually(() => published > 0, "the watch is published", 10_000);
    // The server dies and comes back: both nodes reconnect and answer each other again.
    server.kill("SIGKILL");
    await server.exited;
    await server.restart();
    for (const system of [here, there]) {
      await eventually(
        async () => {
          const status = await system.clusterStatus();
          return status.connected && status.links.some((link) => link.up && link.roundTripMs >= 0);
        },
        "connected again, the other node answering",
        20_000,
      );
    }
    assert.ok(Array.isArray(await bridge.call(probe, "dump", { timeout: 5_000 })), "link works");
    // The watched actor stops: its end must reach the watcher (or the watch be reported lost).
    watched.send(new Stop());
    // It did stop: a call to it fails (so the Stop went through the link as it should).
    await eventually(
      async () => {
        try {
          await bridge.call(watched, "dump", { timeout: 1_000 });
          return false;
        } catch (error) {
          return error instanceof ActorDeadError;
        }
      },
      "the watched actor stopped",
      10_000,
    );
    const ended = await withDeadline(end, 10_000);
    assert.notEqual(ended, "timeout", "the end of the watched actor was never heard");
  } finally {
    proto.publish = publish;
  }
});

Deno.test("link review: a node that has heard from another node, whose NATS server (without JetStream) freezes, still finishes its shutdown", async () => {
  await using server = await startNatsServer();
  const cluster = "rv-leave-frozen";
  await using here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await here.joined;
  const other = await startNode(server.url, cluster);
  try {
    using bridge = new Bridge(here);
    // The other node hears from this one: as it leaves it waits for this node's last ping.
    const doubler = await here.lookup<number>("doubler");
    assert.equal(await bridge.call(doubler, 21, { timeout: 5_000 }), 42);
    await server.freeze();
    // Its standard input closes: the node shuts down (tests/remote/_node.ts). The docs: a server
    // that answers nothing gets LEAVE_WAIT_MS (2 s), then the connection is closed anyway.
    const ended = await withDeadline(other.stop().then(() => other.exited), 15_000);
    assert.notEqual(ended, "timeout", "the node's process ended within 15 s");
  } finally {
    try {
      other.kill("SIGKILL");
    } catch {
      // It ended by itself, as it should.
    }
    await other.exited;
    server.kill("SIGCONT");
  }
});

Deno.test("link review: a join whose NATS server freezes as the link's subscriptions are confirmed fails with ClusterJoinError, and the shutdown ends", async () => {
  await using server = await startNatsServer();
  const proto = await natsProto(server.url);
  const flush = proto.flush;
  // The server freezes right after the link subscribed, just before the join's flush.
  proto.flush = async function (this: unknown) {
    proto.flush = flush;
    await server.freeze();
    return await flush.call(this);
  };
  let outcome: unknown = "timeout";
  try {
    const system = new ActorSystem({ cluster: { servers: server.url, name: "rv-join-frozen" } });
    outcome = await withDeadline(system.joined.then(() => "joined", (error) => error), 15_000);
    // Whatever the outcome, the server goes: a join still waiting fails now, and the system ends.
    server.kill("SIGKILL");
    await server.exited;
    await system.shutdown();
  } finally {
    proto.flush = flush;
  }
  assert.ok(
    outcome instanceof ClusterJoinError,
    `the join settles with a ClusterJoinError within 15 s, got ${String(outcome)}`,
  );
});

Deno.test("link review: a node found down by another cannot have that node spawn an actor for it, as its batches are refused", async () => {
  await using server = await startNatsServer();
  const cluster = "rv-down-spawn";
  // This node pings seldom: it does not learn at once that the other found it down.
  await using here = new ActorSystem({
    cluster: { servers: server.url, name: cluster, pingIntervalMs: 60_000, downAfterMs: 60_000 },
  });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs: 300 },
  });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawn(Probe));
  const probe = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  assert.ok(Array.isArray(await bridge.call(probe, "dump", { timeout: 5_000 })));
  // The other node's pings of this one go unanswered (this node is cut off from it, say): it
  // finds this node down.
  const proto = await natsProto(server.url);
  const request = proto.request;
  const hereCut = `ringmail.${cluster}.${here.node}.ping`;
  proto.request = function (this: unknown, subject: unknown, ...rest: unknown[]) {
    if (subject === hereCut && connectionName(this) === `ringmail node ${there.node}`) {
      return Promise.reject(new Error("cut off for the test"));
    }
    return request.call(this, subject, ...rest);
  };
  try {
    await eventually(
      async () => {
        const links = (await there.clusterStatus()).links;
        return links.some((link) => link.node === here.node && !link.up);
      },
      "the other node finds this one down",
      10_000,
    );
  } finally {
    proto.request = request;
  }
  // A node found down stays down: its batches are refused there. Its spawn request should be too.
  const spawned = await here.spawnOn(there.node, Doubler, { name: "orphan" }).then(
    (ref) => ref,
    (error: unknown) => error,
  );
  assert.ok(
    spawned instanceof ActorDeadError,
    `a spawn asked by a node found down is refused, got ${String(spawned)}`,
  );
  // Refused so, this node finds the other down too, as a ping answered so would have it.
  const links = (await here.clusterStatus()).links;
  assert.ok(
    links.some((link) => link.node === there.node && !link.up),
    "the asking node takes the node that refused it for down",
  );
});

Deno.test("link review: waiting for the end of an actor of another node once this node has shut down settles", async () => {
  await using server = await startNatsServer();
  const cluster = "rv-end-after-shutdown";
  await using there = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  const here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawn(Probe));
  const far = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  const before = bridge.whenTerminated(far).then((t) => t.kind, (error: unknown) => error);
  await here.shutdown();
  // The Bridge is still open; its system is gone, and with it the link that would hear the end.
  const after = bridge.whenTerminated(far).then((t) => t.kind, (error: unknown) => error);
  assert.deepEqual(
    [await withDeadline(before, 5_000), await withDeadline(after, 5_000)],
    ["node-down", "node-down"],
    "the waits begun before and after the shutdown settle: the other node is out of reach",
  );
});

Deno.test("link review: a join to a NATS server frozen before it connects fails with ClusterJoinError within the join's 10 s, not the client's 20 s", async () => {
  await using server = await startNatsServer();
  await server.freeze();
  let outcome: unknown = "timeout";
  const system = new ActorSystem({ cluster: { servers: server.url, name: "rv-join-prefrozen" } });
  try {
    outcome = await withDeadline(system.joined.then(() => "joined", (error) => error), 15_000);
  } finally {
    // Whatever the outcome, the server goes: a connect still waiting fails now, and the system ends.
    server.kill("SIGKILL");
    await server.exited;
    await system.shutdown();
  }
  assert.ok(
    outcome instanceof ClusterJoinError,
    `the join settles with a ClusterJoinError within 15 s, got ${String(outcome)}`,
  );
  assert.match(outcome.message, /did not answer in time \(is it frozen/);
});
