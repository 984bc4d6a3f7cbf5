/**
 * The actor API where a review found it breaking a promise: each test states the promised
 * behaviour, and failed before its fix.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { type ActorRef, Stopped } from "../../mod.ts";
import {
  AskFor,
  ClientWatcher,
  StashIdler,
  StashWatcher,
  Stopper,
  TextAsker,
  Victim,
  WatchIt,
} from "../_actors/api_review.ts";
import { Recorder } from "../_actors/behaviours.ts";
import { Doubler } from "../_actors/basic.ts";
import { eventually, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("api review: a stashed Terminated is handled after unstashAll, not silently dropped", async () => {
  await using s = testSystem();
  const victim = s.system.spawn(Victim);
  const watcher = s.system.spawn(StashWatcher);
  assert.equal(await s.bridge.call(watcher, new WatchIt(victim), LONG), "watching");
  assert.equal(await s.bridge.call(watcher, "hold", LONG), "holding");
  await s.bridge.stop([victim], 20_000);
  // The watcher's behaviour stashes the Terminated when it comes.
  await eventually(
    async () => (await s.bridge.call(watcher, "held?", LONG)) === 1,
    "the Terminated is stashed",
  );
  assert.equal(await s.bridge.call(watcher, "release", LONG), "released");
  // Unstashed messages go first: the Terminated reaches the handler before "ends".
  const ends = await s.bridge.call(watcher, "ends", LONG);
  const lost = s.deadLetters.filter((d) => d.target?.equals(watcher)).length;
  assert.deepEqual(
    ends,
    ["stopped"],
    `the stashed Terminated never reached the handler (dead letters for the watcher: ${lost})`,
  );
});

Deno.test("api review: a stashed ReceiveTimeout is handled after unstashAll, not dropped as stale", async () => {
  await using s = testSystem();
  const recorder = s.system.spawn(Recorder);
  const idler = s.system.spawn(StashIdler, recorder);
  assert.equal(await s.bridge.call(idler, "hold", LONG), "holding");
  // Asked of the recorder, not of the idler: a message to the idler would keep it from idling.
  await eventually(
    async () => ((await s.bridge.call(recorder, "dump", LONG)) as unknown[]).length >= 1,
    "a ReceiveTimeout is stashed",
  );
  assert.equal(await s.bridge.call(idler, "release", LONG), "released");
  // Told before the release was handled, so before this dump was sent. The stashed ones reach the
  // handler (the timeout is a minute now: no new one comes).
  const stashed = ((await s.bridge.call(recorder, "dump", LONG)) as unknown[]).length;
  const handled = await s.bridge.call(idler, "timeouts", LONG);
  assert.equal(handled, stashed, "every stashed ReceiveTimeout reached the handler");
});

Deno.test("api review: watching the sender of a Bridge call or an ask is refused, not answered with a false death of a live client", async (t) => {
  await using s = testSystem();
  const refused = /^TypeError: .* cannot watch .*: it is the reply address of a call or an ask/;
  await t.step("a Bridge call's sender", async () => {
    const server = s.system.spawn(ClientWatcher);
    assert.match(await s.bridge.call(server, "watch me", LONG) as string, refused);
    // The Bridge is alive and calls again: no Terminated came for it.
    const ends = await s.bridge.call(server, "ends", LONG);
    assert.deepEqual(ends, [], `a live Bridge was reported dead: ${JSON.stringify(ends)}`);
  });
  await t.step("an asking actor's sender", async () => {
    const server = s.system.spawn(ClientWatcher);
    const asker = s.system.spawn(TextAsker);
    assert.match(
      await s.bridge.call(asker, new AskFor(server, "watch me"), LONG) as string,
      refused,
    );
    // The asker is alive and asks again.
    const ends = await s.bridge.call(asker, new AskFor(server, "ends"), LONG);
    assert.deepEqual(ends, [], `a live asker was reported dead: ${JSON.stringify(ends)}`);
  });
});

Deno.test("api review: an actor that stops another with Stop gets no dead letter of the runtime's Stopped", async () => {
  await using s = testSystem();
  const victim = s.system.spawn(Victim);
  const stopper = s.system.spawn(Stopper);
  assert.equal(await s.bridge.call(stopper, new WatchIt(victim), LONG), "sent");
  // The victim answers Stopped before the system hears it ended, so before the Terminated.
  await eventually(
    async () => (await s.bridge.call(stopper, "ended?", LONG)) === true,
    "Terminated",
  );
  const stoppedLetter = () =>
    s.deadLetters.some((d) => d.message instanceof Stopped && d.target?.equals(stopper));
  // Bounded: the report of a dead letter travels to this thread on its own.
  await s.until(stoppedLetter, "a Stopped dead letter", 2_000).catch(() => {});
  const letter = s.deadLetters.find((d) => d.message instanceof Stopped);
  assert.equal(
    letter === undefined ? "none" : `${letter.kind}: ${letter.reason}`,
    "none",
    `the runtime's own Stopped reply became a user-visible dead letter: ${letter?.kind}: ${letter?.reason}`,
  );
});

Deno.test("api review: a failing node:assert on actor refs does not walk the runtime behind them", async () => {
  await using s = testSystem();
  const a = s.system.spawn(Victim);
  const b = s.system.spawn(Victim);
  // What node:assert's AssertionError does to show `actual` and `expected`: inspect with
  // customInspect: false (and depth 1000, maxArrayLength Infinity). Bounded here to depth 3.
  const shown = inspect(a, { customInspect: false, depth: 3, sorted: true, getters: true });
  assert.doesNotMatch(
    shown,
    /courier|mailboxCache|SharedArrayBuffer|Arena/,
    `an AssertionError about a ref walks the runtime (${shown.length} chars at depth 3); ` +
      `assert.equal(refA, refB, "message") takes ~30 s, without one it ran past 60 s`,
  );
  assert.notEqual(String(a), String(b));
});

Deno.test("api review: a Stopped that no Stop of the actor asked for, to an actor with no handler for it, is a dead letter", async () => {
  await using t = testSystem();
  const doubler = t.system.spawn(Doubler); // handles Task and numbers only
  assert.equal(await t.bridge.call(doubler, 2, LONG), 4);
  // A program's own message (Stopped is exported and constructible), not an answer to a Stop
  // this actor sent: nothing says it may vanish.
  (doubler as ActorRef<unknown>).send(new Stopped());
  (doubler as ActorRef<unknown>).send("a string");
  await t.until(
    () => t.deadLetters.some((d) => d.message === "a string"),
    "the string's dead letter",
    10_000,
  );
  assert.deepEqual(
    t.deadLetters.map((d) => `${d.kind}: ${d.message?.constructor?.name ?? d.message}`),
    ["no-handler: Stopped", "no-handler: String"],
    "README: 'never lose a message silently'; b61588d drops every Stopped with no handler",
  );
});
