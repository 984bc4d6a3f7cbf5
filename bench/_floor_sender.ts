/// <reference lib="deno.worker" />
/**
 * The sending Worker of bench/remote_bench.ts's limit case: it plays the actor that sends, with no
 * actor layer. It is the only producer of the ring it is given (bench/_floor_ring.ts states the
 * ring's layout and which thread writes each word); the main thread of its process consumes it.
 *
 * Messages: first `{ ring }` (the ring's SharedArrayBuffer), then a number `count` per run: it
 * appends `count` records of RECORD_PAYLOAD_BYTES as fast as the ring takes them.
 */
import { RingProducer } from "./_floor_ring.ts";

export const RECORD_PAYLOAD_BYTES = 32;
/** A record on the ring: the length byte and the payload. */
export const RECORD_BYTES = 1 + RECORD_PAYLOAD_BYTES;
/** Every payload byte, so a receiver's sum of one byte per record shows what came. */
export const RECORD_PAYLOAD_FILL = 7;
/**
 * Records appended between two publishes of the write offset: one Atomics.store per 2 KiB rather
 * than per record, while the main thread still sees work often enough to keep NATS busy.
 */
const PUBLISH_EVERY = 64;
/** Longest single park while the ring is full; the main thread frees room within microseconds. */
const PARK_MS = 50;
const ROOM_TIMEOUT_MS = 5_000;

let producer: RingProducer | undefined;
const payload = new Uint8Array(RECORD_PAYLOAD_BYTES).fill(RECORD_PAYLOAD_FILL);

self.onmessage = (
  event: MessageEvent<{ ring: SharedArrayBuffer } | number>,
) => {
  if (typeof event.data !== "number") {
    producer = new RingProducer(event.data.ring);
    return;
  }
  const ring = producer!;
  for (let i = 1; i <= event.data; i++) {
    if (!ring.tryAppendRecord(payload)) appendAfterWaiting(ring);
    if (i % PUBLISH_EVERY === 0) ring.publish();
  }
  ring.publish();
};

/**
 * Waits for room, then appends. Bounded: when the main thread takes nothing for ROOM_TIMEOUT_MS
 * the run is abandoned, so this Worker gets back to its event loop, where terminate() can end it.
 */
function appendAfterWaiting(ring: RingProducer): void {
  const deadline = performance.now() + ROOM_TIMEOUT_MS;
  while (!ring.tryAppendRecord(payload)) {
    if (performance.now() > deadline) {
      throw new Error(
        `the main thread took nothing from the ring for ${ROOM_TIMEOUT_MS} ms`,
      );
    }
    ring.waitForRoom(PARK_MS);
  }
}
