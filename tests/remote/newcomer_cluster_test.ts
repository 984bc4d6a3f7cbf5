/**
 * A newcomer's review of the cluster mode: what someone following the README's cluster section
 * meets, mistakes included (a wrong server URL, a class not exported, a name taken).
 */
import assert from "node:assert/strict";
import { ActorSystem } from "../../mod.ts";
import { ClusterJoinError } from "../../errors.ts";

Deno.test("newcomer: a server URL the program may not reach (--allow-net) says so, not that no server runs there", async () => {
  // The tests run with --allow-net=127.0.0.1: 127.0.0.2 is refused by Deno before any socket.
  const system = new ActorSystem({ cluster: { servers: "nats://127.0.0.2:4222", name: "perm" } });
  try {
    const error = await system.joined.then(() => null, (error) => error);
    assert.ok(error instanceof ClusterJoinError, String(error));
    assert.match(error.message, /--allow-net/, "the message names the missing permission");
    assert.doesNotMatch(error.message, /is a NATS server running there/);
  } finally {
    await system.shutdown();
  }
});
