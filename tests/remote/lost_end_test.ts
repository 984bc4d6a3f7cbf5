/**
 * The end of a watched actor of another node, lost on the way: its `Terminated` goes to the
 * watcher in a batch, like any record, and a batch can be lost (a gap the receiving node counts as
 * "lost-in-transit"). The watcher — an actor's `context.watch`, a Bridge's `whenTerminated` —
 * must hear of the end all the same, once.
 */
import assert from "node:assert/strict";
import {
  type ActorRef,
  type ActorSystem,
  Bridge,
  type DeadLetter,
  Stop,
  Terminated,
} from "../../mod.ts";
import { Inbox } from "../../src/delivery/mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { readBatch } from "../../src/remote/wire.ts";
import { Echo2, Watcher, WatchIt } from "../_actors/watch_review.ts";
import { eventually, within } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { natsProto } from "./_nats_proto.ts";
import { twoNodes } from "./_outage.ts";

const LONG = { timeout: 10_000 };

/** What {@link loseBatches} saw; `stop` puts the client's publish back. */
interface BatchLosses {
  /** Batches taken by the client but never sent. */
  lost: number;
  /** `Terminated`s published on the subject, lost or not. */
  ends: number;
  stop(): void;
}

/**
 * Makes the NATS client of this process take, but never send, the first batch published to
 * `subject` whose messages (decoded with `system`'s courier) `which` picks: as if the server
 * dropped it. The sender's sequence numbers go on as if it had arrived, so the receiving node sees
 * a gap (at the next batch, or the sender's next ping). Counts the `Terminated`s published there.
 */
async function loseBatches(
  url: string,
  subject: string,
  system: ActorSystem,
  which: (messages: unknown[]) => boolean,
): Promise<BatchLosses> {
  const proto = await natsProto(url);
  const publish = proto.publish;
  const inbox = new Inbox(internalsOf(system).bridgeHost.courier);
  const losses: BatchLosses = {
    lost: 0,
    ends: 0,
    stop: () => {
      proto.publish = publish;
    },
  };
  proto.publish = function (this: unknown, s: unknown, data: unknown, ...rest: unknown[]) {
    if (s === subject && data instanceof Uint8Array) {
      const messages: unknown[] = [];
      // Whole records only: the tests' messages are small.
      readBatch(data).forEach((record, more) => {
        if (!more && inbox.decode(record, 0, record.length, { lastSender: null })) {
          messages.push(inbox.message);
        }
      });
      losses.ends += messages.filter((message) => message instanceof Terminated).length;
      if (losses.lost === 0 && which(messages)) {
        losses.lost++;
        return;
      }
    }
    return publish.call(this, s, data, ...rest);
  };
  return losses;
}

/** The cluster state sizes of `system` (see SystemCluster.sizes). */
function sizesOf(system: ActorSystem): Record<string, number> {
  const sizes = internalsOf(system).clusterSizes();
  assert.ok(sizes !== null, "the system has joined its cluster");
  return sizes;
}

/**
 * Makes the pings this process sends on `subject` go unanswered until the returned function is
 * called: what they say of the batches sent before them would show a gap before the test's next
 * batch does.
 */
async function holdPings(url: string, subject: string): Promise<() => void> {
  const proto = await natsProto(url);
  const request = proto.request;
  proto.request = function (this: unknown, s: unknown, ...rest: unknown[]) {
    if (s === subject) return Promise.reject(new Error("held for the test"));
    return request.call(this, s, ...rest);
  };
  return () => {
    proto.request = request;
  };
}

const hasEnd = (messages: unknown[]) => messages.some((message) => message instanceof Terminated);

/** The "lost-in-transit" dead letters of `system` from now on; `others`: those of other kinds. */
function lostInTransit(system: ActorSystem): DeadLetter[] & { others: DeadLetter[] } {
  const lost = Object.assign([] as DeadLetter[], { others: [] as DeadLetter[] });
  system.onDeadLetter((letter) => {
    (letter.kind === "lost-in-transit" ? lost : lost.others).push(letter);
  });
  return lost;
}

Deno.test("lost end: an actor watching an actor of another node gets its Terminated, once, when the batch that carried it was lost", async () => {
  await using server = await startNatsServer();
  const cluster = "lost-end-actor";
  await using nodes = await twoNodes(server, cluster);
  const { here, there, bridge } = nodes;
  // The Bridge watches the probe it called: that watch stays on.
  const before = { there: sizesOf(there).watchersFromAfar, here: sizesOf(here).remoteWatches };
  const target = await here.spawnOn(there.node, Echo2) as ActorRef<unknown>;
  const watcher = here.spawn(Watcher);
  assert.equal(await bridge.call(watcher, new WatchIt(target), LONG), "watching");
  await eventually(
    () => sizesOf(there).watchersFromAfar === before.there + 1,
    "the watch is there",
    10_000,
  );
  const lost = lostInTransit(here);
  const losses = await loseBatches(server.url, `ringmail.${cluster}.${here.node}`, here, hasEnd);
  try {
    target.send(new Stop());
    await eventually(() => losses.lost > 0, "the batch with the Terminated is lost", 10_000);
    // The other node's next ping shows the gap (nothing else goes this way to show it sooner).
    await eventually(() => lost.length > 0, "the loss is counted on the watcher's node", 10_000);
    await eventually(
      async () => ((await bridge.call(watcher, "dump", LONG)) as string[]).length > 0,
      "the watcher hears of the end (it waited for good when its Terminated was lost in a batch " +
        "and only the other node's side of the link lost it)",
      10_000,
    );
  } finally {
    losses.stop();
  }
  const ends = await bridge.call(watcher, "dump", LONG) as string[];
  assert.equal(ends.length, 1, `one Terminated, got ${ends.length}: ${ends.join("; ")}`);
  assert.match(ends[0], / stopped$/);
  await eventually(
    () => sizesOf(here).remoteWatches === before.here,
    "the watch is over on the watcher's node",
    10_000,
  );
});

Deno.test("lost end: a Bridge's whenTerminated of an actor of another node settles when the batch that carried the Terminated was lost", async () => {
  await using server = await startNatsServer();
  const cluster = "lost-end-bridge";
  await using nodes = await twoNodes(server, cluster);
  const { here, there, bridge } = nodes;
  const before = sizesOf(there).watchersFromAfar;
  const target = await here.spawnOn(there.node, Echo2) as ActorRef<unknown>;
  const end = bridge.whenTerminated(target);
  end.catch(() => {}); // rejected by the Bridge's close if the test fails before it is awaited
  await eventually(
    () => sizesOf(there).watchersFromAfar === before + 1,
    "the guardian's watch is there",
    10_000,
  );
  const lost = lostInTransit(here);
  const losses = await loseBatches(server.url, `ringmail.${cluster}.${here.node}`, here, hasEnd);
  try {
    target.send(new Stop());
    await eventually(() => losses.lost > 0, "the batch with the Terminated is lost", 10_000);
    await eventually(() => lost.length > 0, "the loss is counted on the Bridge's node", 10_000);
    const ended = await within(10_000, "the Bridge's wait on the end (lost in a batch)", end);
    assert.equal(ended.kind, "stopped");
  } finally {
    losses.stop();
  }
});

Deno.test("lost end: a Terminated told twice (its watch made again after a gap, while it was on its way) is taken once", async () => {
  await using server = await startNatsServer();
  const cluster = "lost-end-twice";
  await using nodes = await twoNodes(server, cluster);
  const { here, there, bridge } = nodes;
  const before = { there: sizesOf(there).watchersFromAfar, here: sizesOf(here).remoteWatches };
  const local = there.spawn(Echo2);
  await there.register("target", local);
  const target = await here.lookup<unknown>("target");
  const watcher = here.spawn(Watcher);
  assert.equal(await bridge.call(watcher, new WatchIt(target), LONG), "watching");
  const bridgeEnd = bridge.whenTerminated(target);
  bridgeEnd.catch(() => {});
  await eventually(
    () => sizesOf(there).watchersFromAfar === before.there + 2,
    "both watches are there",
    10_000,
  );
  // A record of no importance to the watcher goes first, in a batch that is lost; the Terminated
  // follows in the next batch, which shows the gap as it comes (no ping shows it first): the
  // watches are made again while the Terminated is being taken, and the other node tells the end
  // again.
  await here.register("watcher", watcher);
  const watcherThere = await there.lookup<unknown>("watcher");
  const lost = lostInTransit(here);
  const losses = await loseBatches(
    server.url,
    `ringmail.${cluster}.${here.node}`,
    here,
    (messages) => messages.includes("noise"),
  );
  const releasePings = await holdPings(server.url, `ringmail.${cluster}.${here.node}.ping`);
  try {
    watcherThere.send("noise");
    local.send(new Stop());
    await eventually(() => losses.lost > 0, "the batch with the noise is lost", 10_000);
    await eventually(() => losses.ends >= 2, "the Terminateds go", 10_000);
    releasePings();
    const ended = await within(10_000, "the Bridge's wait on the end", bridgeEnd);
    assert.equal(ended.kind, "stopped");
    await eventually(() => lost.length > 0, "the gap is counted", 10_000);
    await eventually(
      () => losses.ends >= 4,
      "each end told twice (else this test shows nothing)",
      10_000,
    );
  } finally {
    releasePings();
    losses.stop();
  }
  await eventually(
    () => sizesOf(here).remoteWatches === before.here,
    "both watches are over",
    10_000,
  );
  // Asked from the other node, behind the second Terminated on the same link: the watcher has
  // taken it when it answers.
  using thereBridge = new Bridge(there);
  const ends = await thereBridge.call(watcherThere, "dump", LONG) as string[];
  assert.equal(ends.length, 1, `one Terminated taken, got ${ends.length}: ${ends.join("; ")}`);
  assert.match(ends[0], / stopped$/);
  // The second is nobody's lost message either.
  assert.deepEqual(lost.others.map((letter) => `${letter.kind}: ${letter.messageClass}`), []);
  assert.equal(lost.length, 1, "the lost batch is counted once");
});
