/** The seed's two programs, run as ringmail examples, give the seed's results. */
import assert from "node:assert/strict";
import { Stopped } from "../mod.ts";
import * as failures from "../examples/failures.ts";
import * as warehouse from "../examples/warehouse.ts";

Deno.test("example: the Worker doubles numbers into two Warehouses", async () => {
  const result = await warehouse.run();
  assert.deepEqual(result.positives, [2, 4, 6]);
  assert.deepEqual(result.negatives, [-4, -8, -12]);
  assert.equal(result.stopped.length, 3, "stopping three actors gives three Stopped");
  assert.ok(result.stopped.every((reply) => reply instanceof Stopped));
});

Deno.test("example: the seed's ping-pong prints +-+-+- for 100 ms, then both players stop", async () => {
  // Run as the seed's program is run (deno run), to read what it prints.
  const program = new URL("../examples/pingpong.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", program],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const [rally, last] = new TextDecoder().decode(stdout).split("\n");
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.match(rally, /^(\+-)+\+?$/, "strokes alternate, Ping first");
  assert.ok(rally.length >= 20, `a rally of 100 ms has at least 20 strokes, got ${rally.length}`);
  assert.equal(last, "both stopped");
});

Deno.test("example: what a user sees when things go wrong", async () => {
  const lines = await failures.run();
  const has = (pattern: RegExp) =>
    assert.ok(lines.some((line) => pattern.test(line)), `${pattern} in:\n${lines.join("\n")}`);
  has(/^onFailure: Counter failed on string "fail": Error: told to fail$/);
  has(/^count after the restart: 0$/);
  has(/^dead letter \(deadline\): its deadline passed \d+ ms before Counter could handle it$/);
  has(/^ActorDeadError: no reply from Counter .*: Counter lost its Worker \(an uncaught error: /);
  has(/^count after the new Worker: 0$/);
  has(/^a call that waited for the killed child, answered by its new instance: 0$/);
  has(/^count after the kill: 0$/);
  has(/^the supervisor got Terminated: stopped: Counter was sent Stop$/);
  has(
    /^a call to the stopped child: ActorDeadError: .*Counter is not running: Counter was sent Stop$/,
  );
  has(/^shutdown: \d+ stopped, cut off: (.*, )?Counter(, .*)?, [1-9]\d* messages undelivered$/);
});
