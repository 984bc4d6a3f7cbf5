/**
 * Control messages between nodes (a watch, an unwatch, calls lost: src/remote/link.ts `control`)
 * that the NATS client took but that never reached the other node — published into a connection
 * that died unnoticed — and control messages this node does not know.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect, headers } from "npm:@nats-io/transport-node@3.4.0";
import { type ActorClass, type ActorRef, ActorSystem, Bridge, registerMessage } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";
import { CallsLost, RemoteWatch } from "../../src/system/control.ts";
import { classId, classIdBytes } from "../../src/codec/class_id.ts";
import { ControlReceiver, ControlSender } from "../../src/remote/controls.ts";
import { decode, encode } from "../../src/codec/mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Flaky } from "../_actors/supervision.ts";
import { Gate } from "../_actors/bridge_watches.ts";
import { Forward, Forwarder } from "../_actors/forwarder.ts";
import { Echo2, Watcher, WatchIt } from "../_actors/watch_review.ts";
import { eventually, within } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { restartingPair } from "./_joined_pair.ts";
import { natsProto } from "./_nats_proto.ts";
import { countPublishes, outage } from "./_outage.ts";

const LONG = { timeout: 10_000 };

function sizesOf(system: ActorSystem): Record<string, number> {
  const sizes = internalsOf(system).clusterSizes();
  assert.ok(sizes !== null, "the system has joined its cluster");
  return sizes;
}

/** What {@link loseControl} lost so far; `stop` puts the client's publish back. */
interface Losses {
  count: number;
  stop(): void;
}

/**
 * Makes the NATS client of this process take, but never send, the control messages to `subject`
 * that `which` picks (decoded with `system`'s courier): as if published into a connection that
 * had died unnoticed (a frozen server), which the client finds out only later.
 */
async function loseControl(
  url: string,
  subject: string,
  system: ActorSystem,
  which: (message: unknown) => boolean,
): Promise<Losses> {
  const proto = await natsProto(url);
  const publish = proto.publish;
  const courier = internalsOf(system).bridgeHost.courier;
  const losses: Losses = {
    count: 0,
    stop: () => {
      proto.publish = publish;
    },
  };
  proto.publish = function (this: unknown, s: unknown, data: unknown, ...rest: unknown[]) {
    if (s === subject && data instanceof Uint8Array && which(decode(data, courier))) {
      losses.count++;
      return;
    }
    return publish.call(this, s, data, ...rest);
  };
  return losses;
}

/** Holds up, as a connection that died would, the `CallsLost` that `there` sends `here`. */
function holdCallsLost(
  url: string,
  cluster: string,
  here: ActorSystem,
  there: ActorSystem,
): Promise<Losses> {
  return loseControl(
    url,
    `ringmail.${cluster}.${here.node}.ctl`,
    there,
    (message) => message instanceof CallsLost,
  );
}

/** Spawns `actorClass` on `there` as `name`: the actor, and the ref `here` looks it up by. */
async function servedThere<M>(
  here: ActorSystem,
  there: ActorSystem,
  actorClass: ActorClass,
  name: string,
): Promise<[ActorRef<unknown>, ActorRef<M>]> {
  const actor = there.spawn(actorClass);
  await there.register(name, actor);
  return [actor, await here.lookup<M>(name)];
}

/** Waits until the Flaky `actor` has taken an "inc" (it never answers one), asked by `bridge`. */
function tookRequest(bridge: Bridge, actor: ActorRef<unknown>): Promise<void> {
  return eventually(
    async () => await bridge.call(actor, "count", LONG) === 1,
    "the actor took the request",
    10_000,
  );
}

Deno.test("control: a call waiting on an actor of another node that lost its Worker settles at once, also when the notice was published into a connection that died", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-calls-lost";
  // Long enough that neither node finds the other down across an outage.
  await using nodes = await restartingPair(server.url, cluster);
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  using thereBridge = new Bridge(there);
  const [local, flaky] = await servedThere<string>(here, there, Flaky, "flaky");
  assert.equal(await bridge.call(flaky, "hello", LONG), "hello");
  const losses = await holdCallsLost(server.url, cluster, here, there);
  let call: Promise<unknown>;
  try {
    // "inc" gets no answer: the call waits until it is settled otherwise.
    call = bridge.call(flaky, "inc", { timeout: 600_000 }).then(() => null, (error) => error);
    // Killed once it has taken the request (one it had not would go to its new instance).
    await tookRequest(thereBridge, local);
    assert.ok(there.kill(local, "killed by the test"), "it runs, and is killed");
    await eventually(() => losses.count > 0, "the notice is published, and lost", 10_000);
  } finally {
    losses.stop();
  }
  // The connection that took it dies; both nodes reconnect and answer each other again.
  await outage(server, [here, there]);
  const error = await within(15_000, "the call on the actor that lost its Worker", call);
  assert.ok(error instanceof ActorDeadError, String(error));
  assert.match(error.message, /being restarted/);
});

Deno.test("control: a call whose Bridge's watch of its actor has not reached that actor's node yet settles at once when the actor loses its Worker", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-calls-unwatched";
  // Long enough that neither node finds the other down across an outage.
  await using nodes = await restartingPair(server.url, cluster);
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  using local = new Bridge(there);
  const [actor, flaky] = await servedThere<string>(here, there, Flaky, "flaky");
  // The Bridge's watch goes as a control message, apart from the request: held up here (as a
  // watch sent again after a loss is), it comes after the request, and after the actor's death.
  const losses = await loseControl(
    server.url,
    `ringmail.${cluster}.${there.node}.ctl`,
    here,
    (message) => message instanceof RemoteWatch && !message.unwatch,
  );
  let call: Promise<unknown>;
  try {
    // "inc" gets no answer: the call waits until it is settled otherwise.
    call = bridge.call(flaky, "inc", { timeout: 600_000 }).then(() => null, (error) => error);
    await tookRequest(local, actor);
    assert.ok(losses.count > 0, "the watch was held up");
    assert.ok(there.kill(actor, "killed by the test"), "it runs, and is killed");
    assert.equal(await local.call(actor, "count", LONG), 0, "restarted: a fresh instance");
  } finally {
    losses.stop();
  }
  const error = await within(10_000, "the call whose request died with the Worker", call);
  assert.ok(error instanceof ActorDeadError, String(error));
  assert.match(error.message, /being restarted/);
});

Deno.test("control: a call its actor on another node took after a restart is not failed by the news of that restart, which came later", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-calls-after-restart";
  await using nodes = await restartingPair(server.url, cluster);
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  using local = new Bridge(there);
  const [gate, far] = await servedThere<unknown>(here, there, Gate, "gate");
  assert.equal(await bridge.call(far, "ping", LONG), "ping");
  // The news of the restart held up on its way (one network hop stretched).
  const losses = await holdCallsLost(server.url, cluster, here, there);
  let call: Promise<unknown>;
  try {
    assert.ok(there.kill(gate, "killed by the test"));
    assert.equal(await local.call(gate, "ping", LONG), "ping", "restarted");
    call = bridge.call(far, "hold", LONG).then((reply) => reply, (error) => error);
    await eventually(
      async () => await local.call(gate, "held", LONG) === 1,
      "the new instance took the call",
      10_000,
    );
    await eventually(() => losses.count > 0, "the news was sent", 10_000);
  } finally {
    losses.stop();
  }
  // It comes now (sent again), and fails only the call the killed instance took: none.
  await outage(server, [here, there]);
  assert.equal(await local.call(gate, "open", LONG), "open");
  const reply = await within(10_000, "the call made after the restart", call);
  assert.equal(reply, "opened", `the new instance answered it, but the call got ${reply}`);
});

Deno.test("control: the news that an actor lost its Worker goes to the node of each call's reply address, not to the node of an actor that passed the call on", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-calls-passed-on";
  await using nodes = await restartingPair(server.url, cluster);
  const { here, there } = nodes;
  await using middle = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs: 30_000 },
  });
  await middle.joined;
  using bridge = new Bridge(here);
  using thereBridge = new Bridge(there);
  const flaky = there.spawn(Flaky);
  await there.register("flaky", flaky);
  const forwarder = middle.spawn(Forwarder);
  await middle.register("forwarder", forwarder);
  const [far, passer] = [
    await here.lookup<string>("flaky"),
    await here.lookup<Forward>("forwarder"),
  ];
  const told: string[] = [];
  using _unlisten = {
    stops: [here, middle].map((system) =>
      internalsOf(system).bridgeHost.watchCallsLostAfar((target) =>
        told.push(`${system === here ? "here" : "middle"}: ${target.slot}`)
      )
    ),
    [Symbol.dispose]() {
      this.stops.forEach((stop) => stop());
    },
  };
  const toMiddle = await countPublishes(
    server.url,
    `ringmail.${cluster}.${middle.node}.ctl`,
    there,
  );
  try {
    // The Forwarder passes "inc" on with this Bridge's address as its sender: no answer comes.
    const call = bridge.call(passer, new Forward(far, "inc"), { timeout: 20_000 })
      .catch((error) => error);
    await tookRequest(thereBridge, flaky);
    assert.ok(there.kill(flaky, "killed by the test"));
    await eventually(() => told.length > 0, "the news came", 10_000);
    assert.deepEqual(told, [`here: ${far.slot}`], "told to the reply address's node only");
    assert.ok(!toMiddle.seen.includes("CallsLost"), "nothing sent to the passing node");
    bridge.close();
    await call;
  } finally {
    toMiddle.stop();
  }
});

Deno.test("control: an actor called from many reply addresses of a node (a Bridge per request) keeps a few, then one for them all, and a call pending from that node still settles when it loses its Worker", async () => {
  await using server = await startNatsServer();
  await using nodes = await restartingPair(server.url, "ctl-many-callers");
  const { here, there } = nodes;
  using thereBridge = new Bridge(there);
  const [local, flaky] = await servedThere<string>(here, there, Flaky, "flaky");
  for (let i = 0; i < 40; i++) {
    using once = new Bridge(here);
    assert.equal(await once.call(flaky, "hello", LONG), "hello");
  }
  const kept = sizesOf(there).callersFromAfar;
  assert.ok(kept >= 1 && kept <= 16, `${kept} reply addresses kept for one actor`);
  using bridge = new Bridge(here);
  // "inc" gets no answer: the call waits until it is settled otherwise.
  const call = bridge.call(flaky, "inc", { timeout: 600_000 }).then(() => null, (error) => error);
  await tookRequest(thereBridge, local);
  assert.ok(there.kill(local, "killed by the test"));
  const error = await within(10_000, "the call on the actor that lost its Worker", call);
  assert.ok(error instanceof ActorDeadError, String(error));
});

Deno.test("control: a call waiting on an actor of another node that lost its Worker settles at once when the notice went into a frozen NATS server that then restarted", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-calls-frozen";
  // Long enough that neither node finds the other down across an outage.
  await using nodes = await restartingPair(server.url, cluster);
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  const [local, flaky] = await servedThere<string>(here, there, Flaky, "flaky");
  assert.equal(await bridge.call(flaky, "hello", LONG), "hello");
  await eventually(
    () => sizesOf(there).watchersFromAfar > 0,
    "the Bridge's watch is there",
    10_000,
  );
  const call = bridge.call(flaky, "inc", { timeout: 600_000 }).then(() => null, (error) => error);
  // The request is there: the instance it reached counted it.
  using thereBridge = new Bridge(there);
  await tookRequest(thereBridge, local);
  const counter = await countPublishes(server.url, `ringmail.${cluster}.${here.node}.ctl`, there);
  try {
    // The server freezes: the connections stay open, and nothing says yet that they are dead.
    await server.freeze();
    assert.ok(there.kill(local, "killed by the test"), "it runs, and is killed");
    await eventually(() => counter.seen.includes("CallsLost"), "the notice is published", 10_000);
  } finally {
    counter.stop();
  }
  // The frozen server dies with what it was sent; a new one comes.
  await outage(server, [here, there]);
  const error = await within(15_000, "the call on the actor that lost its Worker", call);
  assert.ok(error instanceof ActorDeadError, String(error));
  assert.match(error.message, /being restarted/);
});

Deno.test("control: an unwatch published into a connection that died still reaches the other node, which forgets the watch", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-unwatch-lost";
  const options = { servers: server.url, name: cluster, downAfterMs: 30_000 };
  await using here = new ActorSystem({
    cluster: options,
    supervision: { onFailure: "restart" },
    onFailure: () => {}, // the kill is the test's
  });
  await using there = new ActorSystem({ cluster: options });
  await Promise.all([here.joined, there.joined]);
  using bridge = new Bridge(here);
  const target = await here.spawnOn(there.node, Echo2) as ActorRef<unknown>;
  const watcher = here.spawn(Watcher);
  assert.equal(await bridge.call(watcher, new WatchIt(target), LONG), "watching");
  await eventually(() => sizesOf(there).watchersFromAfar === 1, "the watch is there", 10_000);
  const losses = await loseControl(
    server.url,
    `ringmail.${cluster}.${there.node}.ctl`,
    here,
    (message) => message instanceof RemoteWatch && message.unwatch,
  );
  try {
    // Its Worker dies; it is restarted, and its new instance watches nothing: the watch goes.
    assert.ok(here.kill(watcher, "killed by the test"));
    await eventually(() => losses.count > 0, "the unwatch is published, and lost", 10_000);
  } finally {
    losses.stop();
  }
  await outage(server, [here, there]);
  await eventually(
    () => sizesOf(there).watchersFromAfar === 0,
    "the other node forgets the watch (else it keeps it, and tells the end, for as long as the " +
      "watched actor runs)",
    10_000,
  );
});

/** A control message of a newer ringmail: registered here only so that the test can send it. */
class FromANewerVersion {
  constructor(readonly what = "") {}
}
registerMessage(FromANewerVersion, { name: "test.FromANewerVersion" });

Deno.test("control: a control message this node does not know is not dropped silently: a warning names it, once per kind", async () => {
  await using server = await startNatsServer();
  const cluster = "ctl-unknown";
  await using system = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await system.joined;
  const nc = await connect({ servers: server.url });
  const warnings: string[] = [];
  const warn = console.warn;
  const error = console.error;
  console.warn = console.error = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    const subject = `ringmail.${cluster}.${system.node}.ctl`;
    const from = headers();
    from.set("Ringmail-From", "12345");
    // One this node can decode, but no control message of its own.
    const known = encode(new FromANewerVersion("x"));
    // One of a class this node has never heard of (its id alone is on the wire).
    const unknown = known.slice();
    const at = findBytes(unknown, classIdBytes(classId("test.FromANewerVersion")));
    assert.ok(at >= 0, "the class id is in the encoding");
    unknown.set(classIdBytes(classId("test.NotRegisteredAnywhere")), at);
    for (let i = 0; i < 3; i++) {
      nc.publish(subject, known, { headers: from });
      nc.publish(subject, unknown, { headers: from });
    }
    await nc.flush();
    await eventually(
      () =>
        warnings.some((line) => line.includes("test.FromANewerVersion")) &&
        warnings.some((line) => line.includes("unknown message class id")),
      "a warning for each kind",
      10_000,
    );
    // A ping answered after them: all six were taken in by then, and no more was told.
    await nc.request(`ringmail.${cluster}.${system.node}.ping`, new Uint8Array(0), LONG);
    const told = warnings.filter((line) => /control message/.test(line));
    assert.equal(told.length, 2, `one warning per kind: ${told.join("\n")}`);
    assert.match(told.join("\n"), /node 12345/);
  } finally {
    console.warn = warn;
    console.error = error;
    await nc.close();
  }
});

function findBytes(bytes: Uint8Array, pattern: readonly number[]): number {
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("control: the receiving side takes each node's control messages in order, once", () => {
  const receiver = new ControlReceiver();
  assert.equal(receiver.take(7, 1), true);
  assert.equal(receiver.take(7, 1), false, "one sent again is not taken twice");
  assert.equal(receiver.take(7, 3), false, "one after a gap waits for the one lost");
  assert.equal(receiver.take(7, 2), true);
  assert.equal(receiver.take(7, 3), true);
  assert.equal(receiver.taken(7), 3);
  assert.equal(receiver.take(8, 1), true, "each node has its own numbers");
  receiver.forget(7);
  assert.equal(receiver.size, 1);
});

Deno.test("control: the sending side publishes again, in order, what a ping's answer shows lost, and only that", () => {
  const published: string[] = [];
  const sender = new ControlSender((node, sequence, data) =>
    published.push(`${node}:${sequence}:${data[0]}`)
  );
  const one = (byte: number) => Uint8Array.of(byte);
  sender.send(5, one(10), true);
  sender.send(5, one(11), true);
  const ping = sender.mark();
  sender.send(5, one(12), true); // after the ping: may still be on its way as it is answered
  assert.deepEqual(published, ["5:1:10", "5:2:11", "5:3:12"]);
  // The answer: 1 taken; 2 was published before the ping and not taken: lost.
  sender.answered(5, 1, ping);
  assert.equal(sender.waiting(5), true);
  sender.send(5, one(13), true); // behind those that go again
  assert.equal(published.length, 3);
  sender.flush(5);
  assert.deepEqual(published.slice(3), ["5:2:11", "5:3:12", "5:4:13"]);
  // All taken: nothing is kept, nothing goes again.
  sender.answered(5, 4, sender.mark());
  assert.deepEqual(sender.sizes(), { controlNodes: 1, controlKept: 0 });
  // Published after the ping: not taken by its answer, and not lost for all that.
  const early = sender.mark();
  sender.send(5, one(14), true);
  sender.answered(5, 4, early);
  sender.flush(5);
  assert.deepEqual(published.slice(6), ["5:5:14"]);
  // An answer that does not say (an older build): what went before the ping counts as taken.
  sender.answered(5, null, sender.mark());
  assert.deepEqual(sender.sizes(), { controlNodes: 1, controlKept: 0 });
  // Not now (this node's connection is lost): it waits for the flush.
  sender.send(5, one(15), false);
  assert.equal(published.length, 7);
  sender.flush(5);
  assert.deepEqual(published.slice(7), ["5:6:15"]);
  sender.forget(5);
  assert.deepEqual(sender.sizes(), { controlNodes: 0, controlKept: 0 });
});
