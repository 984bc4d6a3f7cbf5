/** Local mail keeps (message, sender, deadline, stamp) in order across growth and wrap-around. */
import assert from "node:assert/strict";
import { ActorRef } from "../../mod.ts";
import { LocalMail } from "../../src/delivery/local_mail.ts";
import type { ClassInfo } from "../../src/codec/mod.ts";

Deno.test("local mail: messages come out in order with their senders and deadlines", () => {
  const mail = new LocalMail();
  const senders = [null, new ActorRef(1, 1, 0, null), new ActorRef(2, 1, 0, null)];
  assert.equal(mail.shift(), undefined);
  let pushed = 0;
  let shifted = 0;
  // Uneven pushes and shifts, so the head wraps at every capacity the queue grows through.
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < (round % 7) + 3; i++, pushed++) {
      mail.push({ n: pushed }, senders[pushed % 3], pushed % 2 === 0 ? 0 : pushed, pushed * 8);
    }
    for (let i = 0; i < (round % 5) + 1 && mail.length > 0; i++, shifted++) {
      assert.deepEqual(mail.shift(), { n: shifted });
      assert.equal(mail.sender, senders[shifted % 3]);
      assert.equal(mail.deadline, shifted % 2 === 0 ? 0 : shifted);
    }
    assert.equal(mail.length, pushed - shifted);
  }
  while (mail.length > 0) assert.deepEqual(mail.shift(), { n: shifted++ });
  assert.equal(shifted, pushed);
  assert.equal(mail.shift(), undefined);
});

Deno.test("local mail: each message keeps its stamp; the head's is readable before taking it", () => {
  const mail = new LocalMail();
  assert.equal(mail.headStamp, 0);
  // Stamps are wrapping ring cursors: negative ones included.
  for (let i = 0; i < 20; i++) mail.push(`m${i}`, null, 0, (0x7fff_fff0 + 8 * i) | 0);
  for (let i = 0; i < 20; i++) {
    assert.equal(mail.headStamp, (0x7fff_fff0 + 8 * i) | 0);
    assert.equal(mail.shift(), `m${i}`);
  }
  assert.equal(mail.headStamp, 0);
  assert.equal(mail.length, 0);
});

Deno.test("local mail: its length is mirrored in the held count it is given, after every change", () => {
  const held = new Int32Array(new SharedArrayBuffer(16));
  const mail = new LocalMail(held, 2);
  for (let i = 1; i <= 10; i++) {
    mail.push(i, null, 0, 0);
    assert.equal(held[2], i);
  }
  for (let i = 9; i >= 0; i--) {
    mail.shift();
    assert.equal(held[2], i);
  }
  mail.shift(); // empty: nothing changes
  assert.deepEqual([...held], [0, 0, 0, 0], "only its own word");
});

Deno.test("local mail: unshift puts messages in front, across growth and wrap-around", () => {
  const held = new Int32Array(2);
  const mail = new LocalMail(held, 1);
  const expected: string[] = [];
  for (let round = 0; round < 50; round++) {
    // Some pushed at the back, a few taken, then a run put in front (last unshifted first out).
    for (let i = 0; i < (round % 4) + 1; i++) {
      mail.push(`back ${round}.${i}`, null, 0, 8);
      expected.push(`back ${round}.${i}`);
    }
    for (let i = 0; i < (round % 3) && mail.length > 0; i++) {
      assert.equal(mail.shift(), expected.shift());
    }
    const front = Array.from({ length: (round % 5) + 1 }, (_, i) => `front ${round}.${i}`);
    for (let i = front.length - 1; i >= 0; i--) mail.unshift(front[i], null, 0, 16);
    expected.unshift(...front);
    assert.equal(mail.headStamp, 16);
    assert.equal(mail.length, expected.length);
    assert.equal(held[1], expected.length, "the held count follows");
  }
  mail.setStashed(3);
  assert.equal(held[1], expected.length + 3, "stashed messages count as held");
  while (mail.length > 0) assert.equal(mail.shift(), expected.shift());
  assert.equal(held[1], 3);
  assert.equal(expected.length, 0);
});

Deno.test("local mail: each message keeps the class it was queued with; an unshifted one has none", () => {
  const mail = new LocalMail();
  const point = { index: 7 } as unknown as ClassInfo; // only carried, never read
  for (let i = 0; i < 10; i++) mail.push(i, null, 0, 0, null, i % 2 === 0 ? point : null);
  mail.unshift("stashed", null, 0, 0);
  assert.equal(mail.shift(), "stashed");
  assert.equal(mail.messageClass, null);
  for (let i = 0; i < 10; i++) {
    assert.equal(mail.shift(), i);
    assert.equal(mail.messageClass, i % 2 === 0 ? point : null);
  }
});
