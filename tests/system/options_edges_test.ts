/**
 * System options a user can get wrong: each refused when the system is made, with a typed error
 * that names the option and the value given — never accepted to misbehave later.
 */
import assert from "node:assert/strict";
import { ActorSystem, type ActorSystemOptions } from "../../mod.ts";
import { Echo } from "../_actors/basic.ts";

/** Makes a system with `options`, expecting `kind` with a message matching `message`. */
async function refused(
  options: ActorSystemOptions,
  kind: typeof TypeError | typeof RangeError,
  message: RegExp,
): Promise<void> {
  let made: ActorSystem | undefined;
  try {
    assert.throws(() => {
      made = new ActorSystem(options);
    }, (error: Error) => {
      assert.ok(error instanceof kind, `${error}`);
      assert.match(error.message, message);
      return true;
    });
  } finally {
    await made?.shutdown();
  }
}

Deno.test("options edges: a sendTimeout that is not a number is a TypeError, not a timeout of text", async () => {
  await refused(
    { sendTimeout: "5000" as never },
    TypeError,
    /sendTimeout must be a number of ms, got string "5000"/,
  );
});

Deno.test("options edges: a sendTimeout past what a timer can wait is refused, as a spawn's is", async () => {
  // Deno fires a timer of more than 2^31 - 1 ms after 1 ms: an "endless" wait would end at once.
  for (const sendTimeout of [Infinity, 2 ** 31]) {
    await refused({ sendTimeout }, RangeError, /sendTimeout must be .* up to 2147483647 .*got/);
  }
});

Deno.test("options edges: cluster ping and down times past what a timer can wait are refused", async () => {
  for (const key of ["pingIntervalMs", "downAfterMs"] as const) {
    await refused(
      { cluster: { servers: "nats://127.0.0.1:4222", [key]: 2 ** 31 } },
      RangeError,
      new RegExp(`cluster.${key} must be .* up to 2147483647 .*got 2147483648`),
    );
  }
});

Deno.test("options edges: a cluster option that is no object is a TypeError naming it", async () => {
  await refused(
    { cluster: null as never },
    TypeError,
    /cluster must be an object with servers .*got null/,
  );
});

Deno.test("options edges: an empty server URL in a list is refused", async () => {
  await refused(
    { cluster: { servers: ["nats://127.0.0.1:4222", ""] } },
    TypeError,
    /cluster.servers must name a NATS server/,
  );
});

Deno.test("options edges: options that are no object are a TypeError naming what they were for", async () => {
  await refused(null as never, TypeError, /an actor system's options must be an object, got null/);
  await using system = new ActorSystem();
  assert.throws(
    () => system.createPool(null as never),
    (error: Error) =>
      error instanceof TypeError &&
      /createPool's options must be an object, got null/.test(error.message),
  );
  assert.throws(
    () => system.shutdown(null as never),
    (error: Error) =>
      error instanceof TypeError &&
      /shutdown's options must be an object, got null/.test(error.message),
  );
});

Deno.test("options edges: a shutdown timeout that is no number is a TypeError, not a timeout of 1 ms", async () => {
  await using system = new ActorSystem();
  // Compared as numbers, true was a timeout of 1 ms (every actor cut off at once, its mailbox
  // dead letters), and "30000" a string handed to the timer.
  for (const [timeout, got] of [[true, "boolean true"], ["30000", 'string "30000"']] as const) {
    assert.throws(
      () => system.shutdown({ timeout: timeout as never }),
      (error: Error) =>
        error instanceof TypeError &&
        new RegExp(`shutdown timeout must be a number of ms, got ${got}`).test(error.message),
    );
  }
});

Deno.test("options edges: a failure or dead-letter listener that is no function is a TypeError where it is given", async () => {
  // Taken before, each failure and dead letter then went to console.error as "an onFailure
  // listener threw: TypeError: listener is not a function", and what failed was never told.
  for (const key of ["onFailure", "onDeadLetter"] as const) {
    await refused(
      { [key]: "console.log" as never },
      TypeError,
      new RegExp(`${key} must be a function .*got "console.log"`),
    );
  }
  await using system = new ActorSystem();
  for (const key of ["onFailure", "onDeadLetter"] as const) {
    assert.throws(
      () => system[key]({} as never),
      (error: Error) =>
        error instanceof TypeError &&
        new RegExp(`${key} needs a function, got Object`).test(error.message),
    );
  }
});

Deno.test("options edges: system.kill's reason that is no string is a TypeError, and kills nothing", async () => {
  await using system = new ActorSystem();
  const echo = system.spawn(Echo);
  await system.started(echo);
  for (const reason of [5, { why: "x" }, null]) {
    assert.throws(
      () => system.kill(echo, reason as never),
      (error: unknown) =>
        error instanceof TypeError &&
        /kill's reason must be a string/.test(error.message),
    );
  }
  assert.equal(system.inspect().actors.some((a) => a.ref.equals(echo)), true, "still running");
});
