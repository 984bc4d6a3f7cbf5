/** Errors keep their cause: across the Worker boundary, and when a failed start is reported. */
import assert from "node:assert/strict";
import { SpawnError } from "../../errors.ts";
import { Broken } from "../_actors/behaviours.ts";
import { Layered, NoConnection } from "../_actors/causes.ts";
import { testSystem } from "../_system.ts";

/** The messages along an error's cause chain, the error's own first. */
function chain(error: unknown): string[] {
  const messages: string[] = [];
  for (let e = error; e instanceof Error && messages.length < 10; e = e.cause) {
    messages.push(e.message);
  }
  return messages;
}

Deno.test("error causes: a failed start rejects with a SpawnError whose cause is what failed", async (t) => {
  await t.step("a constructor that throws", async () => {
    await using s = testSystem(); // with an onFailure listener
    const error = await s.system.started(s.system.spawn(Broken)).then(() => null, (e) => e);
    assert.ok(error instanceof SpawnError, String(error));
    assert.ok(
      chain(error).slice(1).some((m) => /the constructor refuses/.test(m)),
      chain(error).join(" <- "),
    );
  });
  await t.step("an onStart that throws an error with a cause", async () => {
    await using s = testSystem();
    const error = await s.system.started(s.system.spawn(NoConnection)).then(() => null, (e) => e);
    assert.ok(error instanceof SpawnError, String(error));
    const causes = chain(error);
    assert.ok(causes.slice(1).some((m) => /no database/.test(m)), causes.join(" <- "));
    assert.equal(causes.at(-1), "connection refused", causes.join(" <- "));
  });
});

Deno.test("error causes: a handler's error reaches onFailure with its cause chain", async () => {
  await using s = testSystem();
  const layered = s.system.spawn(Layered);
  layered.send("this");
  await s.until(() => s.failures.length === 1, "the failure reported");
  const error = s.failures[0].error;
  assert.deepEqual(chain(error), ["cannot handle this", "the root cause"]);
  assert.equal((error.cause as Error).name, "RangeError");
});
