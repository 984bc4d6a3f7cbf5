/**
 * Requests from another node that are forged (or corrupted): a few bytes can decode to a sparse
 * array of 2^27 holes, which spread into a constructor would take gigabytes and end the process,
 * and walked would take seconds. They are refused; the node runs on.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { type ActorRef, ActorSystem, Bridge } from "../../mod.ts";
import { SpawnError } from "../../errors.ts";
import { decode, encode } from "../../src/codec/mod.ts";
import { CallsLost, RemoteSpawn } from "../../src/system/control.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { startNatsServer } from "./_nats_server.ts";
import { eventually } from "../_system.ts";

Deno.test("forged requests: spawn arguments that decode to a sparse array of 2^27 are refused by the Worker, and the node runs on", async () => {
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

Deno.test("forged requests: a CallsLost naming more calls than a node sends (a sparse array of 2^27) is refused and told, not walked", async () => {
  await using server = await startNatsServer();
  await using there = new ActorSystem({ cluster: { servers: server.url, name: "forged-ctl" } });
  await there.joined;
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...data: unknown[]) => void warned.push(data.map(String).join(" "));
  const nc = await connect({ servers: server.url, reconnect: false });
  try {
    const { Echo } = await import("../_actors/basic.ts");
    const echo = there.spawn(Echo);
    const sparse: number[] = [];
    sparse.length = 1 << 27;
    const courier = internalsOf(there).bridgeHost.courier;
    nc.publish(
      `ringmail.forged-ctl.${there.node}.ctl`,
      encode(new CallsLost(echo, "x", sparse), courier),
    );
    await eventually(
      () => warned.some((line) => /CallsLost naming 134217728 numbers/.test(line)),
      "the refusal is told",
    );
    using bridge = new Bridge(there);
    assert.equal(await bridge.call(echo, "still here", { timeout: 10_000 }), "still here");
  } finally {
    console.warn = warn;
    await nc.close();
  }
});
