/// <reference lib="deno.worker" />
/**
 * The receiving Worker of bench/remote_bench.ts's limit case, in the peer process: it plays the
 * actor that receives, with no actor layer. It is the only consumer of the ring it is given
 * (bench/_floor_ring.ts states the ring's layout and which thread writes each word); the peer's
 * main thread produces into it, in bulk, the bytes of each NATS message.
 *
 * Its one message is `{ ring, batch, work }`; from then on it reads records and posts a number
 * each time it has read `batch` more: the sum of one byte of each, so the reads are not dead
 * code and the bench can check that the right bytes came. `work` is what it does per record:
 * - "read-byte": reads one byte, the floor of moving bytes between threads;
 * - "copy": copies the record's bytes into a new Uint8Array, the least that delivering a
 *   Uint8Array message costs (a fresh array costs 200–650 ns in Deno).
 */
import { type RecordVisitor, RingConsumer } from "./_floor_ring.ts";

export type ReceiverWork = "read-byte" | "copy";
export interface ReceiverSetup {
  ring: SharedArrayBuffer;
  batch: number;
  work: ReceiverWork;
}

/** Longest single park while the ring is empty: bounded, and costless when idle between runs. */
const PARK_MS = 100;

let checksum = 0;
const VISITORS: Record<ReceiverWork, RecordVisitor> = {
  "read-byte": (bytes, at) => {
    checksum = (checksum + bytes[at]) | 0;
  },
  "copy": (bytes, at, length) => {
    const message = bytes.slice(at, at + length);
    checksum = (checksum + message[0]) | 0;
  },
};

self.onmessage = (event: MessageEvent<ReceiverSetup>) => {
  const { ring, batch, work } = event.data;
  const consumer = new RingConsumer(ring);
  const visit = VISITORS[work];
  let read = 0;
  const drain = () => {
    for (;;) {
      const records = consumer.forEachRecord(visit);
      if (records === 0) {
        // Idle a whole park: back to the event loop once, where terminate() can end this Worker
        // (Deno cannot end one that never returns to it).
        if (!consumer.waitForData(PARK_MS)) return void setTimeout(drain);
        continue;
      }
      read += records;
      if (read >= batch) {
        read -= batch;
        self.postMessage(checksum);
        checksum = 0;
      }
    }
  };
  drain();
};
