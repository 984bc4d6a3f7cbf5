/**
 * Sends between actors of one Worker skip the ring (local mail). These tests check they keep
 * every promise the ring keeps: order per sender (also across the switch from ring to local
 * mail when a child starts), private copies, Stop and dead letters, deadlines, codec errors at
 * the send, and a watcher hearing a neighbour's last words before its end.
 */
import assert from "node:assert/strict";
import { Stop, Stopped } from "../../mod.ts";
import { CodecError, MessageTooLargeError } from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { Flood, Flooder, OrderSink, Report } from "../_actors/behaviours.ts";
import {
  AsyncSelfFlooder,
  Ball,
  Box,
  FloodChild,
  Keeper,
  Letter,
  Listener,
  Neighbour,
  Parcel,
  Postcard,
  SelfFlooder,
  SendAll,
  SendAndChange,
  type SendFailure,
  SendNumbered,
  SendTrapped,
  SendUnreadable,
  Sorter,
  Unreadable,
  Volley,
} from "../_actors/local.ts";
import { eventually, testSystem } from "../_system.ts";

interface OrderReport {
  received: number;
  disorder: string[];
}

Deno.test("local mail: order per sender holds with a neighbour and a remote sender at once", async () => {
  await using t = testSystem();
  // Small mailboxes: the remote flood wraps and fills the sink's ring again and again.
  const pool = t.system.createPool({ workers: 2, mailboxCapacity: 256, batch: 8 });
  const sink = pool.spawn(OrderSink);
  const neighbour = pool.spawnWith(Neighbour, { near: sink });
  const remote = pool.spawn(Flooder); // round-robin: the other Worker
  await Promise.all([sink, neighbour, remote].map((ref) => t.system.started(ref)));
  const COUNT = 20_000;
  const [local, far] = await Promise.all([
    t.bridge.call(neighbour, new SendNumbered(sink, "neighbour", COUNT), { timeout: 30_000 }),
    t.bridge.call(remote, new Flood(sink, "remote", COUNT), { timeout: 30_000 }),
  ]);
  assert.deepEqual([local, far], ["sent", "sent"]);
  // "sent" means sent, not received: the neighbour's messages may still wait for room in a
  // backlog of its Worker (until the sink's ring was once empty, they go through it), and the
  // Bridge is another sender, whose Report may overtake them. So ask until all are in.
  let report: OrderReport = { received: 0, disorder: [] };
  await eventually(async () => {
    report = await t.bridge.call(sink, new Report(), { timeout: 30_000 }) as OrderReport;
    return report.received === 2 * COUNT || report.disorder.length > 0;
  }, "every message received");
  assert.deepEqual(report, { received: 2 * COUNT, disorder: [] });
});

Deno.test("local mail: messages sent to a child before and after it starts arrive in order", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1, mailboxCapacity: 256 });
  const parent = pool.spawn(Neighbour);
  // Near itself, or placed by the 1-Worker pool: either way on the parent's own thread, which
  // must not block on the child's full mailbox, since it is the thread that is to start it.
  for (const near of [true, false]) {
    for (const count of [1, 100, 5_000]) {
      const child = await t.bridge.call(parent, new FloodChild(count, near), { timeout: 30_000 });
      assert.ok(child !== null);
      const report = await t.bridge.call(parent, "report", { timeout: 30_000 }) as OrderReport;
      assert.deepEqual(report, { received: count, disorder: [] }, `${count} messages, ${near}`);
    }
  }
});

Deno.test("local mail: the receiver gets a copy, as the message was when sent", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const keeper = pool.spawn(Keeper);
  const neighbour = pool.spawnWith(Neighbour, { near: keeper });
  assert.equal(
    await t.bridge.call(neighbour, new SendAndChange(keeper), { timeout: 10_000 }),
    "sent",
  );
  const log = await t.bridge.call(keeper, "log", { timeout: 10_000 }) as unknown[];
  assert.deepEqual(log, [
    new Box(1, "before"),
    new Box(1, "before", [1, 2, 3]),
    { value: 1, list: [1] },
  ]);
  assert.ok(log[0] instanceof Box && log[1] instanceof Box);
});

Deno.test("local mail: a message that cannot be encoded fails at the send", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const neighbour = pool.spawn(Neighbour);
  assert.equal(await t.bridge.call(neighbour, "function", { timeout: 10_000 }), CodecError.name);
});

Deno.test("local mail: a Proxy whose traps throw fails the send as it does across Workers", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  const keeper = pool.spawn(Keeper);
  const near = pool.spawnWith(Neighbour, { near: keeper });
  const far = pool.spawn(Neighbour); // round-robin: the other Worker
  await Promise.all([keeper, near, far].map((ref) => t.system.started(ref)));
  // Once the keeper has emptied its ring, its Worker's sends to it skip the ring (local mail).
  assert.deepEqual(await t.bridge.call(keeper, "log", { timeout: 10_000 }), []);
  const traps = ["get", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf"];
  for (const trap of traps) {
    for (const kind of ["Box", "plain"] as const) {
      for (const nested of [false, true]) {
        const request = new SendTrapped(keeper, trap, kind, nested);
        const [local, remote] = await Promise.all([
          t.bridge.call(near, request, { timeout: 10_000 }),
          t.bridge.call(far, request, { timeout: 10_000 }),
        ]) as SendFailure[];
        const what = `${trap} on ${kind}${nested ? ", nested" : ""}`;
        assert.equal(local.error, CodecError.name, what);
        assert.ok(local.ringmail, what);
        assert.equal(local.cause, `TypeError: the ${trap} trap threw`, what);
        assert.match(local.path, nested ? /^message\.inner\[0\]/ : /^message/, what);
        // The same error, word for word, as a send to another Worker.
        assert.deepEqual(local, remote, what);
      }
    }
  }
  // Nothing was delivered, and no actor failed: the sends threw, the handlers caught them.
  assert.deepEqual(await t.bridge.call(keeper, "log", { timeout: 10_000 }), []);
  assert.deepEqual(t.failures, []);
});

Deno.test("local mail: after Stop, a neighbour's messages are dead letters; Stopped comes back", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const keeper = pool.spawn(Keeper);
  const neighbour = pool.spawnWith(Neighbour, { near: keeper });
  const before = await t.bridge.call(keeper, "log", { timeout: 10_000 });
  assert.deepEqual(before, []);
  const request = new SendAll(keeper, ["one", new Stop(), "two", "three"]);
  assert.equal(await t.bridge.call(neighbour, request, { timeout: 10_000 }), "sent");
  await t.until(
    () => t.deadLetters.filter((letter) => letter.kind === "stopped").length >= 2,
    "the messages after Stop are dead letters",
  );
  const stopped = t.deadLetters.filter((letter) => letter.kind === "stopped");
  // "two" and "three" reached a stopping actor; Stopped went back to the neighbour, which got it.
  assert.deepEqual(stopped.map((letter) => letter.message).sort(), ["three", "two"]);
  assert.equal(await t.bridge.call(neighbour, "last", { timeout: 10_000 }), "Stopped");
});

Deno.test("local mail: a neighbour's message past its deadline is a dead letter", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const keeper = pool.spawn(Keeper);
  const neighbour = pool.spawnWith(Neighbour, { near: keeper });
  await t.system.started(keeper);
  const late = new SendAll(keeper, ["late"], Date.now() - 1);
  assert.equal(await t.bridge.call(neighbour, late, { timeout: 10_000 }), "sent");
  const onTime = new SendAll(keeper, ["on time"], Date.now() + 60_000);
  assert.equal(await t.bridge.call(neighbour, onTime, { timeout: 10_000 }), "sent");
  assert.deepEqual(await t.bridge.call(keeper, "log", { timeout: 10_000 }), ["on time"]);
  await t.until(() => t.deadLetters.some((letter) => letter.kind === "deadline"), "a dead letter");
  const letter = t.deadLetters.find((letter) => letter.kind === "deadline")!;
  assert.equal(letter.message, "late");
});

Deno.test("local mail: a watcher hears a neighbour's last words before its end", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const listener = pool.spawn(Listener);
  const expected = [...Array.from({ length: 50 }, (_, i) => `word ${i}`), "ended: stopped"];
  assert.deepEqual(await t.bridge.call(listener, 50, { timeout: 10_000 }), expected);
});

/**
 * Sets `flooderClass` flooding itself with local mail, then checks that the Bridge's calls and
 * its Stop, which come through the ring, still get through.
 */
async function floodAndStop(flooderClass: typeof SelfFlooder): Promise<void> {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1, batch: 16 });
  const flooder = pool.spawn(flooderClass);
  // Answered, its mailbox's ring is empty: its own sends go to its local mail from now on.
  assert.equal(await t.bridge.call(flooder, "ready", { timeout: 10_000 }), "ready");
  flooder.send("go");
  const first = await t.bridge.call(flooder, "count", { timeout: 10_000 }) as number;
  const second = await t.bridge.call(flooder, "count", { timeout: 10_000 }) as number;
  assert.ok(second > first, `the flood goes on (${first}, then ${second})`);
  assert.deepEqual(await t.bridge.stop([flooder], 10_000), [new Stopped()]);
}

Deno.test("local mail: an actor flooding itself still hears from other threads, and stops", () =>
  floodAndStop(SelfFlooder));

Deno.test("local mail: two neighbours rallying forever still hear from other threads, and stop", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const left = pool.spawn(Volley);
  const right = pool.spawnWith(Volley, { near: left });
  // Answered, their rings are empty: from now on the rally is local mail.
  for (const player of [left, right]) {
    assert.equal(await t.bridge.call(player, "ready", { timeout: 10_000 }), "ready");
  }
  left.send(new Ball(), { sender: right });
  for (const player of [left, right, left, right]) {
    assert.ok(await t.bridge.call(player, "hits", { timeout: 10_000 }) as number >= 0);
  }
  const hits = await t.bridge.call(right, "hits", { timeout: 10_000 }) as number;
  assert.ok(hits > 0, `the rally goes on (${hits} hits)`);
  assert.deepEqual(await t.bridge.stop([left, right], 10_000), [new Stopped(), new Stopped()]);
});

Deno.test("local mail: an async handler that keeps sending to itself does not starve its ring", () =>
  floodAndStop(AsyncSelfFlooder));

Deno.test("local mail: a rallying pair does not keep a third actor of their Worker waiting", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const echo = pool.spawn(Echo);
  const left = pool.spawnWith(Volley, { near: echo });
  const right = pool.spawnWith(Volley, { near: echo });
  for (const player of [left, right]) {
    assert.equal(await t.bridge.call(player, "ready", { timeout: 10_000 }), "ready");
  }
  left.send(new Ball(), { sender: right });
  // The echo is idle: only the doorbell's ready queue brings it the Bridge's calls.
  for (let i = 0; i < 5; i++) assert.equal(await t.bridge.call(echo, i, { timeout: 10_000 }), i);
  assert.deepEqual(await t.bridge.stop([left, right], 10_000), [new Stopped(), new Stopped()]);
});

Deno.test("local mail: sizes are checked as through the ring, and order still holds", async () => {
  // Messages up to the mailbox's size always fit; larger ones only up to maxMessageBytes.
  await using t = testSystem({ maxMessageBytes: 512 });
  const pool = t.system.createPool({ workers: 1, mailboxCapacity: 4096 });
  const keeper = pool.spawn(Keeper);
  const neighbour = pool.spawnWith(Neighbour, { near: keeper });
  // Answered, the keeper's ring is empty: the neighbour's sends become local mail.
  assert.deepEqual(await t.bridge.call(keeper, "log", { timeout: 10_000 }), []);
  const fits = new Uint8Array(1000).fill(7);
  const request = new SendAll(keeper, [fits, "after"]);
  assert.equal(await t.bridge.call(neighbour, request, { timeout: 10_000 }), "sent");
  assert.deepEqual(await t.bridge.call(keeper, "log", { timeout: 10_000 }), [fits, "after"]);
  const tooLarge = new SendAll(keeper, [], 0, 8000);
  assert.equal(
    await t.bridge.call(neighbour, tooLarge, { timeout: 10_000 }),
    MessageTooLargeError.name,
  );
});

Deno.test("local mail: dispatch by class is the same from a neighbour and from another Worker", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  const sorter = pool.spawn(Sorter);
  const near = pool.spawnWith(Neighbour, { near: sorter });
  const far = pool.spawn(Neighbour); // round-robin: the other Worker
  await Promise.all([sorter, near, far].map((ref) => t.system.started(ref)));
  // Each handler per class, as lookup by the message's own class finds it: a subclass without a
  // handler goes to its parent's, a class without one (and a primitive) to OtherMessage's.
  const messages = [new Parcel(1), new Letter(2, "a"), new Postcard("hi"), new Letter(3), 4];
  const batch = [
    "parcel:Parcel",
    "parcel:Letter",
    "other:Postcard",
    "parcel:Letter",
    "other:Number",
  ];
  const expected: string[] = [];
  for (const sender of [near, far, near]) {
    const sent = await t.bridge.call(sender, new SendAll(sorter, messages), { timeout: 10_000 });
    assert.equal(sent, "sent");
    expected.push(...batch);
    // "sent" is not "received", and the Bridge is another sender: ask until all are in.
    let log: string[] = [];
    await eventually(async () => {
      log = await t.bridge.call(sorter, "log", { timeout: 10_000 }) as string[];
      return log.length >= expected.length;
    }, "every message sorted");
    assert.deepEqual(log, expected);
  }
});

Deno.test("local mail: a message its decoder cannot read is an undecodable dead letter, as through the ring", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const keeper = pool.spawn(Keeper);
  const neighbour = pool.spawnWith(Neighbour, { near: keeper });
  await t.system.started(keeper);
  const undecodable = () => t.deadLetters.filter((letter) => letter.kind === "undecodable");
  // Through the ring (from this thread): the receiver cannot decode it.
  keeper.send(new Unreadable(1));
  await t.until(() => undecodable().length === 1, "the ring's dead letter");
  // As local mail: the send does not throw (the decoder is the receiver's), the same dead letter.
  const request = new SendUnreadable(keeper);
  assert.equal(await t.bridge.call(neighbour, request, { timeout: 10_000 }), "sent");
  await t.until(() => undecodable().length === 2, "the local mail's dead letter");
  const [ring, local] = undecodable();
  assert.equal(local.reason, ring.reason);
  assert.match(local.reason, /this decoder always fails/);
  assert.ok(local.target?.equals(keeper));
  assert.ok(local.sender?.equals(neighbour));
  assert.deepEqual(await t.bridge.call(keeper, "log", { timeout: 10_000 }), []);
});
