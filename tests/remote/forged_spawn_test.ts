/**
 * A spawn request from another node whose arguments are forged (or corrupted): a few bytes that
 * decode to a sparse array of 2^27 holes would take gigabytes spread into the constructor, and
 * end the process. The Worker refuses them; the node runs on.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { type ActorRef, ActorSystem, Bridge } from "../../mod.ts";
import { SpawnError } from "../../errors.ts";
import { decode, encode } from "../../src/codec/mod.ts";
import { RemoteSpawn } from "../../src/system/control.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { startNatsServer } from "./_nats_server.ts";

Deno.test("forged spawn: arguments that decode to a sparse array of 2^27 are refused by the Worker, and the node runs on", async () => {
  await using server = await startNatsServer();
  await using there = new ActorSystem({ cluster: { servers: server.url, name: "forged" } });
  await there.joined;
  const nc = await connect({ servers: server.url, reconnect: false });
  try {
    const sparse: unknown[] = [];
    sparse.length = 1 << 27;
    const args = encode(sparse);
    assert.ok(args.length < 64, `${args.length} bytes`);
    const request = new RemoteSpawn(
      new URL("../_actors/basic.ts", import.meta.url).href,
      "Echo",
      "Echo",
      args,
    );
    const reply = await nc.request(`ringmail.forged.${there.node}.spawn`, encode(request), {
      timeout: 10_000,
    });
    const ref = decode(reply.data, internalsOf(there).bridgeHost.courier) as ActorRef<unknown>;
    await assert.rejects(
      there.started(ref),
      (error: unknown) =>
        error instanceof SpawnError && /134217728 of them, where a spawn sends at most/.test(
          error.message,
        ),
    );
    // Still here, and spawning.
    using bridge = new Bridge(there);
    const { Echo } = await import("../_actors/basic.ts");
    assert.equal(await bridge.call(there.spawn(Echo), "hi", { timeout: 10_000 }), "hi");
  } finally {
    await nc.close();
  }
});
