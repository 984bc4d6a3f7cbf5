/**
 * Review of what the cluster's API takes: the `cluster` option and `lookup`'s timeout. A value
 * that cannot work is refused where it is given, with the standard TypeError or RangeError, not
 * taken and failed later with an error that sends the user looking at the wrong thing.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { NameNotFoundError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { startNatsServer } from "./_nats_server.ts";
import { joinedPair } from "./_joined_pair.ts";

Deno.test("options review: a lookup timeout no timer can wait (Infinity, past 2^31 - 1 ms) is a RangeError, not a ClusterUnavailableError at once", async () => {
  await using server = await startNatsServer();
  const [here, there] = await joinedPair(server.url, "lookup-timeout");
  try {
    await there.register("doubler", there.spawn(Doubler));
    // A timer of more than 2^31 - 1 ms fires after 1 ms: the cluster "did not answer" at once.
    for (const timeout of [Infinity, 2 ** 31, 2 ** 40]) {
      await assert.rejects(here.lookup("doubler", { timeout }), RangeError, `timeout ${timeout}`);
    }
    await assert.rejects(
      here.lookup("doubler", { timeout: "1000" as unknown as number }),
      TypeError,
    );
    // The longest a timer waits is a timeout like any other.
    await assert.rejects(here.lookup("nobody", { timeout: 0x7fff_ffff }), NameNotFoundError);
    using bridge = new Bridge(here);
    const doubler = await here.lookup<number>("doubler", { timeout: 0x7fff_ffff });
    assert.equal(await bridge.call(doubler, 4, { timeout: 5000 }), 8);
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});

Deno.test("options review: a cluster name too long for the NATS server's names is a RangeError where it is given, not a join that fails saying no server runs there", async () => {
  await using server = await startNatsServer({ jetstream: true });
  // The names' bucket is the stream KV_ringmail_<name>_names, and the server takes a stream name
  // of at most 255 characters: the join failed with "is a NATS server running there?". Longer
  // still, the link's subjects pass the server's 4 KiB control line, and the server closes the
  // connection: the join failed after 10 s saying the server was frozen.
  for (const name of ["c".repeat(238), "c".repeat(5000)]) {
    assert.throws(
      () => new ActorSystem({ cluster: { servers: server.url, name } }),
      (error: unknown) => error instanceof RangeError && /at most 237/.test(error.message),
    );
  }
  // The longest name joins, and its nodes name their actors with the longest names.
  const longest = "c".repeat(237);
  const [here, there] = await joinedPair(server.url, longest);
  try {
    const name = "n".repeat(1024);
    await there.register(name, there.spawn(Doubler));
    const doubler = await here.lookup<number>(name);
    using bridge = new Bridge(here);
    assert.equal(await bridge.call(doubler, 5, { timeout: 5000 }), 10);
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});

Deno.test("options review: a cluster server that is no NATS URL (a port out of range, no host, a WebSocket URL) is a TypeError where it is given, not a join that fails saying no server runs there", async () => {
  for (
    const servers of [
      "nats://127.0.0.1:99999",
      "nats://",
      " ",
      "ws://127.0.0.1:4222",
      "nats://127.0.0.1:0",
      ["nats://127.0.0.1:4222", "nats://127.0.0.1:65536"],
    ]
  ) {
    assert.throws(
      () => new ActorSystem({ cluster: { servers } }),
      (error: unknown) => error instanceof TypeError && /cluster\.servers/.test(error.message),
      JSON.stringify(servers),
    );
  }
  // What the NATS client takes still joins: no scheme, credentials, a path.
  await using server = await startNatsServer();
  for (
    const servers of [
      `127.0.0.1:${server.port}`,
      `nats://user:secret@127.0.0.1:${server.port}`,
      [`NATS://127.0.0.1:${server.port}/`, `127.0.0.1:${server.port}`],
    ]
  ) {
    await using system = new ActorSystem({ cluster: { servers, name: "urls" } });
    await system.joined;
  }
});
