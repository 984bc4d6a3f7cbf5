/**
 * Review of the day's cluster changes: names that go with their actors (names.ts, cluster.ts),
 * and the look for answers after a quiet batch (batch_receiver.ts, batch_sender.ts).
 */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem, Bridge } from "../../mod.ts";
import { NameNotFoundError } from "../../errors.ts";
import { Parent, Replier } from "../_actors/diff_review.ts";
import { eventually, within } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { joinedPair } from "./_joined_pair.ts";
import { refusePublishes } from "./_refuse_publishes.ts";

const MODES = [{ jetstream: true, mode: "KV" }, { jetstream: false, mode: "subjects" }];

const notFound = (system: ActorSystem, name: string) =>
  system.lookup(name).then(() => false, (e) => e instanceof NameNotFoundError);

for (const { jetstream, mode } of MODES) {
  Deno.test(`diff review (${mode}): a child spawned in a Worker keeps the name it was registered under while it runs`, async () => {
    await using server = await startNatsServer({ jetstream });
    const [here, there] = await joinedPair(server.url, `child-${mode}`);
    try {
      using bridge = new Bridge(here);
      const parent = here.spawn(Parent);
      const child = await bridge.call(parent, "spawn", { timeout: 5000 }) as ActorRef<unknown>;
      await here.register("child", child);
      assert.ok((await here.lookup("child")).equals(child));
      assert.equal(await bridge.call(child, 7, { timeout: 5000 }), 7);
      const far = await there.lookup("child");
      using farBridge = new Bridge(there);
      assert.equal(await farBridge.call(far, 8, { timeout: 5000 }), 8);
      assert.ok((await here.lookup("child")).equals(child));
    } finally {
      await Promise.all([here.shutdown(), there.shutdown()]);
    }
  });

  Deno.test(`diff review (${mode}): a name registered for another node's actor goes when that actor stops`, async () => {
    await using server = await startNatsServer({ jetstream });
    const [here, there] = await joinedPair(server.url, `remote-${mode}`);
    try {
      const theirs = there.spawn(Replier);
      const ref = await here.spawnOn(there.node, Replier);
      await here.register("far", ref);
      assert.equal((await there.lookup("far")).node, 0);
      using bridge = new Bridge(here);
      await bridge.stop([ref], { timeout: 5000 });
      await eventually(() => notFound(here, "far"), "here finds it no more", 10_000);
      await eventually(() => notFound(there, "far"), "there finds it no more", 10_000);
      await there.register("far", theirs);
    } finally {
      await Promise.all([here.shutdown(), there.shutdown()]);
    }
  });

  Deno.test(`diff review (${mode}): one actor under two names gives both up`, async () => {
    await using server = await startNatsServer({ jetstream });
    const [here, there] = await joinedPair(server.url, `two-${mode}`);
    try {
      const a = here.spawn(Replier);
      await here.register("a1", a);
      await here.register("a2", a);
      using bridge = new Bridge(here);
      await bridge.stop([a], { timeout: 5000 });
      await bridge.whenTerminated(a);
      await eventually(() => notFound(there, "a1"), "a1 gone", 10_000);
      await eventually(() => notFound(there, "a2"), "a2 gone", 10_000);
      await there.register("a1", there.spawn(Replier));
      await there.register("a2", there.spawn(Replier));
    } finally {
      await Promise.all([here.shutdown(), there.shutdown()]);
    }
  });
}

Deno.test("diff review (KV): a name whose giving up failed once (the server refused it) is given up once the server takes writes again: another node can have it", async () => {
  await using server = await startNatsServer({ jetstream: true });
  const [here, there] = await joinedPair(server.url, "release-failed");
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  let undo: (() => void) | null = null;
  try {
    const first = here.spawn(Replier);
    await here.register("svc", first);
    // The delete of the name fails, as it would with the server unreachable for a moment.
    undo = await refusePublishes(server.url, (subject) => subject.startsWith("$KV."));
    using bridge = new Bridge(here);
    await bridge.stop([first], { timeout: 5000 });
    await eventually(
      () => warnings.some((w) => w.includes("could not be given up")),
      "the failed release is told",
      20_000,
    );
    undo();
    undo = null;
    // The server takes writes again: the name is free, on every node.
    await eventually(
      () => notFound(there, "svc"),
      "the other node finds the ended actor's name no more",
      20_000,
    );
    await there.register("svc", there.spawn(Replier));
  } finally {
    undo?.();
    console.warn = warn;
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});

Deno.test("diff review (subjects): a lookup that meets the name of an actor that just stopped is told NameNotFoundError, not left to wait out its timeout", async () => {
  await using server = await startNatsServer();
  const [here, there] = await joinedPair(server.url, "lookup-race");
  try {
    using bridge = new Bridge(here);
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const name = `svc-${round}`;
      const actor = here.spawn(Replier);
      await here.register(name, actor);
      let stopped = false;
      const looking = (async () => {
        while (true) {
          const outcome = await there.lookup(name, { timeout: 1000 }).then(
            () => "found",
            (e) => e.constructor.name,
          );
          if (outcome !== "found") return outcome;
          if (stopped) await Promise.resolve();
        }
      })();
      await bridge.stop([actor], { timeout: 5000 });
      stopped = true;
      outcomes.push(await within(10_000, "the lookups", looking));
    }
    assert.deepEqual(outcomes, outcomes.map(() => "NameNotFoundError"));
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});

Deno.test("diff review (subjects): a lookup that meets the name of a node that is leaving is told NameNotFoundError, not left to wait out its timeout", async () => {
  await using server = await startNatsServer();
  const options = { servers: server.url, name: "leave-race" };
  await using there = new ActorSystem({ cluster: options });
  await there.joined;
  const outcomes: string[] = [];
  for (let round = 0; round < 6; round++) {
    const here = new ActorSystem({ cluster: options });
    const name = `leaving-${round}`;
    let left = false;
    try {
      await here.register(name, here.spawn(Replier));
      const looking = (async () => {
        while (true) {
          const outcome = await there.lookup(name, { timeout: 1000 }).then(
            () => "found",
            (e) => e.constructor.name,
          );
          if (outcome !== "found") return outcome;
          if (left) await Promise.resolve();
        }
      })();
      await here.shutdown();
      left = true;
      outcomes.push(await within(10_000, "the lookups", looking));
    } finally {
      if (!left) await here.shutdown();
    }
  }
  assert.deepEqual(outcomes, outcomes.map(() => "NameNotFoundError"));
});
