/** What a newcomer meets spawning actors in their first hour (spawning and module loading). */
import assert from "node:assert/strict";
import { ActorDeadError, SpawnError } from "../../errors.ts";
import { Elsewhere, ElsewhereOwnModule } from "../_actors/first_hour_sub.ts";
import { testSystem, within } from "../_system.ts";

Deno.test("first hour: a subclass from another module that inherits its base's `module` is told to set its own", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  for (
    const spawn of [
      (c: typeof Elsewhere) => t.system.spawn(c),
      (c: typeof Elsewhere) => pool.spawn(c),
    ]
  ) {
    const ref = spawn(Elsewhere);
    const error = await within(
      20_000,
      "the subclass's start",
      t.system.started(ref).then(() => null, (e) => e),
    );
    assert.ok(error instanceof SpawnError, String(error));
    // It is exported (from first_hour_sub.ts): the fix is its own `module`, not an export.
    assert.match(
      error.message,
      /if Elsewhere extends FirstBase from another module, it inherits FirstBase's `module`/,
    );
    assert.match(
      error.message,
      /give Elsewhere its own `static readonly module = import\.meta\.url`/,
    );
    const call = await t.bridge.call(ref, "hello", { timeout: 600_000 }).then(() => null, (e) => e);
    assert.ok(call instanceof ActorDeadError, String(call));
  }
  // With its own module, the same subclass starts and inherits its handlers.
  assert.equal(
    await t.bridge.call(t.system.spawn(ElsewhereOwnModule), "hello", { timeout: 20_000 }),
    "ElsewhereOwnModule: hello",
  );
});
