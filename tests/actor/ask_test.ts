/** `this.context.ask` and `this.context.pipeToSelf`: typed replies and promises inside actors. */
import assert from "node:assert/strict";
import {
  Asker,
  AskUntilTimer,
  BusyShop,
  Combine,
  GetLog,
  GetPiped,
  GetStock,
  HoldUp,
  MuteShop,
  Note,
  Pester,
  PipeLater,
  Piper,
  Shop,
  WhenAsked,
} from "../_actors/asking.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };
/** An ask's timeout that no test waits out when the target dies: "at once" is well under it. */
const ASK_TIMEOUT = 10_000;
/** A generous bound for "at once" on a loaded 2-core machine. */
const PROMPTLY_MS = 4_000;

Deno.test("ask: an actor asks another in another Worker and answers with the combined result", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(Shop, [1, 2, 3]);
  const asker = s.system.spawn(Asker, 100);
  const combined = await s.bridge.call(asker, new Combine(shop), LONG);
  assert.equal(combined.error, undefined, combined.message);
  assert.equal(combined.total, 106);
  // Many asks in a row, each a fresh pending ask of the same Worker.
  for (let i = 0; i < 20; i++) {
    assert.equal((await s.bridge.call(asker, new Combine(shop), LONG)).total, 106);
  }
});

Deno.test("ask: an actor asks a neighbour in its own Worker", async () => {
  await using s = testSystem();
  const pool = s.system.createPool({ workers: 1 });
  const asker = pool.spawn(Asker, 10);
  const shop = pool.spawnWith(Shop, { near: asker }, [5, 5]);
  const combined = await s.bridge.call(asker, new Combine(shop), LONG);
  assert.equal(combined.error, undefined, combined.message);
  assert.equal(combined.total, 20);
});

Deno.test("ask: the asked actor stops while asked: ActorDeadError at once, not at the timeout", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(MuteShop, "stop");
  const asker = s.system.spawn(Asker);
  const combined = await s.bridge.call(asker, new Combine(shop, ASK_TIMEOUT), LONG);
  assert.equal(combined.error, "ActorDeadError", combined.message);
  assert.match(combined.message!, /MuteShop/);
  assert.ok(combined.elapsedMs < PROMPTLY_MS, `settled after ${combined.elapsedMs} ms`);
});

Deno.test("ask: the asked actor is killed while asked: ActorDeadError at once", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(MuteShop);
  const asker = s.system.spawn(Asker);
  const reply = s.bridge.call(asker, new Combine(shop, ASK_TIMEOUT), LONG);
  await s.bridge.call(shop, new WhenAsked(), LONG); // the ask is pending now
  s.system.kill(shop, "a test kills it");
  const combined = await reply;
  assert.equal(combined.error, "ActorDeadError", combined.message);
  assert.match(combined.message!, /killed: a test kills it/);
  assert.ok(combined.elapsedMs < PROMPTLY_MS, `settled after ${combined.elapsedMs} ms`);
});

Deno.test("ask: an actor that is already gone: ActorDeadError at once", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(Shop);
  await s.bridge.stop([shop], LONG);
  const asker = s.system.spawn(Asker);
  const combined = await s.bridge.call(asker, new Combine(shop, ASK_TIMEOUT), LONG);
  assert.equal(combined.error, "ActorDeadError", combined.message);
  assert.ok(combined.elapsedMs < PROMPTLY_MS, `settled after ${combined.elapsedMs} ms`);
});

Deno.test("ask: no reply in time: CallTimeoutError at the timeout", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(MuteShop);
  const asker = s.system.spawn(Asker);
  const combined = await s.bridge.call(asker, new Combine(shop, 300), LONG);
  assert.equal(combined.error, "CallTimeoutError", combined.message);
  assert.match(combined.message!, /within 300 ms/);
  assert.ok(combined.elapsedMs >= 290, `settled after ${combined.elapsedMs} ms`);
  assert.ok(combined.elapsedMs < 300 + PROMPTLY_MS, `settled after ${combined.elapsedMs} ms`);
});

Deno.test("ask: a reply that comes after the ask timed out is a dead letter", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(Shop, [1], 1000); // answers after a second
  const asker = s.system.spawn(Asker);
  // The ask's timeout is its request's deadline too: a shop that takes the request later (its
  // Worker still starting on a loaded machine) drops it unanswered (see the next test). Started
  // first, and a timeout long enough for a running shop to take it in time.
  await s.system.started(shop);
  const combined = await s.bridge.call(asker, new Combine(shop, 300), LONG);
  assert.equal(combined.error, "CallTimeoutError", combined.message);
  await s.until(
    () => s.deadLetters.some((d) => d.kind === "unanswered"),
    "the late reply is an unanswered dead letter",
  );
});

Deno.test("ask: an ask's timeout is its request's deadline: a target busy past it never answers", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(BusyShop);
  const asker = s.system.spawn(Asker);
  await Promise.all([s.system.started(shop), s.system.started(asker)]);
  shop.send(new HoldUp(1000)); // the ask below comes after it in the shop's mailbox
  const combined = await s.bridge.call(asker, new Combine(shop, 100), LONG);
  assert.equal(combined.error, "CallTimeoutError", combined.message);
  await s.until(
    () => s.deadLetters.some((d) => d.kind === "deadline" && d.message instanceof GetStock),
    "the ask's request is a deadline dead letter",
  );
  assert.ok(!s.deadLetters.some((d) => d.kind === "unanswered"), "it was never answered");
});

Deno.test("ask: an async handler awaiting an ask keeps the actor's other messages waiting", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(Shop, [1, 2], 200); // answers after 200 ms
  const asker = s.system.spawn(Asker, 0);
  const combined = s.bridge.call(asker, new Combine(shop), LONG);
  asker.send(new Note("queued 1"));
  asker.send(new Note("queued 2"));
  const log = s.bridge.call(asker, new GetLog(), LONG);
  assert.equal((await combined).total, 3);
  assert.deepEqual(await log, ["combined", "queued 1", "queued 2"]);
});

Deno.test("ask: many asks of one actor at once, from async handlers of many actors", async () => {
  await using s = testSystem();
  const pool = s.system.createPool({ workers: 2 });
  const shop = s.system.spawn(Shop, [1, 1], 50);
  const askers = Array.from({ length: 20 }, (_, i) => pool.spawn(Asker, i));
  const results = await Promise.all(
    askers.map((asker) => s.bridge.call(asker, new Combine(shop), LONG)),
  );
  assert.deepEqual(results.map((r) => r.total), askers.map((_, i) => i + 2));
});

Deno.test("pipeToSelf: the mapped outcome of a promise arrives as a message", async () => {
  await using s = testSystem();
  const piper = s.system.spawn(Piper);
  piper.send(new PipeLater(50));
  piper.send(new PipeLater(10, true));
  const piped = await s.bridge.call(piper, new GetPiped(2), LONG);
  assert.deepEqual(
    piped.map((p) => [p.value, p.error]).sort((a, b) => Number(a[0]) - Number(b[0])),
    [[-1, "Error: no luck"], [50, ""]],
  );
});

Deno.test("pipeToSelf: an actor that stopped first gets nothing: the message is a dead letter", async () => {
  await using s = testSystem();
  // In a pool, whose Worker outlives the actor (an actor's own Worker ends with it, and so does
  // the promise).
  const piper = s.system.createPool({ workers: 1 }).spawn(Piper);
  piper.send(new PipeLater(200));
  await s.bridge.stop([piper], LONG);
  await s.until(
    () => s.deadLetters.some((d) => d.kind === "stopped" && d.messageClass === "Piped"),
    "the piped message is a dead letter",
  );
});

Deno.test("ask: an actor asked before, and killed while asked again: ActorDeadError at once", async () => {
  await using s = testSystem();
  const shop = s.system.spawn(MuteShop);
  const asker = s.system.spawn(Asker);
  // A first ask, settled: its Worker keeps watching the shop for the next one. The shop must
  // take it before its deadline (the ask's timeout) to count it: started first.
  await s.system.started(shop);
  assert.equal(
    (await s.bridge.call(asker, new Combine(shop, 300), LONG)).error,
    "CallTimeoutError",
  );
  const reply = s.bridge.call(asker, new Combine(shop, ASK_TIMEOUT), LONG);
  await s.bridge.call(shop, new WhenAsked(2), LONG); // the second ask is pending now
  s.system.kill(shop, "a test kills it");
  const combined = await reply;
  assert.equal(combined.error, "ActorDeadError", combined.message);
  assert.ok(combined.elapsedMs < PROMPTLY_MS, `settled after ${combined.elapsedMs} ms`);
});

Deno.test("ask: a stream of replies leaves the Worker's event loop its turns (timers, I/O)", async () => {
  await using s = testSystem();
  const pool = s.system.createPool({ workers: 1 });
  const pester = pool.spawn(Pester);
  const shop = s.system.spawn(Shop, [1]);
  const most = 20_000;
  const asks = await s.bridge.call(pester, new AskUntilTimer(shop, most), { timeout: 60_000 });
  assert.ok(asks < most, `the timer had not fired after ${asks} asks`);
});
