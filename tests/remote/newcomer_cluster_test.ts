/**
 * A newcomer's review of the cluster mode: what someone following the README's cluster section
 * meets, mistakes included (a wrong server URL, a class not exported, a name taken).
 */
import assert from "node:assert/strict";
import { NameTakenError, SpawnError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { hiddenClass } from "../_actors/newcomer_hidden.ts";
import { startNatsServer } from "./_nats_server.ts";
import { joinedPair } from "./_joined_pair.ts";

Deno.test("newcomer: a server URL the program may not reach (--allow-net) says so, not that no server runs there", async () => {
  // A program allowed the network for 127.0.0.1 only, whatever this test runner was allowed:
  // 127.0.0.2 is refused by Deno before any socket.
  const program = `
    import { ActorSystem } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    await using system = new ActorSystem({ cluster: { servers: "nats://127.0.0.2:4222", name: "perm" } });
    const error = await system.joined.then(() => null, (error) => error);
    console.log(JSON.stringify({ name: error?.constructor.name, message: error?.message }));
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(program));
  await writer.close();
  const { stdout, code } = await child.output();
  assert.equal(code, 0);
  const outcome = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
  assert.equal(outcome.name, "ClusterJoinError", outcome.message);
  assert.match(outcome.message, /--allow-net/, "the message names the missing permission");
  assert.doesNotMatch(outcome.message, /is a NATS server running there/);
});

Deno.test("newcomer: NameTakenError's advice names only what the system has", async () => {
  await using server = await startNatsServer();
  const [here, there] = await joinedPair(server.url, "taken");
  try {
    await here.register("counter", here.spawn(Doubler));
    const error = await there.register("counter", there.spawn(Doubler)).then(
      () => null,
      (error) => error,
    );
    assert.ok(error instanceof NameTakenError, String(error));
    // It told the user to "unregister it first": ActorSystem has no unregister.
    for (const [, method] of error.message.matchAll(/\b(un[a-z]+)\b/g)) {
      assert.equal(
        typeof (there as unknown as Record<string, unknown>)[method],
        "function",
        method,
      );
    }
    assert.match(error.message, /stop/, "it says how a name is given up: its actor stops");
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});

Deno.test("newcomer: spawnOn this node rejects a class its module does not export, as spawnOn another node does", async () => {
  await using server = await startNatsServer();
  const [here, there] = await joinedPair(server.url, "hidden");
  try {
    const Hidden = hiddenClass();
    await assert.rejects(here.spawnOn(there.node, Hidden), SpawnError);
    // The doc comment: "@throws {SpawnError} when that node could not start it (its module, its
    // class)" — with `node` this node (its id, or 0), too.
    for (const node of [here.node, 0]) {
      const outcome = await here.spawnOn(node, Hidden).then(
        (ref) => here.started(ref).then(() => "started", () => `resolved with a ref that failed`),
        (error) => error,
      );
      assert.ok(outcome instanceof SpawnError, `spawnOn(${node}): ${outcome}`);
    }
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});
