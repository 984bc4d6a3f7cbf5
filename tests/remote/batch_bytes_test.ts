/**
 * The batch receiver on corrupt or forged bytes, without a NATS server: a stand-in host records
 * what it is told, and every batch is handed to `take` as the link's subscription does.
 */

import assert from "node:assert/strict";
import { BatchReceiver } from "../../src/remote/batch_receiver.ts";
import { BatchWriter, HEAD_BYTES } from "../../src/remote/wire.ts";
import type { LinkHost } from "../../src/system/cluster_link.ts";
import type { LinkFigures } from "../../src/remote/link_figures.ts";
import type { NatsConnection } from "../../src/remote/nats.ts";
import type { Peers } from "../../src/remote/peers.ts";

/** A receiver whose host records what is lost, refused and offered; `down` are found down. */
function receiver(down: ReadonlySet<number>, maxRecordBytes?: number) {
  const told = { lost: [] as number[], refused: [] as number[], offered: 0 };
  const host = {
    node: 1,
    prefix: "test",
    courier: {
      node: 1,
      encoded: {
        lastOfferedDoorbell: 0,
        offer: () => {
          told.offered++;
          return true;
        },
      },
      deadLetter() {},
    },
    outbox: { receiverDoorbell: 0 },
    directory: { liveMailbox: () => 0 },
    calledFromAfar() {},
    lost: (_from: number, count: number) => told.lost.push(count),
    refused: (_from: number, count: number) => told.refused.push(count),
  } as unknown as LinkHost;
  const peers = {
    downReason: (node: number) => down.has(node) ? "found down by the test" : undefined,
    watch() {},
  } as unknown as Peers;
  const counts = { batchesReceived: 0, recordsReceived: 0, bytesReceived: 0 };
  const figures = { of: () => counts } as unknown as LinkFigures;
  const nc = { publish() {} } as unknown as NatsConnection;
  const r = new BatchReceiver(nc, host, peers, figures, () => {}, () => 0, maxRecordBytes);
  return { r, told };
}

/** Runs `body` with console.error silenced (the receiver logs what it refuses). */
function quietly<T>(body: () => T): T {
  const error = console.error;
  console.error = () => {};
  try {
    return body();
  } finally {
    console.error = error;
  }
}

Deno.test("batch bytes: a corrupt batch from a node found down is refused as far as it reads, never thrown out of take", () => {
  const from = 2;
  const { r, told } = receiver(new Set([from]));
  const w = new BatchWriter(from);
  const record = Uint8Array.of(0x20, 0, 0, 0x01);
  w.add(record, 0, record.length);
  const whole = w.take({ sequence: 0 });
  // One good entry, then one whose length says 40 bytes where 1 is left.
  const batch = Uint8Array.of(...whole, 40 * 2, 0xb1);
  assert.equal(batch.length, HEAD_BYTES + 5 + 2);
  try {
    quietly(() => r.take(batch));
    assert.deepEqual(told.refused, [1], "the record it could read is counted as refused");
    assert.equal(told.offered, 0, "nothing of a node found down is delivered");
  } finally {
    r.close();
  }
});

Deno.test("batch bytes: pieces that never end are let go once they pass the largest record, counted as one lost, and the rest of that record is skipped", () => {
  const from = 3;
  const { r, told } = receiver(new Set(), 1000);
  const piece = new Uint8Array(300).fill(0xb1);
  const w = new BatchWriter(from);
  let sequence = 0;
  let begun = 0;
  let credit = 0;
  const send = (more: boolean, continues: boolean) => {
    w.add(piece, 0, piece.length, more, continues);
    const head = { sequence, begun, credit };
    sequence += w.count;
    begun += w.begun;
    credit += w.credit;
    r.take(w.take(head));
  };
  try {
    quietly(() => {
      // A forged sender's record in pieces, one a batch, far past what any record can be.
      send(true, false);
      for (let i = 0; i < 20; i++) send(true, true);
      send(false, true);
    });
    assert.deepEqual(told.lost, [1], "the record is one lost");
    assert.equal(told.offered, 0, "no part of it is delivered");
    assert.equal(r.sizes().pieces, 0, "no pieces are held");
  } finally {
    r.close();
  }
});

Deno.test("batch bytes: a head or ping that claims more records lost than entries is counted as at most one a lost entry", () => {
  const { r, told } = receiver(new Set());
  // A ping from node 100: 1 entry sent, and 2^31 - 1 records begun in it.
  const ping = Uint8Array.of(
    100,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0xff,
    0xff,
    0xff,
    0x7f,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  );
  // A batch from node 5 whose head says the same of the entries before it (its first is 3).
  const w = new BatchWriter(5);
  const record = Uint8Array.of(0x20, 0, 0, 0xb1);
  w.add(record, 0, record.length);
  const batch = w.take({ sequence: 3, begun: 0x7fff_ffff, credit: 0 });
  try {
    quietly(() => {
      r.sentSoFar(ping);
      r.take(batch);
    });
    assert.deepEqual(told.lost, [1, 3]);
  } finally {
    r.close();
  }
});
