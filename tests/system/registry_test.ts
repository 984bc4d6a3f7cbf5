/**
 * A child's ref is usable on the system's thread as soon as anyone can see it: its parent's
 * Worker takes the child's slot and tells the guardian afterwards, so the ref can reach this
 * thread (a reply to a Bridge call) before the guardian's report does. `started` and
 * `whenTerminated` wait for that report instead of calling the child dead.
 */
import assert from "node:assert/strict";
import { type ActorRef, Stop } from "../../mod.ts";
import { ChildMaker, MakeChild } from "../_actors/lifecycle.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("registry: whenTerminated on a fresh child's ref waits for its end", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(ChildMaker);
  for (let i = 0; i < 100; i++) {
    const child: ActorRef<string | Stop> = await t.bridge.call(parent, new MakeChild(), LONG);
    let ended = false;
    const end = t.bridge.whenTerminated(child).then((end) => {
      ended = true;
      return end;
    });
    assert.equal(await t.bridge.call(child, "ping", LONG), "ping");
    assert.equal(ended, false, `child ${i} answered: it had not ended`);
    child.send(new Stop());
    assert.equal((await within(20_000, `child ${i} ends`, end)).kind, "stopped");
  }
});

Deno.test("registry: started() on a fresh child's ref resolves once it runs", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(ChildMaker);
  for (let i = 0; i < 100; i++) {
    const child: ActorRef<string | Stop> = await t.bridge.call(parent, new MakeChild(), LONG);
    await within(20_000, `child ${i} started`, t.system.started(child));
    assert.equal(await t.bridge.call(child, "ping", LONG), "ping");
    child.send(new Stop());
  }
});

Deno.test("registry: kill on a fresh child's ref kills it, even before the system heard of it", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(ChildMaker);
  for (let i = 0; i < 20; i++) {
    const child: ActorRef<string> = await t.bridge.call(parent, new MakeChild(false), LONG);
    assert.ok(t.system.kill(child, "at once"), `child ${i}`);
    const end = await within(20_000, `child ${i} ends`, t.bridge.whenTerminated(child));
    assert.equal(end.kind, "killed", `child ${i}`);
    assert.equal(end.reason, "Hung was killed: at once");
  }
});
