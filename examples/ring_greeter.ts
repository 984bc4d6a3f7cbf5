/// <reference lib="deno.worker" />
/** The worker half of examples/main.ts: writes three records into the main thread's mailbox. */
import { Arena, Mailbox } from "../src/ring/mod.ts";

self.onmessage = (event: MessageEvent<{ buffer: SharedArrayBuffer; offset: number }>) => {
  const arena = Arena.attach(event.data.buffer);
  const mailbox = Mailbox.attach(arena, event.data.offset, arena.newThreadId());
  const encoder = new TextEncoder();
  for (const name of ["Ada", "Grace", "Edsger"]) {
    mailbox.send(encoder.encode(`hello, ${name}, from a worker`), 10_000);
  }
};
