/**
 * Version safety: a message class laid out differently on two nodes is refused by name where it
 * arrives, never decoded into the wrong fields; a class laid out the same way passes.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { UndeliverableError } from "../../errors.ts";
import { Same, Versioned } from "./_versioned_v1.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

Deno.test("version: a class with other fields on the other node is refused by name, never mis-decoded", async () => {
  await using server = await startNatsServer();
  await using _other = await startNode(
    server.url,
    "versions",
    new URL("./_versioned_v2.ts", import.meta.url),
  );
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "versions" } });
  using bridge = new Bridge(system);
  const echo = await system.lookup<Versioned | Same>("versioned");
  assert.equal(await bridge.call(echo, new Same(7)), "same a=7");
  for (let i = 0; i < 20; i++) {
    const refused = await bridge.call(echo, new Versioned(1, 2)).then(
      (answer) => assert.fail(`decoded into the wrong fields: ${answer}`),
      (error) => error,
    );
    assert.ok(refused instanceof UndeliverableError, String(refused));
    assert.match(String(refused.message), /test\.Versioned is laid out differently/);
  }
});
