/**
 * Usage review of the cluster: what a program moved from one process to two meets, with the
 * service node in a process of its own (tests/remote/_node.ts).
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { HandlerFailedError } from "../../errors.ts";
import { OutOfStock, Stockist } from "../_actors/usage_cluster_review.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

const LONG = { timeout: 10_000 };
const USAGE_NODE = new URL("./_usage_review_node.ts", import.meta.url);

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

/** What `call` rejected with; fails the test if it did not. */
async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  assert.fail("the call was answered");
}

Deno.test("cluster usage review: an error of a registered class that a handler of another node throws is the call's cause as itself, with its fields (it came as a plain Error named so)", async () => {
  await using server = await startNatsServer();
  await using node = await startNode(server.url, "thrown-far", USAGE_NODE);
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "thrown-far" } });
  using bridge = new Bridge(system);
  const stockist = await system.lookup<string>("stockist");
  assert.equal(stockist.node, node.node);
  const error = await rejection(bridge.call(stockist, "socks", LONG));
  assert.ok(error instanceof HandlerFailedError, String(error));
  assert.ok(error.cause instanceof OutOfStock, `its cause: ${error.cause}`);
  assert.equal(error.cause.message, "no socks left");
  assert.equal(error.cause.sku, "socks");
  assert.equal(error.cause.left, 0);
  // An unregistered one is still told as a copy, as before.
  const plain = await rejection(bridge.call(stockist, "plain", LONG));
  assert.ok(plain instanceof HandlerFailedError);
  assert.equal((plain.cause as Error).message, "a plain failure");
});

Deno.test("cluster usage review: the same in one process — a registered error a handler throws is the call's cause as itself", async () => {
  await using system = new ActorSystem({ onFailure: () => {} });
  using bridge = new Bridge(system);
  const stockist = system.spawn(Stockist);
  const error = await rejection(bridge.call(stockist, "hats", LONG));
  assert.ok(error instanceof HandlerFailedError, String(error));
  assert.ok(error.cause instanceof OutOfStock, `its cause: ${error.cause}`);
  assert.equal(error.cause.sku, "hats");
});
