/**
 * A Bridge watches each actor of another node it calls, so that a call pending on one settles as
 * soon as it ends. The watch is a record on both nodes, sent again after every gap: it is kept
 * while calls to the actor wait and for a while after (see src/bridge/lingering_waits.ts), not
 * until the actor ends, which for a long-lived one is never. Each test shortens that while
 * (`waitLingerMs`) and counts both nodes' records (SystemCluster.sizes).
 */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem, Bridge } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { WatchForBridge } from "../../src/system/control.ts";
import { Quitter } from "../_actors/bridge_watches.ts";
import { eventually } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";

const LONG = { timeout: 10_000 };
const IDLE_MS = 100;

function sizesOf(system: ActorSystem): Record<string, number> {
  const sizes = internalsOf(system).clusterSizes();
  assert.ok(sizes !== null, "the system has joined its cluster");
  return sizes;
}

/** What both nodes hold for the watches of `here`'s Bridges on `there`'s actors. */
function watchesOf(here: ActorSystem, there: ActorSystem) {
  const mine = sizesOf(here);
  return {
    guardian: mine.remoteWatches,
    waits: mine.endWaits,
    fromAfar: sizesOf(there).watchersFromAfar,
  };
}

const NONE = { guardian: 0, waits: 0, fromAfar: 0 };

/** Two nodes on a fresh server; `here`'s Bridges let go of an idle watch after IDLE_MS. */
async function twoNodes(name: string) {
  const server = await startNatsServer();
  const options = { servers: server.url, name, downAfterMs: 30_000 };
  const here = new ActorSystem({ cluster: options });
  const there = new ActorSystem({ cluster: options });
  await Promise.all([here.joined, there.joined]);
  internalsOf(here).bridgeHost.waitLingerMs = IDLE_MS;
  return {
    here,
    there,
    async [Symbol.asyncDispose]() {
      await here.shutdown();
      await there.shutdown();
      await server[Symbol.asyncDispose]();
    },
  };
}

/** Spawns `count` Quitters on `there`, as refs `here` can call. */
async function quittersOn(here: ActorSystem, there: ActorSystem, count: number) {
  const refs: ActorRef<unknown>[] = [];
  for (let i = 0; i < count; i++) refs.push(await here.spawnOn(there.node, Quitter));
  return refs;
}

/** Counts the WatchForBridge messages (watch or unwatch) `system`'s thread sends its guardian. */
function countWatchRequests(system: ActorSystem) {
  const courier = internalsOf(system).bridgeHost.courier;
  const deliver = courier.deliver;
  const counted = { watches: 0, unwatches: 0 };
  courier.deliver = function (this: typeof courier, ...args: Parameters<typeof deliver>) {
    const message = args[1];
    if (message instanceof WatchForBridge) {
      if (message.unwatch) counted.unwatches++;
      else counted.watches++;
    }
    return deliver.apply(this, args);
  } as typeof deliver;
  return {
    counted,
    [Symbol.dispose]() {
      courier.deliver = deliver;
    },
  };
}

Deno.test("Bridge watches: the watches of other nodes' actors a Bridge called go once their calls settled and the idle time passed, on both nodes", async () => {
  await using nodes = await twoNodes("watches-idle");
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  const targets = await quittersOn(here, there, 20);
  await Promise.all(targets.map((target, i) => bridge.call(target, i, LONG)));
  // Each is watched while its call waits (the guardian's watch, and the other node's record of
  // it, are made as the call goes out; the record comes with a control message).
  await eventually(
    () => watchesOf(here, there).fromAfar === 0,
    "every watch let go on the other node",
    10_000,
  );
  assert.deepEqual(watchesOf(here, there), NONE);
});

Deno.test("Bridge watches: while calls to an actor wait, its watch stays, however long they take", async () => {
  await using nodes = await twoNodes("watches-pending");
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  const [target] = await quittersOn(here, there, 1);
  using counter = countWatchRequests(here);
  // Answered after five idle times: the watch must not go meanwhile.
  assert.equal(await bridge.call(target, `later:${5 * IDLE_MS}`, LONG), "later");
  assert.deepEqual(counter.counted, { watches: 1, unwatches: 0 });
  await eventually(
    () => watchesOf(here, there).fromAfar === 0,
    "the watch let go once the call settled",
    10_000,
  );
  assert.deepEqual(counter.counted, { watches: 1, unwatches: 1 });
  assert.deepEqual(watchesOf(here, there), NONE);
});

Deno.test("Bridge watches: a call pending on an actor whose watch went earlier settles as soon as the actor ends", async () => {
  await using nodes = await twoNodes("watches-again");
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  const [target] = await quittersOn(here, there, 1);
  assert.equal(await bridge.call(target, "hello", LONG), "hello");
  await eventually(
    () => watchesOf(here, there).fromAfar === 0,
    "the first watch let go",
    10_000,
  );
  // The actor stops without answering: the call settles with its end, not at its timeout.
  await assert.rejects(bridge.call(target, "quit", LONG), (error) => {
    assert.ok(error instanceof ActorDeadError, `ActorDeadError, not ${error}`);
    return true;
  });
  // And a call after that learns it at once, through a watch made again.
  await assert.rejects(bridge.call(target, "hello", LONG), ActorDeadError);
  await eventually(() => watchesOf(here, there).guardian === 0, "no watch left", 10_000);
  assert.deepEqual(watchesOf(here, there), NONE);
});

Deno.test("Bridge watches: calls one after another to the same actor share one watch", async () => {
  await using nodes = await twoNodes("watches-sequential");
  const { here, there } = nodes;
  // Long enough that no pause between two calls is taken for idleness, on a slow machine too.
  internalsOf(here).bridgeHost.waitLingerMs = 10_000;
  using bridge = new Bridge(here);
  const [target] = await quittersOn(here, there, 1);
  using counter = countWatchRequests(here);
  for (let i = 0; i < 50; i++) assert.equal(await bridge.call(target, i, LONG), i);
  assert.deepEqual(counter.counted, { watches: 1, unwatches: 0 });
  bridge.close();
  // Closing the Bridge lets its watch go at once.
  assert.deepEqual(counter.counted, { watches: 1, unwatches: 1 });
  await eventually(
    () => watchesOf(here, there).fromAfar === 0,
    "the other node forgot the watch",
    10_000,
  );
  assert.deepEqual(watchesOf(here, there), NONE);
});

Deno.test("Bridge watches: whenTerminated on another node's actor, given up, lets its watch go", async () => {
  await using nodes = await twoNodes("watches-when-terminated");
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  const [target] = await quittersOn(here, there, 1);
  const given = new AbortController();
  const waiting = bridge.whenTerminated(target, { signal: given.signal });
  await eventually(() => watchesOf(here, there).fromAfar === 1, "the watch is on", 10_000);
  given.abort(new Error("no longer interested"));
  await assert.rejects(waiting, /no longer interested/);
  await eventually(
    () => watchesOf(here, there).fromAfar === 0,
    "the other node forgot the watch",
    10_000,
  );
  assert.deepEqual(watchesOf(here, there), NONE);
  // A wait that is not given up still hears of the end.
  const end = bridge.whenTerminated(target);
  await eventually(() => watchesOf(here, there).fromAfar === 1, "watched again", 10_000);
  target.send("quit");
  assert.equal((await end).kind, "stopped");
});
