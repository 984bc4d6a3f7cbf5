/**
 * The other process of bench/remote_bench.ts: echoes requests on `bench.echo`, counts one-way
 * messages on `bench.oneway` and reports on `bench.oneway.done` each time it has seen a whole
 * batch. It says `bench.peer.ready` once its subscriptions are in place, and exits when its stdin
 * closes (the bench ended, however it ended).
 *
 *   deno run --config bench/deno.json --allow-net=127.0.0.1 bench/_nats_peer.ts <url> <batch>
 */
import { connect } from "@nats-io/transport-node";

const [url, batchArgument] = Deno.args;
const batch = Number(batchArgument);
const nc = await connect({ servers: url, reconnect: false });

nc.subscribe("bench.echo", {
  callback: (_error, message) => {
    message.respond(message.data);
  },
});
let seen = 0;
nc.subscribe("bench.oneway", {
  callback: () => {
    if (++seen < batch) return;
    seen = 0;
    nc.publish("bench.oneway.done");
  },
});
await nc.flush();
nc.publish("bench.peer.ready");

for await (const _ of Deno.stdin.readable) {
  // Nothing is sent on stdin: its end is the signal to go.
}
await nc.close();
