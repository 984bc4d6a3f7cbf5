/**
 * The actor's own names (self, context, preStart, postStop) cannot be taken by a handler or a
 * member; every other name can — the seed's `onStart` for a `Start` message among them.
 */
import assert from "node:assert/strict";
import { handles } from "../../mod.ts";
import { ActorDefinitionError, SpawnError } from "../../errors.ts";
import { HidesContext, Start, StartHandler } from "../_actors/names.ts";
import { testSystem } from "../_system.ts";

/** Applies `@handles(String)` to a method named `name`, as a class definition would. */
function decorateAs(name: string): void {
  handles(String)(
    function () {},
    {
      kind: "method",
      name,
      static: false,
      private: false,
      metadata: {},
      access: { has: () => true, get: () => () => {} },
      addInitializer: () => {},
    } as unknown as ClassMethodDecoratorContext & { readonly static: false },
  );
}

Deno.test("reserved names: a handler named self, context, preStart or postStop fails at class definition", () => {
  for (const name of ["self", "context", "preStart", "postStop"]) {
    assert.throws(
      () => decorateAs(name),
      (error: unknown) =>
        error instanceof ActorDefinitionError && error.message.includes(`cannot be named ${name}`),
      name,
    );
  }
  for (const name of ["onStart", "onStop", "name", "send", "watch", "receive", "children"]) {
    decorateAs(name); // free for handlers now
  }
});

Deno.test("reserved names: a handler named onStart handles Start and is no lifecycle hook", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(StartHandler);
  assert.deepEqual(await t.bridge.call(actor, new Start("go"), { timeout: 20_000 }), ["Start go"]);
  assert.deepEqual(await t.bridge.call(actor, "log", { timeout: 20_000 }), ["Start go"]);
  assert.equal(t.failures.length, 0);
});

Deno.test("reserved names: a field that hides context fails the actor's start, naming it", async () => {
  await using t = testSystem();
  const error = await t.system.started(t.system.spawn(HidesContext)).then(() => null, (e) => e);
  assert.ok(error instanceof SpawnError, String(error));
  assert.match(error.message, /HidesContext has a field named context/);
  assert.ok(error.cause instanceof Error);
});
