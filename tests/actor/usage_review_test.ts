/**
 * What a usage review (programs written as a first-time user would) found breaking a promise of
 * the docs about actors. Each test failed before its fix.
 */
import assert from "node:assert/strict";
import { ReceiveTimeout, Terminated } from "../../mod.ts";
import { Echo } from "../_actors/basic.ts";
import { CarelessWatcher } from "../_actors/usage_review.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("usage review: a Terminated or ReceiveTimeout that the actor has no handler for is a dead letter 'no-handler', not dropped unseen", async (t) => {
  await using s = testSystem();
  const watcher = s.system.spawn(CarelessWatcher);

  await t.step("a watched actor's end, with no Terminated handler", async () => {
    const watched = s.system.spawn(Echo);
    watcher.send(watched);
    assert.equal(await s.bridge.call(watcher, "watching", LONG), "watching");
    await s.bridge.stop([watched], 20_000);
    await s.until(
      () => s.deadLetters.some((letter) => letter.message instanceof Terminated),
      "a dead letter of the Terminated",
    );
    const letter = s.deadLetters.find((letter) => letter.message instanceof Terminated)!;
    assert.equal(letter.kind, "no-handler");
    assert.equal(letter.reason, "CarelessWatcher has no handler for it");
    assert.ok(letter.target?.equals(watcher));
  });

  await t.step("a receive timeout, with no ReceiveTimeout handler", async () => {
    assert.equal(await s.bridge.call(watcher, "idle", LONG), "idle");
    await s.until(
      () => s.deadLetters.some((letter) => letter.message instanceof ReceiveTimeout),
      "a dead letter of the ReceiveTimeout",
    );
    const letter = s.deadLetters.find((letter) => letter.message instanceof ReceiveTimeout)!;
    assert.equal(letter.kind, "no-handler");
  });
  assert.ok(s.system.deadLetters >= 2);
});
