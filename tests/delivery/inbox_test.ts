/**
 * The inbox's rules, without a Worker: records written into a mailbox as another thread would,
 * read back through one Inbox.
 */
import assert from "node:assert/strict";
import { ActorRef } from "../../mod.ts";
import { Writer } from "../../src/codec/mod.ts";
import { Inbox, writeEnvelope } from "../../src/delivery/mod.ts";
import type { Mailbox } from "../../src/ring/mod.ts";
import { oneThread } from "./_one_thread.ts";

/** Writes a record for `target` with `message` (or raw `body` bytes) into `into`. */
function write(
  into: Mailbox,
  courier: ReturnType<typeof oneThread>["courier"],
  target: ActorRef<unknown>,
  message: unknown,
  deadline = 0,
  body?: Uint8Array,
): void {
  const writer = new Writer(64).reset(courier);
  writeEnvelope(writer, target, null, deadline);
  if (body === undefined) writer.value(message);
  else writer.raw(body);
  assert.ok(into.trySend(writer.toBytes()));
}

Deno.test("inbox: a good record is taken; stale, late and undecodable ones become dead letters", async () => {
  const t = oneThread();
  try {
    const { mailbox, ref } = t.mailbox();
    const other = t.other(mailbox);
    const earlier = new ActorRef(ref.slot, ref.generation + 1, 0, t.courier);
    write(other, t.courier, ref, "good");
    write(other, t.courier, earlier, "for an earlier actor");
    write(other, t.courier, ref, "too late", Date.now() - 1000);
    write(other, t.courier, ref, undefined, 0, new Uint8Array([0xff, 0xff, 0xff]));
    write(other, t.courier, ref, "in time", Date.now() + 60_000);
    mailbox.bindReceiver(t.loop.doorbell);

    const inbox = new Inbox(t.courier);
    const taken: unknown[] = [];
    const senders = { lastSender: null };
    for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
      const decoded = inbox.read(mailbox, length, senders);
      if (inbox.admit(decoded, ref, "Target")) taken.push(inbox.message);
    }
    assert.deepEqual(taken, ["good", "in time"]);
    assert.deepEqual(t.lost.map((l) => l.kind), ["stale", "deadline", "undecodable"]);
    assert.equal(t.lost[0].message, "for an earlier actor");
    assert.equal(t.lost[0].target.generation, ref.generation + 1, "the stale ref it named");
    assert.match(t.lost[1].reason, /deadline passed \d+ ms before Target could handle it/);
    assert.equal(t.lost[2].message, undefined);
    assert.match(t.lost[2].reason, /could not be decoded/);
    assert.equal(t.directory.deadLetters, 3, "each counted once");
  } finally {
    await t.end();
  }
});

Deno.test("inbox: a closed mailbox's records drain as dead letters, some left out on request", async () => {
  const t = oneThread();
  try {
    const { mailbox, ref } = t.mailbox();
    const other = t.other(mailbox);
    for (const message of ["a", "skip", "b"]) write(other, t.courier, ref, message);
    write(other, t.courier, ref, undefined, 0, new Uint8Array([0xff]));
    mailbox.bindReceiver(t.loop.doorbell);
    mailbox.close();
    const drained = new Inbox(t.courier).drain(
      mailbox,
      ref,
      "stopped",
      "it stopped",
      { lastSender: null },
      (message) => message === "skip",
    );
    assert.equal(drained, 3);
    assert.deepEqual(t.lost.map((l) => [l.message, l.kind]), [
      ["a", "stopped"],
      ["b", "stopped"],
      [undefined, "stopped"],
    ]);
  } finally {
    await t.end();
  }
});

Deno.test("inbox: a sender is reused while it repeats, but a reply address (tagged) is never kept", async () => {
  const t = oneThread();
  try {
    const { mailbox, ref } = t.mailbox();
    const other = t.other(mailbox);
    const plain = new ActorRef(ref.slot, ref.generation, 0, t.courier);
    const tagged = new ActorRef(ref.slot, ref.generation, 7, t.courier);
    for (const sender of [plain, plain, tagged, tagged]) {
      const writer = new Writer(64).reset(t.courier);
      writeEnvelope(writer, ref, sender, 0);
      writer.value("hi");
      assert.ok(other.trySend(writer.toBytes()));
    }
    mailbox.bindReceiver(t.loop.doorbell);
    const inbox = new Inbox(t.courier);
    const senders: { lastSender: ActorRef<unknown> | null } = { lastSender: null };
    const seen: (ActorRef<unknown> | null)[] = [];
    for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
      inbox.read(mailbox, length, senders);
      seen.push(inbox.envelope.sender);
    }
    assert.equal(seen.length, 4);
    assert.equal(seen[0], seen[1], "an untagged sender's ref is reused");
    assert.ok(seen[2]!.equals(tagged) && seen[2]!.tag === 7 && seen[3]!.tag === 7);
    assert.equal(senders.lastSender, seen[0], "the tagged sender did not replace it");
  } finally {
    await t.end();
  }
});

Deno.test("inbox: a record whose deadline is no positive finite time is undecodable, not late on one path and never on another", async () => {
  const t = oneThread();
  try {
    const { ref } = t.mailbox();
    const inbox = new Inbox(t.courier);
    const senders = { lastSender: null };
    // What writeEnvelope writes for a deadline (send allows only positive finite ones)...
    const good = new Writer(64).reset(t.courier);
    writeEnvelope(good, ref, null, Date.now() + 60_000);
    good.value(null);
    const record = good.toBytes();
    assert.ok(inbox.decode(record, 0, record.length, senders));
    // ...with the f64 after the head byte and the two varuints forged.
    const at = record.length - 1 - 8;
    const view = new DataView(record.buffer, record.byteOffset);
    for (const forged of [NaN, -1, 0, -0, Infinity]) {
      view.setFloat64(at, forged, true);
      assert.equal(inbox.decode(record, 0, record.length, senders), false, `deadline ${forged}`);
      assert.match(String(inbox.error), /a deadline of/);
      assert.equal(inbox.envelope.deadline, 0);
    }
  } finally {
    await t.end();
  }
});
