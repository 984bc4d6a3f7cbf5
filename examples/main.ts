/**
 * `deno task example`: a worker sends greetings to the main thread through a shared-memory
 * mailbox (the ring layer the actors will stand on).
 */
import { Arena, Doorbell, Mailbox } from "../src/ring/mod.ts";

const arena = Arena.create();
const mailbox = Mailbox.create(arena, { capacity: 1024 });
mailbox.bindReceiver(Doorbell.create(arena));

const worker = new Worker(new URL("./ring_greeter.ts", import.meta.url), { type: "module" });
worker.postMessage({ buffer: arena.buffer, offset: mailbox.offset });
const decoder = new TextDecoder();
for (let i = 0; i < 3; i++) {
  const record = await mailbox.receiveAsync({ timeout: 10_000 });
  if (record === null) throw new Error("the greeter did not write within 10 s");
  console.log(decoder.decode(record));
}
worker.terminate();
