/**
 * The courier's routing decisions, without a Worker: local mail for an actor of this thread once
 * its ring held nothing of this thread's, the transport for any other mailbox, a dead letter for
 * a ref that is no longer live or a sender refused during a shutdown.
 */
import assert from "node:assert/strict";
import { Actor, ActorRef, handles, OtherMessage } from "../../mod.ts";
import type { Writer } from "../../src/codec/mod.ts";
import { SlotState, type Transport } from "../../src/delivery/mod.ts";
import { localReceiverOf } from "../../src/delivery/mailbox_handles.ts";
import type { Mailbox } from "../../src/ring/mod.ts";
import { eventually } from "../_system.ts";
import { oneThread } from "./_one_thread.ts";

/** Counts what goes through it, by mailbox offset. */
class CountingTransport implements Transport<Mailbox> {
  readonly counts = new Map<number, number>();
  constructor(readonly inner: Transport<Mailbox>) {}
  #count(to: Mailbox): void {
    this.counts.set(to.offset, (this.counts.get(to.offset) ?? 0) + 1);
  }
  offer(to: Mailbox, record: Writer): boolean {
    this.#count(to);
    return this.inner.offer(to, record);
  }
  offerBytes(to: Mailbox, bytes: Uint8Array, start?: number, end?: number): boolean {
    this.#count(to);
    return this.inner.offerBytes(to, bytes, start, end);
  }
  sendWaiting(
    to: Mailbox,
    record: Writer,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): boolean {
    this.#count(to);
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
    this.#count(to);
    return this.inner.sendBytesWaiting(to, bytes, start, end, timeoutMs, giveUp);
  }
  whenRoom(to: Mailbox, length: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.inner.whenRoom(to, length, timeoutMs, signal); // moves nothing: not counted
  }
}

/** Keeps what it handles. */
class Keeper extends Actor<unknown> {
  constructor(readonly kept: unknown[]) {
    super();
  }
  @handles(OtherMessage)
  onAny(message: unknown) {
    this.kept.push(message);
  }
}

Deno.test("courier: this thread's actor gets local mail once its ring is empty; others the transport", async () => {
  const t = oneThread();
  try {
    const transport = new CountingTransport(t.courier.transport);
    t.courier.useTransport(transport);
    const kept: unknown[] = [];
    const keeper = t.spawn(Keeper, [kept]);
    keeper.ref.send("first"); // the ring: local mail is not open yet
    await eventually(() => kept.length === 1, "the first arrived");
    await eventually(() => localReceiverOf(keeper.cell.mailbox) === keeper.cell, "local mail open");
    for (let i = 0; i < 10; i++) keeper.ref.send(i);
    await eventually(() => kept.length === 11, "the rest arrived");
    assert.deepEqual(kept, ["first", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(transport.counts.get(keeper.cell.mailbox.offset), 1, "only the first crossed");

    // A mailbox this thread does not serve: every send goes through the transport.
    const { mailbox, ref } = t.mailbox();
    for (let i = 0; i < 3; i++) ref.send(i);
    assert.equal(transport.counts.get(mailbox.offset), 3);
    assert.deepEqual(t.lost, []);
  } finally {
    await t.end();
  }
});

Deno.test("courier: a ref that is not live, or a refused sender, is a dead letter and crosses nothing", async () => {
  const t = oneThread();
  try {
    const transport = new CountingTransport(t.courier.transport);
    t.courier.useTransport(transport);
    const { ref } = t.mailbox();
    t.directory.setState(ref.slot, SlotState.Stopping);
    ref.send("to a stopping actor");
    t.directory.setState(ref.slot, SlotState.Running);
    new ActorRef(ref.slot, ref.generation + 1, 0, t.courier).send("through a stale ref");
    t.courier.refusing = "the system is shutting down";
    ref.send("from outside during a shutdown");
    t.courier.refusing = null;
    assert.deepEqual(t.lost.map((l) => [l.message, l.kind]), [
      ["to a stopping actor", "stopped"],
      ["through a stale ref", "stale"],
      ["from outside during a shutdown", "shutdown"],
    ]);
    assert.equal(transport.counts.size, 0, "nothing crossed");
    ref.send("now it runs");
    assert.equal(transport.counts.size, 1);
  } finally {
    await t.end();
  }
});

Deno.test("courier: a record from another node for an actor whose mailbox closed meanwhile is a dead letter with its message", async () => {
  const t = oneThread();
  try {
    const { mailbox, ref } = t.mailbox();
    // The link saw the actor live and passed the record on undecoded; its mailbox closed since.
    const record = t.courier.encode(ref, { order: 7 }, null);
    mailbox.close();
    t.courier.deliverEncoded(ref, record, null, undefined);
    assert.deepEqual(t.lost.map((l) => [l.message, l.kind]), [[{ order: 7 }, "stopped"]]);
  } finally {
    await t.end();
  }
});
