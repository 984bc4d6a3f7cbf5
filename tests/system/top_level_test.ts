/** A module that makes a system at top level fails its actors' start at once, naming the fix. */
import assert from "node:assert/strict";
import { SpawnError, SystemInWorkerError } from "../../errors.ts";
import { Careless, topLevelSystem } from "../_actors/top_level_system.ts";
import { SystemMaker } from "../_actors/system_maker.ts";
import { testSystem } from "../_system.ts";

Deno.test("top-level code: an actor whose module makes a system at top level fails to start, saying how to fix it", async () => {
  try {
    const careless = topLevelSystem.spawn(Careless);
    const error = await topLevelSystem.started(careless).then(
      () => assert.fail("it started"),
      (error) => error,
    );
    assert.ok(error instanceof SpawnError, String(error));
    assert.match(String(error.message), /SystemInWorkerError|inside an actor's Worker/);
    assert.match(String(error.message), /import\.meta\.main/);
    // What the Worker threw arrives as what it is (README: the start fails with it).
    const causes: unknown[] = [];
    for (let at: unknown = error; at instanceof Error; at = at.cause) causes.push(at);
    assert.ok(
      causes.some((cause) => cause instanceof SystemInWorkerError),
      `a SystemInWorkerError among the causes: ${causes.map((c) => (c as Error).name)}`,
    );
  } finally {
    await topLevelSystem.shutdown({ timeout: 1000 });
  }
});

Deno.test("top-level code: a system made inside a handler is refused, pointing at this.context.spawn", async () => {
  await using t = testSystem();
  const maker = t.system.spawn(SystemMaker);
  const answer = await t.bridge.call(maker, "make", { timeout: 20_000 }) as string;
  assert.match(answer, /^SystemInWorkerError: an ActorSystem cannot be made inside an actor: /);
  assert.match(answer, /this\.context\.spawn/);
});
