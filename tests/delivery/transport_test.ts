/**
 * The Transport seam: a transport used only here, which records what crosses and passes it on to
 * the shared-memory transport, put in with one line; calls go through it and still get answers.
 */
import assert from "node:assert/strict";
import type { Writer } from "../../src/codec/mod.ts";
import type { Transport } from "../../src/delivery/mod.ts";
import type { Mailbox } from "../../src/ring/mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Doubler, Task } from "../_actors/basic.ts";
import { testSystem } from "../_system.ts";

/** Records each record's size and destination, then passes it on. */
class RecordingTransport implements Transport<Mailbox> {
  readonly crossed: { mailbox: number; bytes: number }[] = [];
  constructor(readonly inner: Transport<Mailbox>) {}
  offer(to: Mailbox, record: Writer): boolean {
    this.crossed.push({ mailbox: to.offset, bytes: record.length });
    return this.inner.offer(to, record);
  }
  offerBytes(to: Mailbox, bytes: Uint8Array, start?: number, end?: number): boolean {
    this.crossed.push({ mailbox: to.offset, bytes: (end ?? bytes.length) - (start ?? 0) });
    return this.inner.offerBytes(to, bytes, start, end);
  }
  sendWaiting(
    to: Mailbox,
    record: Writer,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): boolean {
    return this.inner.sendWaiting(to, record, timeoutMs, giveUp);
  }
  sendBytesWaiting(
    to: Mailbox,
    bytes: Uint8Array,
    start: number,
    end: number,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): boolean {
    return this.inner.sendBytesWaiting(to, bytes, start, end, timeoutMs, giveUp);
  }
  whenRoom(to: Mailbox, length: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.inner.whenRoom(to, length, timeoutMs, signal);
  }
}

Deno.test("transport: a wrapping transport sees every record the main thread sends", async () => {
  await using t = testSystem();
  const doubler = t.system.spawn(Doubler);
  await t.system.started(doubler);
  const courier = internalsOf(t.system).bridgeHost.courier;
  const recording = new RecordingTransport(courier.transport);
  courier.useTransport(recording); // the one registration line

  const answers = await Promise.all([1, 2, 3].map((n) => t.bridge.call(doubler, new Task(n))));
  assert.deepEqual(answers, [2, 4, 6]);
  const toDoubler = recording.crossed.filter((r) =>
    r.mailbox === (doubler.mailboxCache as Mailbox).offset
  );
  assert.equal(toDoubler.length, 3, "each request crossed once");
  assert.ok(toDoubler.every((r) => r.bytes > 0));
});
