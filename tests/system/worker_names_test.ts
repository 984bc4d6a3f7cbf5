/**
 * A Worker names the actors it hosts (in what its courier reports: dead letters, full
 * mailboxes) without a map of every name: a served actor by its cell, one still starting by the
 * runtime's short list of starts (WorkerRuntime.nameOf).
 */
import assert from "node:assert/strict";
import { Actor, ActorRef } from "../../mod.ts";
import { MailboxPool } from "../../src/system/mailbox_pool.ts";
import { WorkerRuntime } from "../../src/system/worker/worker_runtime.ts";
import { oneThread } from "../delivery/_one_thread.ts";

export class Quiet extends Actor<string> {
  static readonly module = import.meta.url;
}

Deno.test("worker names: served actors by their cell, starting ones by the list of starts, others not", async () => {
  const t = oneThread();
  try {
    const guardian = new ActorRef(1, 1, 0, t.courier);
    const pool = new MailboxPool(t.arena, t.directory, t.courier.handles);
    const runtime = new WorkerRuntime(t.arena, t.directory, pool, t.courier, guardian, {
      dedicated: false,
      mailboxCapacity: 1024,
      maxMessageBytes: 1 << 20,
      supervision: { kind: "restart" } as never,
    });
    runtime.loop = t.loop;
    const { ref } = t.spawn(Quiet);
    assert.equal(runtime.nameOf(ref.slot), "Quiet", "served: its cell's name");
    const { ref: unserved } = t.mailbox();
    assert.equal(runtime.nameOf(unserved.slot), undefined, "a slot no actor here serves");
    runtime.starting.set(unserved.slot, "starting-one");
    assert.equal(runtime.nameOf(unserved.slot), "starting-one", "starting: the list's name");
    runtime.starting.delete(unserved.slot);
    assert.equal(runtime.nameOf(unserved.slot), undefined);
    for (const slot of [0, -1, t.directory.capacity, 1e9]) {
      assert.equal(runtime.nameOf(slot), undefined, `slot ${slot}: out of range`);
    }
  } finally {
    await t.end();
  }
});
