/**
 * Location transparency: what the Bridge and dead letters promise for an actor of this process
 * holds for an actor of another node. Two clustered systems in this process (each with its own
 * Workers), so both sides can be watched; tests/remote/remote_call_test.ts uses real second
 * processes.
 */
import assert from "node:assert/strict";
import {
  ActorSystem,
  type ActorSystemOptions,
  Bridge,
  type DeadLetter,
  type LinkStatus,
} from "../../mod.ts";
import { ActorDeadError, CallTimeoutError, SpawnError, UndeliverableError } from "../../errors.ts";
import { Doubler, Echo } from "../_actors/basic.ts";
import { FailsToStart, Flaky, Probe } from "../_actors/supervision.ts";
import { Grinder } from "../_actors/busy.ts";
import { eventually, within } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";

/** Two nodes of one cluster; `there`'s dead letters are kept. */
async function twoNodes(url: string, name: string, thereOptions: ActorSystemOptions = {}) {
  const lost: DeadLetter[] = [];
  const here = new ActorSystem({ cluster: { servers: url, name } });
  const there = new ActorSystem({
    cluster: { servers: url, name },
    onDeadLetter: (d) => lost.push(d),
    ...thereOptions,
  });
  await Promise.all([here.joined, there.joined]);
  const bridge = new Bridge(here);
  return {
    here,
    there,
    bridge,
    lost,
    async [Symbol.asyncDispose]() {
      bridge.close();
      await Promise.all([here.shutdown(), there.shutdown()]);
    },
  };
}

Deno.test("location: a call to a stopped actor of another node fails at once; the request is a dead letter there", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "stopped");
  const local = t.there.spawn(Doubler);
  await t.there.register("d", local);
  const far = await t.here.lookup<number>("d");
  assert.equal(await t.bridge.call(far, 1), 2);
  await new Bridge(t.there).stop([local]);
  const began = performance.now();
  await assert.rejects(t.bridge.call(far, 2, { timeout: 20_000 }), ActorDeadError);
  assert.ok(performance.now() - began < 10_000, "long before the call's timeout");
  await eventually(
    () => t.lost.some((d) => d.kind === "stopped" && d.message === 2),
    "dead letter",
  );
});

Deno.test("location: a call's deadline travels: a busy actor of another node drops the late request", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "deadline");
  const grinder = t.there.spawn(Grinder);
  await t.there.started(grinder);
  await t.there.register("g", grinder);
  const far = await t.here.lookup<number | string>("g");
  far.send(500); // busy for 500 ms
  await assert.rejects(t.bridge.call(far, "count", { timeout: 100 }), CallTimeoutError);
  await eventually(
    () => t.lost.some((d) => d.kind === "deadline"),
    "the late request expired there",
  );
});

Deno.test("location: a message nobody handles on another node is Undeliverable to the caller", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "nohandler");
  await t.there.register("d", t.there.spawn(Doubler));
  const far = await t.here.lookup<unknown>("d");
  await assert.rejects(t.bridge.call(far, "not a number"), UndeliverableError);
  await eventually(() => t.lost.some((d) => d.kind === "no-handler"), "dead letter there");
});

Deno.test("location: one sender's messages to an actor of another node keep their order", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "order");
  await t.there.register("p", t.there.spawn(Probe));
  const far = await t.here.lookup<unknown>("p");
  for (let i = 0; i < 5000; i++) far.send(i);
  let log: unknown[] = [];
  await eventually(async () => {
    log = await t.bridge.call(far, "dump") as unknown[];
    return log.length >= 5000;
  }, "all arrived");
  assert.deepEqual(log, Array.from({ length: 5000 }, (_, i) => i));
});

Deno.test("location: a message larger than a NATS message crosses whole, both ways", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "large");
  await t.there.register("e", t.there.spawnWith(Echo, { mailboxCapacity: 1 << 16 }));
  const far = await t.here.lookup<Uint8Array | number>("e");
  const big = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 31) & 0xff);
  const back = await t.bridge.call(far, big, { timeout: 20_000 }) as Uint8Array;
  assert.equal(back.length, big.length);
  assert.ok(back.every((byte, i) => byte === big[i]), "every byte");
  assert.equal(await t.bridge.call(far, 42), 42, "and the link goes on");
});

Deno.test("location: each node's status shows its links: up, round trip, records both ways", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "status");
  await using alone = new ActorSystem();
  assert.deepEqual(
    await alone.clusterStatus(),
    { node: 0, connected: false, links: [] },
    "no cluster, no links",
  );
  await t.there.register("e", t.there.spawn(Echo));
  const far = await t.here.lookup<number>("e");
  for (let i = 0; i < 10; i++) assert.equal(await t.bridge.call(far, i), i);
  let link: LinkStatus | undefined;
  await eventually(async () => {
    link = (await t.here.clusterStatus()).links.find((l) => l.node === t.there.node);
    return link !== undefined && link.roundTripMs >= 0;
  }, "a ping answered");
  assert.equal(link!.up, true);
  assert.ok(link!.recordsSent >= 10 && link!.recordsReceived >= 10, JSON.stringify(link));
  assert.equal(link!.waitingForCredit, 0);
  assert.equal((await t.here.clusterStatus()).node, t.here.node);
});

Deno.test("location: a failed call to an actor of another node never names an actor of this one", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "names");
  // The same slot and generation on both nodes: only the node tells the two apart. (Actors of
  // one Worker take slots one by one.)
  const [herePool, therePool] = [
    t.here.createPool({ workers: 1 }),
    t.there.createPool({ workers: 1 }),
  ];
  let decoy = herePool.spawnWith(Echo, { name: "decoy" });
  let doubler = therePool.spawnWith(Doubler, { name: "doubler" });
  for (let tries = 0; decoy.slot !== doubler.slot && tries < 20; tries++) {
    if (decoy.slot < doubler.slot) decoy = herePool.spawnWith(Echo, { name: "decoy" });
    else doubler = therePool.spawnWith(Doubler, { name: "doubler" });
  }
  await t.there.register("doubler", doubler);
  const far = await t.here.lookup<number>("doubler");
  assert.equal(`${decoy.slot}.${decoy.generation}`, `${far.slot}.${far.generation}`);
  const error = await t.bridge.call(far, "not a number" as never).then(() => null, (e) => e);
  assert.ok(error instanceof UndeliverableError, String(error));
  assert.doesNotMatch(error.message, /decoy/);
});

Deno.test("location: started() of an actor of another node resolves once it runs, rejects as for one of this node", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "started");
  const runs = await t.here.spawnOn(t.there.node, Doubler, {});
  await t.here.started(runs);
  assert.equal(await t.bridge.call(runs, 4), 8);
  // Its preStart throws in every instance: it never runs, and started() says why.
  const fails = await t.here.spawnOn(t.there.node, FailsToStart, {}, 1_000_000);
  const failure = await t.here.started(fails).then(() => null, (e) => e);
  assert.ok(failure instanceof SpawnError, String(failure));
  assert.match(failure.message, /no database/);
  // A ref whose actor has ended there (its node has forgotten it): no actor of that node.
  await t.bridge.stop([runs]);
  await t.bridge.whenTerminated(runs);
  await assert.rejects(t.here.started(runs), ActorDeadError);
});

Deno.test("location: a call to an actor of another node whose Worker dies settles at once, also when it is restarted", async () => {
  await using server = await startNatsServer();
  await using t = await twoNodes(server.url, "restarted", {
    supervision: { byError: { WorkerDiedError: "restart" } },
    onFailure: () => {}, // the crash is expected
  });
  const flaky = await t.here.spawnOn(t.there.node, Flaky, {});
  assert.equal(await t.bridge.call(flaky, "hello", { timeout: 20_000 }), "hello");
  const began = performance.now();
  // "crash" throws from a timer: its Worker dies while the call waits for an answer it never gets.
  const error = await within(
    20_000,
    "the call on a Worker that died",
    t.bridge.call(flaky, "crash", { timeout: 600_000 }).then(() => null, (e) => e),
  );
  assert.ok(error instanceof ActorDeadError, String(error));
  assert.match(error.message, /lost its Worker.*being restarted/);
  assert.ok(performance.now() - began < 20_000, "long before the call's timeout");
  // The same ref, a fresh instance behind it.
  assert.equal(await t.bridge.call(flaky, "again", { timeout: 20_000 }), "again");
});
