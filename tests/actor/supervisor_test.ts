/**
 * The Supervisor's count of restarts: an actor's restarts decided in its Worker are told to the
 * system's supervisor of it (it decides when the Worker dies), and only those within the
 * strategy's window are kept.
 */
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { restartClock, Supervisor } from "../../src/actor/supervision.ts";

Deno.test("Supervisor: restarts decided elsewhere are kept only while they count, however many are told", () => {
  const supervisor = new Supervisor({ onFailure: "restart", maxRestarts: 3, withinMs: 1_000 });
  const before = heapAfterGc();
  // An actor that fails and is restarted in its Worker once a second, for three and a half days:
  // the system's thread hears of each restart (HandlerFailed.restartedAt).
  const now = restartClock();
  for (let i = 300_000; i > 0; i--) supervisor.restarted(now - i * 1_000);
  const kept = heapAfterGc() - before;
  assert.ok(kept < 512 << 10, `${kept} bytes kept for 300,000 restarts told`);
  // None is within the window now; the next two restarts told are.
  assert.equal(supervisor.recent(), null);
  supervisor.restarted(restartClock());
  supervisor.restarted(restartClock());
  assert.equal(supervisor.recent()?.length, 2);
  // A third within the window: the limit (3) is reached, the next failure escalates.
  assert.equal(supervisor.decide(new Error("again")), "restart");
  assert.equal(supervisor.decide(new Error("again")), "escalate");
});

/** The heap in use after a full garbage collection (V8's gc, exposed for the test). */
function heapAfterGc(): number {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
  return Deno.memoryUsage().heapUsed;
}
