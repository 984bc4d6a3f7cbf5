/** Credit between nodes (src/remote/credits.ts), its rules on their own, then a flood across two nodes. */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import {
  type ActorRef,
  ActorSystem,
  type ActorSystemOptions,
  Bridge,
  type DeadLetter,
} from "../../mod.ts";
import {
  CREDIT_WINDOW,
  creditOf,
  Credits,
  GRANT_AT,
  Grants,
  MAX_WAITING_BYTES,
  RECORD_CREDIT,
} from "../../src/remote/credits.ts";
import { Echo } from "../_actors/basic.ts";
import { Probe } from "../_actors/supervision.ts";
import { Grinder } from "../_actors/busy.ts";
import { eventually } from "../_system.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { startNatsServer } from "./_nats_server.ts";

/** Keeps `record` for `node`. */
function keep(credits: Credits, node: number, record: Uint8Array): void {
  credits.keep(node, record, 0, record.length);
}

/** What `node`'s grant of `total` lets go: a copy of each record, oldest first. */
function grant(credits: Credits, node: number, total: number): Uint8Array[] {
  const ready: Uint8Array[] = [];
  const count = credits.grant(node, total, (from, bytes, start, end) => {
    assert.equal(from, node, "the record goes to the node that granted");
    ready.push(bytes.slice(start, end));
  });
  assert.equal(count, ready.length, "it says how many went");
  return ready;
}

/** Two nodes of the cluster `name` at `url`, both made with `options`; the dead letters of both. */
async function twoNodes(url: string, name: string, options: ActorSystemOptions = {}) {
  const lost: DeadLetter[] = [];
  const node = () =>
    new ActorSystem({
      cluster: { servers: url, name },
      onDeadLetter: (d) => lost.push(d),
      ...options,
    });
  const here = node();
  const there = node();
  await Promise.all([here.joined, there.joined]);
  return {
    here,
    there,
    lost,
    async [Symbol.asyncDispose]() {
      await Promise.all([here.shutdown(), there.shutdown()]);
    },
  };
}

Deno.test("credits: a node's window is spent, records wait in order, a grant lets them go", () => {
  const credits = new Credits();
  const quarter = CREDIT_WINDOW / 4 - RECORD_CREDIT; // a record that spends a quarter of it
  for (let i = 0; i < 4; i++) assert.ok(credits.take(7, quarter), `record ${i}`);
  assert.ok(!credits.take(7, 0), "out of credit");
  assert.ok(credits.take(8, quarter), "another node has its own window");
  keep(credits, 7, new Uint8Array([1]));
  keep(credits, 7, new Uint8Array([2]));
  keep(credits, 7, new Uint8Array([3]));
  assert.deepEqual(
    grant(credits, 7, 2 * (1 + RECORD_CREDIT)).map((r) => r[0]),
    [1, 2],
    "the credit of two records: the oldest two go",
  );
  assert.ok(!credits.take(7, 0), "one still waits: a new record goes behind it");
  assert.deepEqual(grant(credits, 7, 5 * (1 + RECORD_CREDIT)).map((r) => r[0]), [3]);
  assert.ok(credits.take(7, 0), "then credit is left");
  keep(credits, 9, new Uint8Array(MAX_WAITING_BYTES));
  assert.ok(credits.full, "too much waits: the outbox is no longer read");
  assert.equal(credits.drop(9).length, 1, "a node that is down gives its records back");
  assert.ok(!credits.full);
});

Deno.test("credits: the window is in bytes, so a record larger than the credit left goes, and then nothing", () => {
  const credits = new Credits();
  credits.spend(7, CREDIT_WINDOW - 40);
  assert.ok(credits.take(7, 1 << 20), "a record larger than what is left still goes, alone");
  assert.equal(credits.available(7), 0);
  assert.ok(!credits.take(7, 0), "then even an empty one waits");
  // 2 MiB of records that wait: the grant of a window lets the window go, and no more.
  for (let i = 0; i < 8; i++) keep(credits, 7, new Uint8Array(256 * 1024).fill(i));
  const overdrawn = (1 << 20) + RECORD_CREDIT - 40;
  const letGo = grant(credits, 7, overdrawn + 2 * (256 * 1024 + RECORD_CREDIT));
  assert.deepEqual(letGo.map((r) => r[0]), [0, 1], "the credit of two of them");
  assert.equal(credits.waiting(7), 6);
});

Deno.test("credits: kept records are copies, whole and in order, through partial grants and a drop", () => {
  const credits = new Credits();
  credits.spend(7, CREDIT_WINDOW);
  // Records of 1 to 300 bytes, each filled with its number, kept from one reused source buffer:
  // the buffer they wait in grows and moves while grants let the oldest go.
  const source = new Uint8Array(400);
  let kept = 0;
  let next = 0;
  let granted = 0;
  const keepMore = (count: number) => {
    for (let i = 0; i < count; i++, kept++) {
      const length = 1 + (kept * 37) % 300;
      source.fill(kept & 0xff, 50, 50 + length);
      credits.keep(7, source, 50, 50 + length);
      source.fill(0xee); // what was kept is a copy
    }
  };
  const check = (records: Uint8Array[]) => {
    for (const record of records) {
      assert.equal(record.length, 1 + (next * 37) % 300, `record ${next}'s length`);
      assert.ok(record.every((byte) => byte === (next & 0xff)), `record ${next}'s bytes`);
      next++;
    }
  };
  for (let round = 0; round < 20; round++) {
    keepMore(50);
    granted += 30 * 200;
    check(grant(credits, 7, granted));
    assert.equal(credits.waiting(7), kept - next);
  }
  const dropped = credits.drop(7);
  assert.equal(dropped.length, kept - next, "a node that is down gives back every waiting record");
  check(dropped);
  assert.equal(next, kept);
  assert.equal(credits.waiting(7), 0);
});

Deno.test("credits: a record whose sending throws during a grant is gone, the rest wait whole, and the grant wakes", async () => {
  const credits = new Credits();
  credits.spend(7, CREDIT_WINDOW);
  for (const value of [1, 2, 3]) keep(credits, 7, new Uint8Array([value, value]));
  const woken = credits.granted();
  const sent: number[] = [];
  const each = 2 + RECORD_CREDIT;
  assert.throws(
    () =>
      credits.grant(7, 2 * each, (_node, bytes, start) => {
        if (bytes[start] === 2) throw new Error("publish failed");
        sent.push(bytes[start]);
      }),
    /publish failed/,
  );
  assert.deepEqual(sent, [1]);
  await woken; // a pump waiting for credit goes on
  assert.equal(credits.waiting(7), 1, "the record it threw on is not kept again");
  assert.deepEqual(
    grant(credits, 7, 3 * each).map((r) => [...r]),
    [[3, 3]],
    "the next one, alone and whole",
  );
});

Deno.test("credits: a run of records asks once what may go and spends what it used", () => {
  const credits = new Credits();
  assert.equal(credits.available(7), CREDIT_WINDOW);
  credits.spend(7, CREDIT_WINDOW - 2 * RECORD_CREDIT);
  assert.equal(credits.available(7), 2 * RECORD_CREDIT);
  assert.ok(credits.take(7, 0));
  credits.spend(7, RECORD_CREDIT);
  assert.equal(credits.available(7), 0, "spent");
  keep(credits, 7, new Uint8Array([1]));
  assert.deepEqual(
    grant(credits, 7, 5 + 1 + RECORD_CREDIT).map((r) => r[0]),
    [1],
    "the kept one goes first",
  );
  assert.equal(credits.available(7), 5, "the rest of the grant");
  keep(credits, 9, new Uint8Array([2]));
  assert.equal(credits.available(9), 0, "nothing goes past a record that waits");
});

Deno.test("credits: a grant goes at once for a quarter of the window, a smaller one shortly after", async () => {
  const sent: [number, number][] = [];
  const grants = new Grants((node, count) => sent.push([node, count]));
  grants.handed(3, GRANT_AT - 1);
  grants.handed(5, 2);
  assert.deepEqual(sent, [], "too little to be worth a message yet");
  grants.handed(3, 1);
  assert.deepEqual(sent, [[3, GRANT_AT]], "a quarter of the window: at once");
  await eventually(() => sent.length === 2, "the smaller grant goes by itself");
  assert.deepEqual(sent, [[3, GRANT_AT], [5, 2]]);
  grants.close();
});

Deno.test("credits: a grant says the total so far, so a lost one is made good by the next", () => {
  const credits = new Credits();
  assert.ok(credits.take(7, CREDIT_WINDOW - RECORD_CREDIT));
  assert.ok(!credits.take(7, 0));
  // The grant of total 100 was lost on the way; the one of total 320 still gives back all 320:
  // ten empty records.
  grant(credits, 7, 10 * RECORD_CREDIT);
  for (let i = 0; i < 10; i++) assert.ok(credits.take(7, 0), `record ${i} of 10`);
  assert.ok(!credits.take(7, 0));
  assert.deepEqual(grant(credits, 7, 100), [], "a total overtaken by a later one changes nothing");
  assert.ok(!credits.take(7, 0));

  const sent: [number, number][] = [];
  const grants = new Grants((node, total) => sent.push([node, total]));
  grants.handed(3, GRANT_AT);
  grants.handed(3, GRANT_AT);
  assert.deepEqual(sent, [[3, GRANT_AT], [3, 2 * GRANT_AT]], "totals, not increments");
  grants.close();
});

Deno.test("credits: what is owed rides with the next batch to its node, and is not granted again", async () => {
  const sent: [number, number][] = [];
  const grants = new Grants((node, total) => sent.push([node, total]));
  assert.equal(grants.riding(3), 0, "nothing granted yet: no news");
  grants.handed(3, 10);
  grants.handed(5, 2);
  assert.equal(grants.riding(3), 10, "the total, with what was owed");
  assert.equal(grants.riding(3), 10, "the same total again: nothing more is owed");
  await eventually(() => sent.length === 1, "the other node's grant goes by itself");
  assert.deepEqual(sent, [[5, 2]], "what rode in a batch is not sent again");
  grants.handed(3, GRANT_AT);
  assert.deepEqual(sent, [[5, 2], [3, 10 + GRANT_AT]], "a total after the one that rode");
  grants.close();
});

Deno.test("credits: calls back and forth between two nodes carry their grants in their batches", async () => {
  await using server = await startNatsServer();
  const cluster = "riding";
  await using here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await using there = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await Promise.all([here.joined, there.joined]);
  const nc = await connect({ servers: server.url });
  try {
    let grantMessages = 0;
    nc.subscribe(`ringmail.${cluster}.*.credit`, {
      callback: () => {
        grantMessages++;
      },
    });
    await nc.flush();
    await there.register("echo", there.spawn(Echo));
    const echo = await here.lookup<number>("echo");
    using bridge = new Bridge(here);
    const calls = 1_000;
    for (let i = 0; i < calls; i++) {
      assert.equal(await bridge.call(echo, i, { timeout: 5_000 }), i);
    }
    await nc.flush();
    // A grant by itself goes only when no batch went back for a while (a pause of the exchange,
    // and its end): a handful. One every few ms of the exchange, as before, was ~240 here.
    assert.ok(grantMessages < calls / 10, `${grantMessages} grant messages for ${calls} calls`);
  } finally {
    await nc.close();
  }
});

Deno.test("credits: nothing is granted once closed, and no timer is left behind", () => {
  const sent: [number, number][] = [];
  const grants = new Grants((node, total) => sent.push([node, total]));
  grants.close();
  grants.handed(3, 1); // would arm the timer of a small grant: the sanitizer would see it
  grants.handed(3, GRANT_AT);
  assert.deepEqual(sent, []);
});

Deno.test("credits: a flood at a slow actor of another node arrives whole and in order", async () => {
  await using server = await startNatsServer();
  await using nodes = await twoNodes(server.url, "flood", { sendTimeout: 60_000 });
  const { here, there, lost } = nodes;
  const slow = there.spawnWith(Grinder, { mailboxCapacity: 1024 });
  const probe = there.spawnWith(Probe, { mailboxCapacity: 1024 });
  await there.register("slow", slow);
  await there.register("probe", probe);
  const farSlow = await here.lookup<number>("slow");
  const farProbe = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  farSlow.send(300); // busy a while: its mailbox and the other node's thread fill up
  const count = 30_000;
  for (let i = 0; i < count; i++) farProbe.send(i);
  let log: unknown[] = [];
  await eventually(async () => {
    log = await bridge.call(farProbe, "dump", { timeout: 20_000 }) as unknown[];
    return log.length >= count;
  }, "every message arrived");
  assert.deepEqual(log, Array.from({ length: count }, (_, i) => i));
  assert.deepEqual(lost.map((d) => d.kind), [], "nothing lost on the way");
});

Deno.test("credits: a node whose own sends wait for room in one actor's mailbox still takes another node's flood to another actor", async () => {
  await using server = await startNatsServer();
  const lost: DeadLetter[] = [];
  await using here = new ActorSystem({
    cluster: { servers: server.url, name: "unrelated" },
    onDeadLetter: (d) => lost.push(d),
  });
  const there = new ActorSystem({
    cluster: { servers: server.url, name: "unrelated" },
    onDeadLetter: (d) => lost.push(d),
    sendTimeout: 60_000,
  });
  try {
    await Promise.all([here.joined, there.joined]);
    const stuck = there.spawnWith(Grinder, { mailboxCapacity: 1024 });
    const probe = there.spawn(Probe);
    await there.started(stuck);
    await there.register("probe", probe);
    const farProbe = await here.lookup<unknown>("probe");
    // The other node's own thread queues for a busy actor: its backlog outlasts the flood below.
    stuck.send(5_000);
    for (let i = 0; i < 200; i++) stuck.send(0);
    const thereCourier = internalsOf(there).bridgeHost.courier;
    assert.ok(thereCourier.backlogged > 0, "the other node's thread waits for room");
    // More than one credit window (each record spends RECORD_CREDIT and its bytes): it arrives
    // only if records that went straight into a mailbox are granted back while that unrelated
    // backlog waits.
    const count = CREDIT_WINDOW / RECORD_CREDIT + 4_000;
    for (let i = 0; i < count; i++) farProbe.send(i);
    using bridge = new Bridge(here);
    let log: unknown[] = [];
    await eventually(async () => {
      log = await bridge.call(farProbe, "dump", { timeout: 20_000 }) as unknown[];
      return log.length >= count || thereCourier.backlogged === 0;
    }, "the flood arrived, or the busy actor's backlog cleared");
    assert.equal(thereCourier.backlogged > 0, true, "the flood arrived while the backlog waited");
    assert.equal(log.length, count);
    assert.deepEqual(log, Array.from({ length: count }, (_, i) => i));
  } finally {
    // The busy actor is cut off: what waits for it is the shutdown's, not the flood's.
    await there.shutdown({ timeout: 0 });
  }
  assert.deepEqual(lost.filter((d) => d.kind !== "shutdown").map((d) => d.kind), []);
});

Deno.test("credits: a flood of large messages at a busy actor of another node keeps only a window's bytes on their way", async () => {
  await using server = await startNatsServer();
  await using nodes = await twoNodes(server.url, "large", { sendTimeout: 60_000 });
  const { here, there, lost } = nodes;
  // One Worker for both: while the grinder works, the probe reads nothing, its small ring fills,
  // and what comes for it waits in the other node's backlog, not yet granted back.
  const pool = there.createPool({ workers: 1 });
  const grinder = pool.spawn(Grinder);
  const probe = pool.spawnWith(Probe, { mailboxCapacity: 64 });
  await there.register("grinder", grinder);
  await there.register("probe", probe);
  const farGrinder = await here.lookup<number>("grinder");
  const farProbe = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  const size = 256 * 1024;
  const count = 100; // 25 MiB: several times the window
  farGrinder.send(1_500);
  for (let i = 0; i < count; i++) farProbe.send(new Uint8Array(size).fill(i));
  const link = async () => (await here.clusterStatus()).links.find((l) => l.node !== 0)!;
  await eventually(async () => (await link()).waitingForCredit > 0, "the window is spent");
  const { bytesSent } = await link();
  // The window, the few records the probe's ring took (granted as they entered it), one record
  // that may overshoot the window, and the batches' heads.
  const bound = CREDIT_WINDOW + 6 * size + 64 * 1024;
  assert.ok(bytesSent <= bound, `${bytesSent} bytes on their way, more than ${bound}`);
  let log: Uint8Array[] = [];
  await eventually(async () => {
    log = await bridge.call(farProbe, "dump", { timeout: 20_000 }) as Uint8Array[];
    return log.length >= count;
  }, "every message arrived");
  assert.deepEqual(
    log.map((m) => [m.length, m[0], m[size - 1]]),
    Array.from({ length: count }, (_, i) => [size, i, i]),
  );
  assert.deepEqual(lost.map((d) => d.kind), [], "nothing lost on the way");
});

Deno.test("credits: a message larger than the whole window crosses, and the messages after it follow in order", async () => {
  await using server = await startNatsServer();
  await using nodes = await twoNodes(server.url, "beyond");
  const { here, there, lost } = nodes;
  await there.register("probe", there.spawn(Probe));
  const far = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  const huge = new Uint8Array(CREDIT_WINDOW + CREDIT_WINDOW / 2).map((_, i) => (i * 7) & 0xff);
  // Twice over: the first huge one spends the window and more; what follows waits for its grant.
  for (let round = 0; round < 2; round++) {
    far.send(huge);
    for (let i = 0; i < 100; i++) far.send(round * 100 + i);
  }
  let log: unknown[] = [];
  await eventually(async () => {
    log = await bridge.call(far, "dump", { timeout: 20_000 }) as unknown[];
    return log.length >= 202;
  }, "everything arrived");
  const shape = log.map((m) => m instanceof Uint8Array ? `huge ${m.length}` : m);
  const expected = [0, 1].flatMap((round) => [
    `huge ${huge.length}`,
    ...Array.from({ length: 100 }, (_, i) => round * 100 + i),
  ]);
  assert.deepEqual(shape, expected);
  const first = log[0] as Uint8Array;
  assert.ok(first.every((byte, i) => byte === huge[i]), "every byte");
  assert.deepEqual(lost.map((d) => d.kind), []);
});

Deno.test("credits: records this node cannot take (larger than its largest message) are dead letters here, and their credit comes back", async () => {
  await using server = await startNatsServer();
  const lostThere: DeadLetter[] = [];
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "refused" } });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: "refused" },
    maxMessageBytes: 64 * 1024,
    onDeadLetter: (d) => lostThere.push(d),
  });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawn(Probe));
  const far = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  // More than a window of records the other node refuses: had their credit been kept, the
  // small messages after them would wait for it for good.
  const tooLarge = 24;
  const big = new Uint8Array(256 * 1024).fill(9);
  for (let i = 0; i < tooLarge; i++) {
    far.send(big);
    far.send(i);
  }
  let log: unknown[] = [];
  await eventually(async () => {
    log = await bridge.call(far, "dump", { timeout: 5_000 }) as unknown[];
    return log.length >= tooLarge;
  }, "the small messages arrived");
  assert.deepEqual(log, Array.from({ length: tooLarge }, (_, i) => i));
  await eventually(() => lostThere.length >= tooLarge, "each refused record is a dead letter");
  assert.deepEqual(
    lostThere.map((d) => [d.kind, (d.message as Uint8Array)?.length]),
    Array.from({ length: tooLarge }, () => ["lost-in-transit", big.length]),
  );
  assert.match(lostThere[0].reason, /could not take it: message of \d+ bytes is larger than/);
});

Deno.test("credits: a dead-letter listener that sends while a record of another node is dropped takes none of that node's credit", async () => {
  await using server = await startNatsServer();
  const cluster = "listener";
  let stuck: ActorRef<number | string> | null = null;
  await using here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: cluster },
    sendTimeout: 60_000,
    // A send from inside the drop of a record of another node, into a full mailbox: it waits
    // in this thread's backlog, and must not pass for the dropped record waiting there.
    onDeadLetter: (d) => {
      if (d.message instanceof Uint8Array) stuck?.send("from the listener");
    },
  });
  await Promise.all([here.joined, there.joined]);
  // Both in one Worker: while the dropper grinds, neither mailbox empties.
  const pool = there.createPool({ workers: 1 });
  const dropper = pool.spawnWith(Grinder, { whenFull: "drop", mailboxCapacity: 1024 });
  stuck = pool.spawnWith(Grinder, { mailboxCapacity: 1024 });
  const probe = there.spawn(Probe);
  await Promise.all([dropper, stuck, probe].map((ref) => there.started(ref)));
  await there.register("dropper", dropper);
  await there.register("probe", probe);
  const farDropper = await here.lookup<unknown>("dropper");
  const farProbe = await here.lookup<unknown>("probe");
  using bridge = new Bridge(here);
  dropper.send(3_000);
  for (let i = 0; i < 200; i++) {
    dropper.send("fill");
    stuck.send("fill");
  }
  // More than a window of records the other node drops: had their credit been kept, what
  // follows them would wait for it for good.
  const dropped = 6;
  for (let i = 0; i < dropped; i++) farDropper.send(new Uint8Array(1 << 20).fill(i));
  for (let i = 0; i < 10; i++) farProbe.send(i);
  let log: unknown[] = [];
  await eventually(
    async () => {
      log = await bridge.call(farProbe, "dump", { timeout: 2_000 }) as unknown[];
      return log.length >= 10;
    },
    "what follows the dropped records arrived",
    2_500,
  );
  assert.deepEqual(log, Array.from({ length: 10 }, (_, i) => i));
});

Deno.test("credits: credit refunded while waiting records go (their batch refused) is kept, and lets the next go", () => {
  const credits = new Credits();
  assert.ok(credits.take(7, CREDIT_WINDOW - RECORD_CREDIT), "the whole window spent");
  credits.keep(7, new Uint8Array(10), 0, 10);
  credits.keep(7, new Uint8Array(10), 0, 10);
  const sent: number[] = [];
  // Room for one; its batch is refused as it goes, and its credit comes back.
  const ready = credits.grant(7, creditOf(10), (node, _bytes, start, end) => {
    sent.push(end - start);
    credits.refund(node, creditOf(end - start));
  });
  assert.equal(ready, 2, "the refund let the second go too");
  assert.deepEqual(sent, [10, 10]);
  assert.equal(credits.available(7), creditOf(10), "nothing of the refunds was lost");
});

Deno.test("credits: a refund with records waiting lets them go at the next release", () => {
  const credits = new Credits();
  assert.ok(credits.take(7, CREDIT_WINDOW - RECORD_CREDIT));
  credits.keep(7, new Uint8Array(4), 0, 4);
  assert.equal(credits.release(7, () => assert.fail("no credit yet")), 0);
  credits.refund(7, creditOf(4));
  const sent: number[] = [];
  assert.equal(credits.release(7, (_node, _bytes, start, end) => sent.push(end - start)), 1);
  assert.deepEqual(sent, [4]);
  assert.equal(credits.waiting(7), 0);
});
