/**
 * The options of an actor's context calls as a user can get them wrong: refused with a TypeError
 * naming what was wrong, as the system's own calls refuse them — never a JavaScript error from
 * deep inside ("Cannot read properties of null").
 */
import assert from "node:assert/strict";
import { OptionsTrier } from "../_actors/context_options.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("context options: spawnWith's options that are no object are a TypeError naming them", async () => {
  await using s = testSystem();
  const trier = s.system.spawn(OptionsTrier);
  assert.equal(
    await s.bridge.call(trier, "spawnWith null", LONG),
    "TypeError: spawnWith's options must be an object, got null",
  );
});

Deno.test("context options: spawnWith's near that is no ref says what it got", async () => {
  await using s = testSystem();
  const trier = s.system.spawn(OptionsTrier);
  assert.equal(
    await s.bridge.call(trier, "spawnWith near {}", LONG),
    "TypeError: near must be a ref of this actor system, got Object",
  );
});

Deno.test("context options: become's options that are no object are a TypeError naming them", async () => {
  await using s = testSystem();
  const trier = s.system.spawn(OptionsTrier);
  assert.equal(
    await s.bridge.call(trier, "become null", LONG),
    "TypeError: become's options must be an object ({ discardOld }), got null",
  );
});
