/** `context.stash` / `unstashAll`: a bounded stash, put back in front of the mailbox. */
import assert from "node:assert/strict";
import { SpawnError, StashOverflowError } from "../../errors.ts";
import { Door, DoorKeeper, EmptyStash, NoStash } from "../_actors/stashing.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("unstashAll puts the stashed messages in front of everything waiting, in order", async () => {
  await using s = testSystem();
  const keeper = s.system.spawn(DoorKeeper);
  // All sent in one turn of the keeper, next to the door: "d" and "log" wait behind "open"
  // when the door unstashes, and must come after a, b, c.
  const log = await s.bridge.call(
    keeper,
    ["a", "b", "c", "open", "d", "close", "e", "open", "log"],
    LONG,
  );
  assert.deepEqual(log, ["a", "b", "c", "d", "e"]);
});

Deno.test("unstashed messages go before ring records already waiting, however many", async () => {
  await using s = testSystem();
  const keeper = s.system.spawn(DoorKeeper, true);
  const stashed = Array.from({ length: 20 }, (_, i) => `s${i}`);
  const log = await s.bridge.call(keeper, [...stashed, "open", "r1", "r2", "log"], LONG);
  assert.deepEqual(log, [...stashed, "r1", "r2"]);
});

Deno.test("unstashAll outside any turn (a timer) gets the actor served", async () => {
  await using s = testSystem();
  const door = s.system.spawn(Door);
  door.send("a");
  door.send("b");
  door.send("open later");
  // Stashed too if the door is still closed; either way it comes after a and b.
  assert.deepEqual((await s.bridge.call(door, "log", LONG) as { entries: string[] }).entries, [
    "a",
    "b",
  ]);
});

Deno.test("stash() outside a handler, or twice for one message, throws and says why", async () => {
  await using s = testSystem();
  const door = s.system.spawn(Door);
  assert.match(
    String(await s.bridge.call(door, "outside", LONG)),
    /^TypeError: .*stash\(\) stashes the message being handled/,
  );
  assert.match(
    String(await s.bridge.call(door, "stash twice", LONG)),
    /^TypeError: .*already stashed/,
  );
});

Deno.test("stashing past the capacity fails the handler with StashOverflowError", async () => {
  await using s = testSystem();
  const door = s.system.spawn(Door); // holds three
  for (const text of ["a", "b", "c", "d"]) door.send(text);
  await s.until(() => s.failures.length > 0, "the overflow is reported");
  assert.equal(s.failures[0].error.name, StashOverflowError.name);
  assert.match(s.failures[0].error.message, /Door's stash is full \(3 messages\)/);
  // Resumed (the system's default): the three it holds are still there, in order.
  door.send("open");
  assert.deepEqual((await s.bridge.call(door, "log", LONG) as { entries: string[] }).entries, [
    "a",
    "b",
    "c",
  ]);
});

Deno.test("the stashed messages of an actor that stops are dead letters, in order", async () => {
  await using s = testSystem();
  const door = s.system.spawn(Door);
  door.send("a");
  door.send("b");
  await s.bridge.stop([door], 20_000);
  await s.until(() => s.deadLetters.length >= 2, "two dead letters");
  assert.deepEqual(s.deadLetters.map((d) => [d.message, d.kind]), [["a", "stopped"], [
    "b",
    "stopped",
  ]]);
  assert.match(s.deadLetters[0].reason, /Door stopped with it stashed/);
});

Deno.test("a restart keeps the stash: the fresh instance gets the stashed messages first", async () => {
  await using s = testSystem({ supervision: { onFailure: "restart" } });
  const door = s.system.spawn(Door);
  door.send("a");
  door.send("b");
  door.send("boom"); // restarts: a and b go back in front of the mailbox, the fresh door stashes them
  door.send("open");
  door.send("c");
  assert.deepEqual((await s.bridge.call(door, "log", LONG) as { entries: string[] }).entries, [
    "a",
    "b",
    "c",
  ]);
  assert.equal(s.failures.length, 1);
  assert.equal(s.deadLetters.length, 0);
});

Deno.test("the stashed messages of an actor whose Worker dies are counted as dead letters", async () => {
  await using s = testSystem();
  const door = s.system.spawn(Door);
  door.send("a");
  door.send("b");
  door.send("exit");
  assert.equal((await s.bridge.whenTerminated(door)).kind, "worker-died");
  await s.until(
    () => s.deadLetters.some((d) => d.kind === "worker-died" && d.count === 2),
    "the two stashed messages are counted",
  );
});

Deno.test("only a class that declares stashCapacity has a stash; a capacity below 1 cannot start", async () => {
  await using s = testSystem();
  assert.match(
    String(await s.bridge.call(s.system.spawn(NoStash), "x", LONG)),
    /^TypeError: NoStash has no stash: .*static readonly stashCapacity = 1000/,
  );
  const empty = s.system.spawn(EmptyStash);
  await assert.rejects(s.system.started(empty), (error: Error) => {
    assert.ok(error instanceof SpawnError);
    assert.match(
      String(error.message),
      /EmptyStash has static stashCapacity 0: it must be a positive integer/,
    );
    return true;
  });
});
