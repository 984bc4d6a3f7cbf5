/**
 * The other process of bench/remote_bench.ts's limit case: for each receiver work ("read-byte",
 * "copy") a ring and a receiving Worker (bench/_floor_receiver.ts). Each NATS message on
 * `bench.floor.<work>` is copied into that ring in bulk, as it came (records may straddle two
 * messages: the ring is one byte stream); each time the Worker has read a whole batch of records,
 * `bench.floor.<work>.done` is published, with the Worker's checksum of that batch. It says
 * `bench.floor.ready` once its subscriptions are in place, and exits when its stdin closes (the
 * bench ended, however it ended).
 *
 *   deno run --config bench/deno.json --allow-read=bench --allow-net=127.0.0.1 \
 *     bench/_floor_peer.ts <url> <batch>
 *
 * This main thread is the only producer of each ring (bench/_floor_ring.ts states the layout).
 */
import { connect } from "@nats-io/transport-node";
import { createRing, RingProducer } from "./_floor_ring.ts";
import type { ReceiverSetup, ReceiverWork } from "./_floor_receiver.ts";

/** How long one message may wait for room in a full ring before the peer gives up. */
const ROOM_TIMEOUT_MS = 5_000;
const WORKS: ReceiverWork[] = ["read-byte", "copy"];

const [url, batchArgument] = Deno.args;
const batch = Number(batchArgument);
const nc = await connect({ servers: url, reconnect: false });

const workers = WORKS.map((work) => {
  const ring = createRing();
  const producer = new RingProducer(ring);
  const worker = new Worker(new URL("./_floor_receiver.ts", import.meta.url), {
    type: "module",
  });
  worker.onmessage = (event) => nc.publish(`bench.floor.${work}.done`, String(event.data));
  worker.postMessage({ ring, batch, work } satisfies ReceiverSetup);
  nc.subscribe(`bench.floor.${work}`, {
    // Blocking here while the ring is full is the backpressure: NATS buffers meanwhile.
    callback: (_error, message) => producer.appendBytes(message.data, ROOM_TIMEOUT_MS),
  });
  return worker;
});
await nc.flush();
nc.publish("bench.floor.ready");

for await (const _ of Deno.stdin.readable) {
  // Nothing is sent on stdin: its end is the signal to go.
}
workers.forEach((worker) => worker.terminate());
await nc.close();
