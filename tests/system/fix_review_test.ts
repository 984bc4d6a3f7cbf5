/** Review of the latest fixes: each test is a bug found, fixed with it. */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem } from "../../mod.ts";
import { ClusterJoinError, NameNotFoundError } from "../../errors.ts";
import { natsProto } from "../remote/_nats_proto.ts";
import { startNatsServer, withDeadline } from "../remote/_nats_server.ts";
import { startNode } from "../remote/_nodes.ts";
import { Gate } from "../_actors/dl_review.ts";
import { type TestSystem, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** Blocks `gate`'s Worker until the returned release is called (bounded: 20 s). */
async function block(t: TestSystem, gate: ActorRef<unknown>): Promise<() => Promise<void>> {
  const path = await Deno.makeTempFile();
  await Deno.remove(path);
  assert.equal(await t.bridge.call(gate, `block:${path}`, LONG), "blocked");
  return async () => {
    await Deno.writeTextFile(path, "go");
  };
}

Deno.test("fix review: a killed actor that is restarted gets what the main thread had waiting for room in its mailbox", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 5 } });
  const gate = t.system.spawnWith(Gate, {
    name: "gate",
    mailboxCapacity: 1024,
    sendTimeout: 20_000,
  });
  const release = await block(t, gate);
  try {
    for (let i = 0; i < 40; i++) gate.send(`fill ${i} ${"x".repeat(50)}`);
    assert.ok(t.system.kill(gate, "enough"));
    const log = await t.bridge.call(gate, "log", LONG) as unknown[];
    assert.deepEqual(t.deadLetters.map((l) => `${l.kind}: ${l.reason}`), []);
    assert.equal(log.length, 40);
  } finally {
    await release();
  }
});

Deno.test("fix review (KV): a node that starts after the holder's process ended does not find its name either, as the node that found it down does not", async () => {
  await using server = await startNatsServer({ jetstream: true });
  const cluster = { servers: server.url, name: "gone-holder" };
  const other = await startNode(server.url, cluster.name);
  // Its process ends without giving its names up.
  other.kill("SIGKILL");
  await other.exited;
  // A process that starts now (the crashed one, restarted, say) never knew that node.
  await using late = new ActorSystem({ cluster });
  await late.joined;
  const outcome = await late.lookup("doubler").then(
    (ref) => `found a ref of node ${ref.node}`,
    (error) => error,
  );
  assert.ok(outcome instanceof NameNotFoundError, String(outcome));
});

Deno.test("fix review: a join whose server freezes once connected says so, not 'is a NATS server running there?'", async () => {
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
    const system = new ActorSystem({ cluster: { servers: server.url, name: "fr-join-frozen" } });
    outcome = await withDeadline(system.joined.then(() => "joined", (error) => error), 15_000);
    server.kill("SIGKILL");
    await server.exited;
    await system.shutdown();
  } finally {
    proto.flush = flush;
  }
  assert.ok(outcome instanceof ClusterJoinError, String(outcome));
  assert.doesNotMatch(outcome.message, /is a NATS server running there/);
  assert.match(outcome.message, /frozen/);
});
