/**
 * The sending half of bench/remote_bench.ts's limit case, on the bench's main thread: a sending
 * Worker (bench/_floor_sender.ts) appends records to a ring as fast as it can, and this thread
 * copies whole spans of that ring into NATS messages of up to MESSAGE_BYTES and publishes them.
 * This thread is the only consumer of the ring (bench/_floor_ring.ts states the layout and which
 * thread writes each word); it never looks at a record.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { createRing, RingConsumer } from "./_floor_ring.ts";
import { RECORD_BYTES } from "./_floor_sender.ts";

/** ~60 KiB a NATS message: well under its 1 MiB max payload, many records per publish. */
const MESSAGE_BYTES = 60 * 1024;
/** How long the ring may stay empty mid-run before the run counts as failed. */
const IDLE_TIMEOUT_MS = 5_000;

export class FloorSource {
  readonly #worker = new Worker(new URL("./_floor_sender.ts", import.meta.url), { type: "module" });
  readonly #ring = createRing();
  readonly #consumer = new RingConsumer(this.#ring);

  constructor(private readonly nc: NatsConnection) {
    this.#worker.postMessage({ ring: this.#ring });
  }

  /** Has the Worker send `count` records and publishes them all on `subject`. */
  async send(count: number, subject: string): Promise<void> {
    this.#worker.postMessage(count);
    let left = count * RECORD_BYTES;
    let idleSince = performance.now();
    while (left > 0) {
      const span = this.#consumer.takeSpan(Math.min(left, MESSAGE_BYTES));
      if (span === undefined) {
        if (performance.now() - idleSince > IDLE_TIMEOUT_MS) {
          throw new Error(`the sending Worker appended nothing for ${IDLE_TIMEOUT_MS} ms`);
        }
        // Parked without blocking: the NATS client writes its socket from this thread.
        await this.#consumer.waitForDataAsync(IDLE_TIMEOUT_MS);
        continue;
      }
      this.nc.publish(subject, span);
      left -= span.length;
      idleSince = performance.now();
    }
  }

  close(): void {
    this.#worker.terminate();
  }
}
