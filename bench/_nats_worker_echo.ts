/// <reference lib="deno.worker" />
/**
 * A Worker for bench/_prof_nats_worker.ts: holds a NATS connection of its own and answers each
 * request on the subject it is given with the request's data, as the peer's main thread does.
 */
import { connect } from "@nats-io/transport-node";

self.onmessage = async (event: MessageEvent<{ url: string; subject: string }>) => {
  const nc = await connect({ servers: event.data.url, reconnect: false });
  nc.subscribe(event.data.subject, {
    callback: (_error, message) => {
      message.respond(message.data);
    },
  });
  await nc.flush();
  self.postMessage("ready");
};
