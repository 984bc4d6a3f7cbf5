/**
 * A register in flight as this node learns that another found it down (a ping's answer, a spawn's,
 * a name's): the register must not end as a success, whichever mode the names are kept in. It
 * would either hold a name for a dead incarnation (KV: Names.foundDown gave up only the names
 * held before) or resolve while the name was given up already (subjects), so that the register
 * said "yours" and every lookup "not found".
 */
import assert from "node:assert/strict";
import { ActorRef, ActorSystem } from "../../mod.ts";
import { NodeFoundDownError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { encode } from "../../src/codec/mod.ts";
import { connectNats, type KV } from "../../src/remote/nats.ts";
import { type Names, openKvNames, SubjectNames } from "../../src/remote/names.ts";
import { Peers } from "../../src/remote/peers.ts";
import { startNatsServer } from "./_nats_server.ts";

/** The node that answers that it found this node down. */
const FINDER = 7;

/** Names of one node (no link: only what names use), and its Peers, which pings nobody. */
async function namesOf(url: string, jetstream: boolean) {
  const system = new ActorSystem();
  const nc = await connectNats(url, "names-race", 5_000);
  const peers = new Peers({ pingIntervalMs: 100, downAfterMs: 1_500 }, () => {
    throw new Error("nobody is pinged here");
  });
  const host = {
    node: 1,
    prefix: "ringmail.names-race",
    courier: internalsOf(system).bridgeHost.courier,
    running: () => true,
  };
  const names: Names = jetstream
    ? (await openKvNames(
      nc,
      host,
      peers,
      () => Promise.resolve("answered"),
      () => Promise.resolve(false),
    ))!
    : new SubjectNames(nc, host, peers);
  assert.ok(names !== null, "the server has JetStream");
  peers.onFoundDown(() => names.foundDown());
  return {
    system,
    nc,
    peers,
    names,
    async [Symbol.asyncDispose]() {
      peers.close();
      await names.close(true);
      await nc.close();
      await system.shutdown();
    },
  };
}

Deno.test("names race (KV): a register whose write lands as this node learns it was found down rejects with NodeFoundDownError, and the name is free", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using node = await namesOf(server.url, true);
  const kv = (node.names as unknown as { kv: KV }).kv;
  const create = kv.create.bind(kv);
  kv.create = async (key, value) => {
    const revision = await create(key, value);
    // The notice comes while the register waits for the server's answer.
    node.peers.foundDownBy(FINDER);
    return revision;
  };
  await assert.rejects(node.names.register("late", node.system.spawn(Doubler)), NodeFoundDownError);
  kv.create = create;
  const entry = await kv.get("6c617465");
  assert.ok(entry === null || entry.operation !== "PUT", `still held: ${entry?.operation}`);
});

Deno.test("names race (subjects): a register whose subscription is confirmed as this node learns it was found down rejects with NodeFoundDownError, not as a success", async () => {
  await using server = await startNatsServer({ jetstream: false });
  await using node = await namesOf(server.url, false);
  const flush = node.nc.flush.bind(node.nc);
  node.nc.flush = async () => {
    await flush();
    node.peers.foundDownBy(FINDER);
  };
  await assert.rejects(node.names.register("late", node.system.spawn(Doubler)), NodeFoundDownError);
  node.nc.flush = flush;
  assert.equal(node.names.sizes().namesHeld, 0, "no name is held");
});

Deno.test("names race (KV): a name its dead holder gives up while a register takes it over goes to the register, not as taken", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using node = await namesOf(server.url, true);
  const kv = (node.names as unknown as { kv: KV }).kv;
  const courier = internalsOf(node.system).bridgeHost.courier;
  // Held by an actor of node 99, which this node has found down: the name is free to take over.
  const key = "646f75626c6572"; // "doubler"
  await kv.put(key, encode(new ActorRef(3, 1, 0, courier, 99), courier));
  node.peers.down(99, "node 99 is unreachable: it was frozen");
  // As the take-over's write goes, the dead node gives the name up itself (it resumed, and
  // learnt it was found down): the entry's revision moves under the write.
  const update = kv.update.bind(kv);
  kv.update = async (k, value, revision) => {
    await kv.delete(k);
    kv.update = update;
    return await update(k, value, revision);
  };
  const ref = node.system.spawn(Doubler);
  await node.names.register("doubler", ref);
  kv.update = update;
  assert.ok((await node.names.lookup("doubler", 5_000)).equals(ref), "the name is the register's");
});
