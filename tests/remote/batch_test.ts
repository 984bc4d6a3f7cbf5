/**
 * Batches between nodes (src/remote/wire.ts): entries read in place, and a batch of many records
 * taken on the receiving node — each record to its own target, in order, a dead target's records
 * dead letters with their messages, pieces of a large record among small ones.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { type ActorRef, ActorSystem, Bridge, type DeadLetter, Stop } from "../../mod.ts";
import {
  BatchEntries,
  BatchWriter,
  creditOf,
  FOUND_DOWN_ANSWER,
  HEAD_BYTES,
  readBatch,
  RECORD_CREDIT,
  writePingAnswer,
  writeSentSoFar,
} from "../../src/remote/wire.ts";
import { Probe } from "../_actors/supervision.ts";
import { Grinder } from "../_actors/busy.ts";
import { eventually } from "../_system.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { type NatsServer, startNatsServer, withDeadline } from "./_nats_server.ts";
import { refusePublishes } from "./_refuse_publishes.ts";

/** The entries of `batch` as [bytes, more] pairs, read in place. */
function entriesOf(batch: Uint8Array): [number[], boolean][] {
  const entries = new BatchEntries().reset(batch);
  const out: [number[], boolean][] = [];
  while (entries.next()) {
    out.push([Array.from(batch.subarray(entries.start, entries.end)), entries.more]);
  }
  return out;
}

Deno.test("wire: a batch's entries read in place are the records written, pieces marked", () => {
  const writer = new BatchWriter(7);
  const source = new Uint8Array(300).map((_, i) => i & 0xff);
  writer.add(source, 0, 3);
  writer.add(source, 10, 10); // an empty record
  writer.add(source, 0, 200, true); // a piece (its length needs two varuint bytes)
  writer.add(source, 200, 300);
  assert.equal(writer.begun, 3, "records begun: not the entry that goes on with a piece");
  const batch = writer.take({ sequence: 41 });
  const head = readBatch(batch);
  assert.equal(head.from, 7);
  assert.equal(head.sequence, 41);
  assert.deepEqual(entriesOf(batch), [
    [[0, 1, 2], false],
    [[], false],
    [Array.from(source.subarray(0, 200)), true],
    [Array.from(source.subarray(200, 300)), false],
  ]);
  const viaForEach: [number[], boolean][] = [];
  head.forEach((record, more) => viaForEach.push([Array.from(record), more]));
  assert.deepEqual(viaForEach, entriesOf(batch), "forEach sees the same entries");
  assert.equal(writer.count, 0, "the writer is empty again");
});

Deno.test("wire: a batch's head carries the records begun and the credit spent before it, the credit granted so far, and whether it goes on with a record", () => {
  const writer = new BatchWriter(7);
  writer.add(new Uint8Array([1]), 0, 1);
  assert.equal(writer.credit, creditOf(1), "a whole record: its bytes and RECORD_CREDIT");
  const head = readBatch(
    writer.take({ sequence: 3, begun: 0xffff_fffe, credit: 0xffff_ffff, granted: 0xffff_fff0 }),
  );
  assert.deepEqual(
    [head.sequence, head.begun, head.credit, head.granted, head.continues],
    [3, 0xffff_fffe, 0xffff_ffff, 0xffff_fff0, false],
  );
  const piece = new Uint8Array(100);
  writer.add(piece, 0, 60, false, true); // the tail of a record begun in the batch before
  writer.add(piece, 0, 40, true); // the start of the next one
  assert.equal(writer.credit, 60 + RECORD_CREDIT + 40, "a piece that is not the last: its bytes");
  assert.equal(writer.begun, 1, "the tail begins no record; the start of the next one does");
  const next = readBatch(writer.take({ sequence: 4 }));
  assert.equal(next.granted, 0, "none granted yet: no news");
  assert.equal(next.continues, true);
  writer.add(new Uint8Array([1]), 0, 1, false, true); // its first entry goes on with a record
  writer.add(new Uint8Array([1]), 0, 1);
  assert.equal(readBatch(writer.take({ sequence: 5 })).continues, true, "the first entry decides");
  writer.add(new Uint8Array([1]), 0, 1);
  writer.add(new Uint8Array([1]), 0, 1, false, true);
  assert.equal(readBatch(writer.take({ sequence: 6 })).continues, false, "the first entry decides");
});

Deno.test("wire: a batch that ends inside a record is refused at that entry", () => {
  const writer = new BatchWriter(1);
  writer.add(new Uint8Array([1, 2]), 0, 2);
  writer.add(new Uint8Array([3, 4, 5, 6]), 0, 4);
  const batch = writer.take({ sequence: 0 });
  const entries = new BatchEntries().reset(batch.subarray(0, batch.length - 1));
  assert.equal(entries.next(), true, "the first record is whole");
  assert.throws(() => entries.next(), RangeError);
  const cutInLength = new Uint8Array([...batch.subarray(0, HEAD_BYTES), 0x80]);
  assert.throws(() => new BatchEntries().reset(cutInLength).next(), RangeError);
});

Deno.test("batch: records to live and stopped actors of another node, many a batch, each in order", async () => {
  await using server = await startNatsServer();
  const lost: DeadLetter[] = [];
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "batch" } });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: "batch" },
    onDeadLetter: (d) => lost.push(d),
  });
  await Promise.all([here.joined, there.joined]);
  const first = there.spawnWith(Probe, { mailboxCapacity: 1 << 16 });
  const second = there.spawnWith(Probe, { mailboxCapacity: 1 << 16 });
  const gone = there.spawn(Probe);
  await there.register("first", first);
  await there.register("second", second);
  await there.register("gone", gone);
  const [farFirst, farSecond, farGone] = await Promise.all(
    ["first", "second", "gone"].map((name) => here.lookup<unknown>(name)),
  );
  await new Bridge(there).stop([gone]);
  using bridge = new Bridge(here);
  const count = 3_000;
  // Sent in one turn: they leave in a few batches, each with records for all three targets.
  for (let i = 0; i < count; i++) {
    farFirst.send(i);
    farGone.send(`lost ${i}`);
    farSecond.send(count + i);
  }
  for (const [far, offset] of [[farFirst, 0], [farSecond, count]] as const) {
    let log: unknown[] = [];
    await eventually(async () => {
      log = await bridge.call(far, "dump", { timeout: 20_000 }) as unknown[];
      return log.length >= count;
    }, "every message arrived");
    assert.deepEqual(log, Array.from({ length: count }, (_, i) => offset + i));
  }
  await eventually(() => lost.length >= count, "every message to the stopped actor reported");
  assert.deepEqual(
    lost.map((d) => [d.kind, d.message]),
    Array.from({ length: count }, (_, i) => ["stopped", `lost ${i}`]),
    "dead letters with their messages, in order",
  );
});

Deno.test("batch: a record in pieces among small ones keeps its place in its sender's order", async () => {
  await using server = await startNatsServer();
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "pieces" } });
  await using there = new ActorSystem({ cluster: { servers: server.url, name: "pieces" } });
  await Promise.all([here.joined, there.joined]);
  await there.register("log", there.spawnWith(Probe, { mailboxCapacity: 1 << 22 }));
  const far = await here.lookup<unknown>("log");
  using bridge = new Bridge(here);
  const big = new Uint8Array(700 * 1024 + 3).map((_, i) => (i * 7) & 0xff);
  for (let i = 0; i < 100; i++) far.send(i);
  far.send(big);
  for (let i = 100; i < 200; i++) far.send(i);
  far.send(big);
  far.send("end");
  let log: unknown[] = [];
  await eventually(async () => {
    log = await bridge.call(far, "dump", { timeout: 20_000 }) as unknown[];
    return log.length >= 203;
  }, "every message arrived");
  assert.equal(log.length, 203);
  for (const at of [100, 201]) {
    const got = log[at] as Uint8Array;
    assert.ok(got instanceof Uint8Array && got.length === big.length, `a whole record at ${at}`);
    assert.ok(got.every((byte, i) => byte === big[i]), "every byte");
  }
  const small = log.filter((m) => !(m instanceof Uint8Array));
  assert.deepEqual(small, [...Array.from({ length: 200 }, (_, i) => i), "end"]);
});

Deno.test("batch: records from another node that wait for room and expire are reported with their messages", async () => {
  await using server = await startNatsServer();
  const lost: DeadLetter[] = [];
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "expire" } });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: "expire" },
    onDeadLetter: (d) => lost.push(d),
    sendTimeout: 200,
  });
  await Promise.all([here.joined, there.joined]);
  await there.register("slow", there.spawnWith(Grinder, { mailboxCapacity: 1024 }));
  const far = await here.lookup<number | string>("slow");
  far.send(1_500); // busy: its small mailbox fills, the rest waits on the other node's thread
  for (let i = 0; i < 300; i++) far.send(`note ${i}`);
  await eventually(() => lost.length > 0, "some waited too long");
  assert.ok(lost.every((d) => d.kind === "mailbox-full"), lost.map((d) => d.kind).join());
  const notes = lost.map((d) => d.message as string);
  assert.ok(notes.every((m) => /^note \d+$/.test(m)), `decoded for the report: ${notes[0]}`);
  const numbers = notes.map((m) => Number(m.slice(5)));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), "in the order sent");
});

/**
 * A node with a probe, and a raw NATS connection that plays another node sending it batches made
 * by hand: `record(message)` is a record for the probe, `subject` where its batches go,
 * `logOf(count)` what the probe got once it has `count` messages, `lost` the node's dead letters.
 * The nodes played answer pings unless `answerPings` is false.
 */
async function handMadeLink(server: NatsServer, cluster: string, answerPings = true) {
  const lost: DeadLetter[] = [];
  const there = new ActorSystem({
    cluster: { servers: server.url, name: cluster },
    onDeadLetter: (d) => lost.push(d),
  });
  await there.joined;
  const probe = there.spawnWith(Probe, { mailboxCapacity: 1 << 16 });
  await there.started(probe);
  const courier = internalsOf(there).bridgeHost.courier;
  const nc = await connect({ servers: server.url });
  const subject = `ringmail.${cluster}.${there.node}`;
  if (answerPings) {
    // The nodes made by hand answer the real node's pings, as a node does (one that answers
    // none is found down at once, and what it sends after that is refused).
    nc.subscribe(`ringmail.${cluster}.*.ping`, {
      callback: (_, msg) => {
        if (msg.subject !== `${subject}.ping`) msg.respond(writePingAnswer(0));
      },
    });
    await nc.flush();
  }
  const bridge = new Bridge(there);
  return {
    there,
    lost,
    nc,
    subject,
    record: (message: unknown) => courier.encode(probe, message, null),
    logOf: (count: number) => probeLog(bridge, probe, count),
    async [Symbol.asyncDispose]() {
      bridge.close();
      await nc.close();
      await there.shutdown();
    },
  };
}

Deno.test("batch: after a lost batch, the tail of a record cut by the gap is not taken for a record, and the gap is reported", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "tails");
  // A node that sends three batches by hand; NATS loses the second. The first ends with the
  // start of a record, the lost one goes on with it, and the third begins with its tail: bytes
  // that, read as a record of their own, would be a message to the probe.
  const from = 0x5eed;
  const start = new Uint8Array(40).fill(0xab);
  const tail = t.record("a tail taken for a record");
  const first = new BatchWriter(from);
  first.add(...whole(t.record("before the gap")));
  first.add(start, 0, start.length, true);
  const lostBatch = new BatchWriter(from);
  lostBatch.add(start, 0, start.length, true, true);
  const third = new BatchWriter(from);
  third.add(tail, 0, tail.length, false, true);
  third.add(...whole(t.record("after the gap")));
  const firstCredit = first.credit;
  const lostCredit = lostBatch.credit;
  t.nc.publish(t.subject, first.take({ sequence: 0 }));
  lostBatch.take({ sequence: 2, begun: 2, credit: firstCredit }); // never published
  t.nc.publish(t.subject, third.take({ sequence: 3, begun: 2, credit: firstCredit + lostCredit }));
  assert.deepEqual(await t.logOf(2), ["before the gap", "after the gap"]);
  await eventually(() => t.lost.length > 0, "the gap is reported");
  assert.deepEqual(t.lost.map((d) => [d.kind, d.count]), [["lost-in-transit", 1]]);
});

Deno.test("batch: a node found down is refused: its later batches are one counted dead letter, never delivered, and its pings are answered that it was found down", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "found-down", false);
  // A node that sends by hand and answers no ping: the node it sends to watches it, and finds it
  // down at once (nobody answers for it).
  const from = 0xd0e5;
  const first = new BatchWriter(from);
  first.add(...whole(t.record("before it was found down")));
  t.nc.publish(t.subject, first.take({ sequence: 0 }));
  assert.deepEqual(await t.logOf(1), ["before it was found down"]);
  await eventually(async () => {
    const links = (await t.there.clusterStatus()).links;
    return links.some((link) => link.node === from && !link.up);
  }, "the sending node is found down");
  // It comes back (it was frozen, say): what it sends is refused, counted in messages.
  const later = new BatchWriter(from);
  later.add(...whole(t.record("a")));
  later.add(...whole(t.record("b")));
  t.nc.publish(t.subject, later.take({ sequence: 1, begun: 1, credit: first.credit }));
  await eventually(() => t.lost.length > 0, "its batch is refused");
  assert.deepEqual(t.lost.map((d) => [d.kind, d.count]), [["node-down", 2]]);
  assert.match(t.lost[0].reason, /found node \d+ down/);
  const answer = await t.nc.request(
    `${t.subject}.ping`,
    pingOf(from, { sequence: 3, begun: 3, credit: first.credit + later.credit }),
    { timeout: 5_000 },
  );
  assert.deepEqual([...answer.data], [...FOUND_DOWN_ANSWER], "its ping is answered so");
  assert.deepEqual(await t.logOf(1), ["before it was found down"], "nothing more was delivered");
});

Deno.test("batch: a record a node had begun sending when it was found down is counted, once, and its pieces let go", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "cut-by-down", false);
  // A node that sends the first piece of a record, then answers no ping: found down at once,
  // the rest will never come.
  const from = 0xc0de;
  const x = t.record("x".repeat(300));
  const first = new BatchWriter(from);
  first.add(...whole(t.record("whole")));
  first.add(x, 0, 100, true);
  t.nc.publish(t.subject, first.take({ sequence: 0 }));
  assert.deepEqual(await t.logOf(1), ["whole"]);
  await eventually(() => t.lost.length > 0, "the record begun is counted", 5_000);
  assert.deepEqual(t.lost.map((d) => [d.kind, d.count]), [["lost-in-transit", 1]]);
});

Deno.test("batch: a node whose ping is answered that it was found down finds the other node down too", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "told-down", false);
  // A node that found this one down: it answers its pings so.
  const other = 0xd0e6;
  const answers = t.nc.subscribe(`ringmail.told-down.${other}.ping`, {
    callback: (_, msg) => {
      msg.respond(FOUND_DOWN_ANSWER);
    },
  });
  await t.nc.flush();
  // A batch from it makes this node watch it (ping it).
  const batch = new BatchWriter(other);
  batch.add(...whole(t.record("from the other node")));
  t.nc.publish(t.subject, batch.take({ sequence: 0 }));
  await eventually(async () => {
    const links = (await t.there.clusterStatus()).links;
    return links.some((link) => link.node === other && !link.up);
  }, "the other node is found down");
  const link = (await t.there.clusterStatus()).links.find((link) => link.node === other)!;
  assert.match(link.reason, /found this node down/);
  answers.unsubscribe();
});

/** What a node's ping says it has sent (see BatchReceiver.sentSoFar), made by hand. */
function pingOf(
  from: number,
  head: { sequence: number; begun: number; credit: number },
  midRecord = false,
): Uint8Array {
  return writeSentSoFar({ from, ...head, midRecord });
}

/** Whether `a` and `b` are equal strings, or Uint8Arrays of equal bytes. */
function sameValue(a: unknown, b: unknown): boolean {
  if (!(a instanceof Uint8Array && b instanceof Uint8Array)) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** A record as the arguments of BatchWriter.add: the whole of it. */
function whole(record: Uint8Array): [Uint8Array, number, number] {
  return [record, 0, record.length];
}

/** What `probe` got, once it has `count` messages (bounded). */
async function probeLog(
  bridge: Bridge,
  probe: ActorRef<unknown>,
  count: number,
): Promise<unknown[]> {
  let log: unknown[] = [];
  await eventually(async () => {
    log = await bridge.call(probe, "dump", { timeout: 5_000 }) as unknown[];
    return log.length >= count;
  }, `${count} messages arrived`);
  return log;
}

/**
 * Two nodes of a cluster on `server`, each with its dead letters, and a probe on the second
 * (with a mailbox of `probeCapacity` bytes), named "probe"; `downAfterMs` for both, if given.
 */
async function pairOfNodes(
  server: NatsServer,
  cluster: string,
  probeCapacity = 1 << 16,
  downAfterMs?: number,
) {
  const lostHere: DeadLetter[] = [];
  const lostThere: DeadLetter[] = [];
  const here = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs },
    onDeadLetter: (d) => lostHere.push(d),
  });
  const there = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs },
    onDeadLetter: (d) => lostThere.push(d),
  });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawnWith(Probe, { mailboxCapacity: probeCapacity }));
  const far = await here.lookup<unknown>("probe");
  const bridge = new Bridge(here);
  return {
    here,
    there,
    far,
    bridge,
    lostHere,
    lostThere,
    /** Batches to the other node: the subject they are published on. */
    subject: `ringmail.${cluster}.${there.node}`,
    /** What the probe got, once it has `count` messages (bounded). */
    logOf: (count: number) => probeLog(bridge, far, count),
    async [Symbol.asyncDispose]() {
      bridge.close();
      await here.shutdown();
      await there.shutdown();
    },
  };
}

/**
 * Kills `server` and resolves once `here` knows its connection is lost; from the kill until
 * `restart()` has brought the server back, counts what this process publishes on `subject`
 * (`published()`). Disposing stops counting.
 */
async function outage(server: NatsServer, here: ActorSystem, subject: string) {
  let counting = false;
  let published = 0;
  // Refuses nothing: only counts.
  const undo = await refusePublishes(server.url, (to) => {
    if (counting && to === subject) published++;
    return false;
  });
  try {
    server.kill("SIGKILL");
    await server.exited;
    counting = true;
    await eventually(async () => !(await here.clusterStatus()).connected, "this node is cut off");
  } catch (error) {
    undo();
    throw error;
  }
  return {
    published: () => published,
    async restart() {
      await server.restart();
      counting = false;
    },
    [Symbol.dispose]: undo,
  };
}

Deno.test("batch: a record whose first piece the NATS client refuses is reported once, whole, by its sender (never as its tail), and what follows arrives", async () => {
  await using server = await startNatsServer();
  await using t = await pairOfNodes(server, "refused");
  const { here, far, bridge, lostHere, lostThere } = t;
  // A record that goes in two pieces (256 KiB, then a tail also too large for the server), whose
  // tail is, byte for byte, a record of its own: read as one, it names an actor and a message.
  const courier = internalsOf(here).bridgeHost.courier;
  const tail = courier.encode(here.spawn(Probe), new Uint8Array(80 * 1024).fill(7), null);
  const piece = 256 * 1024;
  let payload = new Uint8Array(piece + tail.length);
  for (;;) {
    const head = courier.encode(far, payload, null).length - payload.length;
    const fitted = new Uint8Array(piece + tail.length - head);
    if (fitted.length === payload.length) break;
    payload = fitted;
  }
  const head = courier.encode(far, payload, null).length - payload.length;
  payload.set(tail, piece - head);
  // Each piece of the record goes in a batch larger than the client now sends.
  const undo = await refusePublishes(
    server.url,
    (to, data) => to === t.subject && data.length > 64 * 1024,
  );
  try {
    far.send(payload);
    far.send("after");
    // Its first piece was refused by the time a call goes: the call's batch is small.
    await bridge.call(here.spawn(Probe), "dump", { timeout: 5_000 });
  } finally {
    undo();
  }
  // Large values described, not diffed: node:assert's diff of a 336 KiB array took 24 GB.
  const described = (await t.logOf(1)).map((m) =>
    m instanceof Uint8Array ? `Uint8Array(${m.length})` : m
  );
  assert.deepEqual(described, ["after"]);
  // Nothing of it went: its sender reports it, whole, once; its tail is no record of its own,
  // and the other node, which saw none of it, has nothing to count.
  // (Kinds and sizes only: a failure's diff of 336 KiB would take minutes.)
  assert.deepEqual(lostHere.map((d) => d.kind), ["lost-in-transit"]);
  assert.ok(sameValue(lostHere[0].message, payload), "the report has the message");
  assert.ok(lostHere[0].target?.equals(far), "and its target");
  assert.deepEqual(lostThere.map((d) => d.kind), []);
});

Deno.test("batch: records to a node first sent to while this node's connection is lost wait for that node's answer: none goes into the outage, and all arrive in order", async () => {
  await using server = await startNatsServer();
  // Long enough not to down the other node while the server is gone.
  await using t = await pairOfNodes(server, "first-offline", 1 << 16, 20_000);
  const { here, far, lostHere, lostThere } = t;
  using cut = await outage(server, here, t.subject);
  // This node has sent the other nothing yet: it is no peer of this node's when the connection
  // goes. What is published now waits in the client, to be flushed at the reconnect, when the
  // other node may not have subscribed again yet.
  const COUNT = 50;
  for (let i = 0; i < COUNT; i++) far.send(i);
  const waiting = async () => (await here.clusterStatus()).links[0]?.waitingForCredit ?? 0;
  await eventually(
    async () => cut.published() > 0 || await waiting() === COUNT,
    "the outbox is drained",
  );
  assert.equal(cut.published(), 0, "no batch goes into the outage");
  await cut.restart();
  assert.deepEqual(await t.logOf(COUNT), Array.from({ length: COUNT }, (_, i) => i));
  assert.deepEqual(lostHere.map((d) => d.kind), []);
  assert.deepEqual(lostThere.map((d) => d.kind), []);
});

Deno.test("control: a watch of an actor of another node made while this node's connection is lost waits for that node's answer, and its end is heard", async () => {
  await using server = await startNatsServer();
  await using t = await pairOfNodes(server, "watch-offline", 1 << 16, 20_000);
  const { here, far, bridge } = t;
  // The control messages: a watch lost in the outage would never hear of the end.
  using cut = await outage(server, here, `${t.subject}.ctl`);
  const end = bridge.whenTerminated(far);
  end.catch(() => {}); // rejected by the Bridge's close if the test fails before it is awaited
  // The watch goes through this node's guardian: it has been asked for once the other node is
  // watched (a ping is due).
  await eventually(
    async () => (await here.clusterStatus()).links.length > 0,
    "the other node is watched",
  );
  assert.equal(cut.published(), 0, "no control message goes into the outage");
  await cut.restart();
  // Once the other node has answered (the watch goes then), the actor stops: its end comes back.
  await eventually(async () => {
    const links = (await here.clusterStatus()).links;
    return links.some((link) => link.up && link.roundTripMs >= 0);
  }, "the other node answers this one");
  far.send(new Stop());
  const ended = await withDeadline(end, 10_000);
  assert.notEqual(ended, "timeout", "the end was heard within 10 s");
  assert.equal(ended === "timeout" ? "" : ended.kind, "stopped");
});

Deno.test("liveness: a node found down while this node's connection was lost says so: the reason names the lost connection, not the other node", async () => {
  await using server = await startNatsServer();
  await using t = await pairOfNodes(server, "cut-off-reason", 1 << 16, 300);
  const { here, far, bridge } = t;
  assert.equal(await bridge.call(far, "dump", { timeout: 5_000 }) instanceof Array, true);
  server.kill("SIGKILL");
  await server.exited;
  await eventually(async () => {
    const links = (await here.clusterStatus()).links;
    return links.some((link) => !link.up);
  }, "the other node is found down");
  const link = (await here.clusterStatus()).links.find((link) => !link.up)!;
  assert.match(link.reason, /this node's connection to the NATS server/);
});

Deno.test("batch: a server with a small max_payload gets pieces and batches that fit it: a large message and a burst arrive whole, in order", async () => {
  // Smaller than a piece of a large record (256 KiB) and than a full batch (60 KiB).
  await using server = await startNatsServer({ maxPayload: 16 * 1024 });
  await using t = await pairOfNodes(server, "small", 1 << 20);
  const { far, lostHere, lostThere } = t;
  const large = new Uint8Array(100 * 1024).map((_, i) => i * 7);
  far.send(large);
  // One turn's burst: ~200 KiB for one drain of the outbox.
  const burst = Array.from({ length: 400 }, (_, i) => new Uint8Array(512).fill(i));
  for (const message of burst) far.send(message);
  far.send("last");
  // The reply is larger than the server's max_payload too: it comes back in pieces.
  const log = await t.logOf(burst.length + 2);
  // Compared message by message: a failure's diff of ~300 KiB of bytes would take minutes.
  const expected = [large, ...burst, "last"];
  assert.equal(log.length, expected.length);
  expected.forEach((message, i) => {
    assert.ok(sameValue(log[i], message), `message ${i} arrived changed`);
  });
  assert.deepEqual(lostHere.map((d) => [d.kind, d.reason]), []);
  assert.deepEqual(lostThere.map((d) => [d.kind, d.reason]), []);
});

Deno.test("batch: a record the NATS client refuses whole is reported once, by its sender: the other node sees no gap", async () => {
  await using server = await startNatsServer();
  await using t = await pairOfNodes(server, "refused-whole");
  const large = new Uint8Array(100 * 1024).fill(3);
  const undo = await refusePublishes(
    server.url,
    (to, data) => to === t.subject && data.length > 64 * 1024,
  );
  try {
    t.far.send(large);
    await t.bridge.call(t.here.spawn(Probe), "dump", { timeout: 5_000 }); // its drain is over
  } finally {
    undo();
  }
  t.far.send("after");
  assert.deepEqual(await t.logOf(1), ["after"]);
  assert.deepEqual(t.lostHere.map((d) => d.kind), ["lost-in-transit"]);
  assert.ok(sameValue(t.lostHere[0].message, large), "the report has the message");
  assert.deepEqual(t.lostThere.map((d) => d.kind), [], "not counted twice");
});

/**
 * Sends the other node of `t` a message in three pieces of 256 KiB, the second of which the NATS
 * client refuses (the third is never sent), and waits until the sender's drain is over.
 */
async function sendCutAtSecondPiece(
  server: NatsServer,
  t: Awaited<ReturnType<typeof pairOfNodes>>,
): Promise<void> {
  const large = new Uint8Array(700 * 1024).fill(5);
  let pieces = 0;
  const undo = await refusePublishes(
    server.url,
    (to, data) => to === t.subject && data.length > 64 * 1024 && ++pieces === 2,
  );
  try {
    t.far.send(large);
    await t.bridge.call(t.here.spawn(Probe), "dump", { timeout: 5_000 }); // its drain is over
  } finally {
    undo();
  }
}

Deno.test("batch: a record whose later piece the NATS client refuses is counted once, by the other node, and what follows is not taken for its rest", async () => {
  await using server = await startNatsServer();
  await using t = await pairOfNodes(server, "refused-later");
  await sendCutAtSecondPiece(server, t);
  t.far.send("after");
  assert.deepEqual(await t.logOf(1), ["after"]);
  assert.deepEqual(t.lostHere.map((d) => d.kind), [], "the other node has a piece: its to report");
  assert.deepEqual(t.lostThere.map((d) => [d.kind, d.count]), [["lost-in-transit", 1]]);
});

Deno.test("batch: a record whose later piece the NATS client refuses, with nothing sent after it, is counted by the other node at the sender's next ping", async () => {
  await using server = await startNatsServer();
  await using t = await pairOfNodes(server, "refused-last");
  // As above, but nothing follows: only the sender's ping can tell the other node that the
  // record it has pieces of was given up.
  await sendCutAtSecondPiece(server, t);
  await eventually(() => t.lostThere.length > 0, "the record given up is counted", 5_000);
  assert.deepEqual(t.lostHere.map((d) => d.kind), [], "the other node has a piece: its to report");
  assert.deepEqual(t.lostThere.map((d) => [d.kind, d.count]), [["lost-in-transit", 1]]);
});

Deno.test("batch: a gap that takes pieces of one record and a whole other is counted as two messages, not as its entries", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "gap-count");
  // A record X in three pieces; the batches with its second and third, and a whole record B
  // after it, are lost: three entries, two messages.
  const from = 0x6a9;
  const x = t.record("x".repeat(300));
  const batches = [new BatchWriter(from), new BatchWriter(from), new BatchWriter(from)];
  const fourth = new BatchWriter(from);
  batches[0].add(...whole(t.record("A")));
  batches[0].add(x, 0, 100, true);
  batches[1].add(x, 100, 200, true, true);
  batches[2].add(x, 200, x.length, false, true);
  batches[2].add(...whole(t.record("B")));
  fourth.add(...whole(t.record("C")));
  const heads: { sequence: number; begun: number; credit: number }[] = [];
  let sequence = 0, begun = 0, credit = 0;
  for (const batch of [...batches, fourth]) {
    heads.push({ sequence, begun, credit });
    sequence += batch.count;
    begun += batch.begun;
    credit += batch.credit;
  }
  t.nc.publish(t.subject, batches[0].take(heads[0]));
  t.nc.publish(t.subject, fourth.take(heads[3])); // the two between are lost
  assert.deepEqual(await t.logOf(2), ["A", "C"]);
  await eventually(() => t.lost.length > 0, "the gap is reported");
  assert.deepEqual(t.lost.map((d) => [d.kind, d.count]), [["lost-in-transit", 2]]);
});

Deno.test("batch: the last batch lost, with none after it, is counted at the sender's next ping, once", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "tail-loss");
  const from = 0x7a11;
  const first = new BatchWriter(from);
  first.add(...whole(t.record("before")));
  const lostBatch = new BatchWriter(from);
  lostBatch.add(...whole(t.record("lost 1")));
  lostBatch.add(...whole(t.record("lost 2")));
  const last = new BatchWriter(from);
  last.add(...whole(t.record("after")));
  const heads = [
    { sequence: 0, begun: 0, credit: 0 },
    { sequence: 1, begun: 1, credit: first.credit },
    { sequence: 3, begun: 3, credit: first.credit + lostBatch.credit },
  ];
  t.nc.publish(t.subject, first.take(heads[0]));
  lostBatch.take(heads[1]); // never published, and nothing follows it
  await t.nc.request(`${t.subject}.ping`, pingOf(from, heads[2]), { timeout: 5_000 });
  await eventually(() => t.lost.length > 0, "the loss is reported");
  assert.deepEqual(t.lost.map((d) => [d.kind, d.count]), [["lost-in-transit", 2]]);
  // Later traffic does not count it again; an older ping changes nothing.
  t.nc.publish(t.subject, last.take(heads[2]));
  await t.nc.request(`${t.subject}.ping`, pingOf(from, heads[1]), { timeout: 5_000 });
  assert.deepEqual(await t.logOf(2), ["before", "after"]);
  assert.equal(t.lost.length, 1, "counted once");
});

Deno.test("batch: a record its sender gave up after some pieces, with nothing after it, is counted at the sender's next ping", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "given-up");
  const x = t.record("x".repeat(300));
  const from = 0x91f;
  const first = new BatchWriter(from);
  first.add(x, 0, 100, true);
  const after = { sequence: 1, begun: 1, credit: first.credit };
  t.nc.publish(t.subject, first.take({ sequence: 0 }));
  // Still sending it: nothing is lost.
  await t.nc.request(`${t.subject}.ping`, pingOf(from, after, true), { timeout: 5_000 });
  assert.equal(t.lost.length, 0);
  // Given up (its next piece was refused): the record is counted, once.
  await t.nc.request(`${t.subject}.ping`, pingOf(from, after, false), { timeout: 5_000 });
  await t.nc.request(`${t.subject}.ping`, pingOf(from, after, false), { timeout: 5_000 });
  assert.deepEqual(t.lost.map((d) => [d.kind, d.count]), [["lost-in-transit", 1]]);
});

Deno.test("batch: sequence numbers and records begun wrap at 2^32: gaps across the wrap are counted, in messages, and what comes is taken", async () => {
  await using server = await startNatsServer();
  await using t = await handMadeLink(server, "wrap");
  const from = 0x3a7;
  // Three batches of one record each, far apart: each gap is less than half the range, the
  // last one across 2^32.
  const heads = [0x7fff_fff0, 0xffff_ffe0, 0x0000_0010].map((n) => ({
    sequence: n,
    begun: n,
    credit: 0,
  }));
  const batches = ["one", "two", "three"].map((message) => {
    const batch = new BatchWriter(from);
    batch.add(...whole(t.record(message)));
    return batch;
  });
  batches.forEach((batch, i) => t.nc.publish(t.subject, batch.take(heads[i])));
  assert.deepEqual(await t.logOf(3), ["one", "two", "three"]);
  await eventually(() => t.lost.length >= 3, "the gaps are reported");
  assert.deepEqual(t.lost.map((d) => d.count), [
    0x7fff_fff0,
    0xffff_ffe0 - 0x7fff_fff0 - 1,
    0x10 + 2 ** 32 - 0xffff_ffe0 - 1,
  ]);
});
