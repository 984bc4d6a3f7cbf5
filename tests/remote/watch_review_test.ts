/**
 * Watches of other nodes' actors across an outage, where a review found them going wrong: each
 * failed before its fix.
 */
import assert from "node:assert/strict";
import { type ActorRef, Stop } from "../../mod.ts";
import { Echo2, Watcher, WatchIt } from "../_actors/watch_review.ts";
import { eventually } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { countPublishes, holdsWithin, outage, twoNodes } from "./_outage.ts";

Deno.test("watch review: a watch whose actor has ended (its Terminated heard) is not sent again when the other node answers after an outage", async () => {
  await using server = await startNatsServer();
  const cluster = "rv2-stale-watch";
  await using nodes = await twoNodes(server, cluster);
  const { here, there, probe, bridge } = nodes;
  // 20 actors of the other node are watched, and each ends: every watch is over.
  const N = 20;
  for (let i = 0; i < N; i++) {
    const ref = await here.spawnOn(there.node, Echo2) as ActorRef<unknown>;
    const end = bridge.whenTerminated(ref);
    ref.send(new Stop());
    const ended = await end;
    assert.equal(ended.kind, "stopped");
  }
  const counter = await countPublishes(server.url, `ringmail.${cluster}.${there.node}.ctl`);
  try {
    await outage(server, [here, there]);
    // The other node answered this one (a call went and came back): whatever is sent again
    // at its answer has been published.
    assert.ok(Array.isArray(await bridge.call(probe, "dump", { timeout: 5_000 })));
    // One watch is on: the Bridge's of "probe", for its calls. The 20 ended ones are over.
    assert.ok(
      counter.count <= 1,
      `one watch is on, yet ${counter.count} control messages were sent again to the other ` +
        `node: the watches of the ${N} ended actors too`,
    );
  } finally {
    counter.stop();
  }
});

Deno.test("watch review: an actor that heard of its watched remote actor's end and then stopped makes no dead letter when the other node answers after an outage", async () => {
  await using server = await startNatsServer();
  await using nodes = await twoNodes(server, "rv2-phantom");
  const { here, there, probe, bridge } = nodes;
  const target = await here.spawnOn(there.node, Echo2) as ActorRef<unknown>;
  const watcher = here.spawn(Watcher);
  assert.equal(await bridge.call(watcher, new WatchIt(target), { timeout: 5_000 }), "watching");
  target.send(new Stop());
  await eventually(
    async () => ((await bridge.call(watcher, "dump", { timeout: 5_000 })) as string[]).length > 0,
    "the watcher hears of the end",
    10_000,
  );
  const watcherEnd = bridge.whenTerminated(watcher);
  watcher.send(new Stop());
  await watcherEnd;
  const before = here.deadLetters;
  await outage(server, [here, there]);
  assert.ok(Array.isArray(await bridge.call(probe, "dump", { timeout: 5_000 })));
  // Nobody's message is lost: no dead letter may appear (bounded look).
  const phantom = await holdsWithin(() => here.deadLetters > before, 3_000);
  assert.equal(
    phantom,
    false,
    `${here.deadLetters - before} dead letters appeared on this node after the outage, for no ` +
      `message of anyone`,
  );
});
