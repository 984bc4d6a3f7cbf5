/**
 * An actor restarted after its Worker died (here: killed) may be placed in a Worker that is
 * blocked sending into that very actor's full mailbox (real Workers). That Worker could neither
 * start it nor drain it until its send timed out: the send failed with MailboxFullError, and
 * every other sender waited out its send timeout too. The blocked send now sees that only its
 * own thread can make room, stops waiting, and queues the record.
 */
import assert from "node:assert/strict";
import { eventually, testSystem } from "../_system.ts";
import { Pump, PumpJob, type PumpOutcome, Sink } from "../_actors/ring_pressure.ts";

Deno.test({
  name:
    "restart block: a sink killed while its pool neighbour Worker blocks sending to it is restarted there, and the blocked send goes (real Workers)",
  async fn() {
    await using t = testSystem({ sendTimeout: 3000, supervision: { onFailure: "restart" } });
    const { system, bridge } = t;
    const pool = system.createPool({ workers: 2, mailboxCapacity: 256 });
    const sink = pool.spawn(Sink);
    const pump = pool.spawn(Pump);
    // The pool places round-robin, restarts too: one more spawn makes the pump's Worker next.
    const other = pool.spawn(Sink);
    await Promise.all([system.started(sink), system.started(pump), system.started(other)]);
    const workerOf = (ref: typeof sink) =>
      system.inspect().actors.find((a) => a.ref.equals(ref))?.worker;
    const pumpWorker = workerOf(pump);
    assert.notEqual(workerOf(sink), pumpWorker, "precondition: the pool put them apart");
    assert.equal(workerOf(other), workerOf(sink), "precondition: round-robin placement");
    // The sink's Worker is busy for 800 ms from now; its 256-byte ring holds one record of the
    // pump's, so the pump's Worker blocks on the second.
    assert.equal(await bridge.call(sink, "busy:800", { timeout: 5000 }), "busy");
    const job = bridge.call(pump, new PumpJob(sink, "p", 4, 4, 1, 150, 150), {
      timeout: 20_000,
    }) as Promise<PumpOutcome>;
    await eventually(
      () => (system.inspect().actors.find((a) => a.ref.equals(sink))?.mailbox.usedBytes ?? 0) > 0,
      "the pump's first record in the sink's ring",
    );
    assert.ok(system.kill(sink, "review"));
    const pinged = await bridge.call(sink, "ping", { timeout: 10_000 }).then(
      (reply) => `answered ${reply}`,
      (error) => `failed: ${String(error).slice(0, 90)}`,
    );
    const outcome = await job;
    assert.equal(workerOf(sink), pumpWorker, "precondition: restarted in the pump's Worker");
    assert.deepEqual(outcome.threw, [], `the pump's sends all went: ${outcome.errors.join(" | ")}`);
    assert.match(pinged, /^answered ok/);
  },
});
