/**
 * Usage review of the cluster: what a program moved from one process to two meets, with the
 * service node in a process of its own (tests/remote/_node.ts).
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

const LONG = { timeout: 10_000 };

Deno.test("cluster usage review: system.kill of an actor of another node is refused, naming its node, and the actor goes on (it answered false, 'not running', of an actor that runs)", async () => {
  await using server = await startNatsServer();
  await using node = await startNode(server.url, "kill-far");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "kill-far" } });
  using bridge = new Bridge(system);
  const doubler = await system.lookup<number>("doubler");
  assert.equal(await bridge.call(doubler, 21, LONG), 42);
  assert.throws(
    () => system.kill(doubler, "stuck"),
    (error: unknown) =>
      error instanceof TypeError && error.message.includes(`node ${node.node}`) &&
      error.message.includes(String(doubler)),
  );
  // Nothing was done to it.
  assert.equal(await bridge.call(doubler, 2, LONG), 4);
});
