/**
 * A measuring driver (not a bench, not ringmail): can a Worker that holds a NATS connection of its
 * own answer requests as fast as a main thread? The question behind a cluster link per Worker (see
 * docs/architecture.md, "What a call across nodes costs"). Raw NATS only: 1,000 sequential
 * request/replies to another process, answered by its main thread or by a Worker of it with its own
 * connection, alternating; and what loading the client and connecting adds to a Worker's start.
 *
 *   deno run --config bench/deno.json -A bench/_prof_nats_worker.ts
 */
import { connect } from "@nats-io/transport-node";
import { startNatsServer } from "../tests/remote/_nats_server.ts";

const WORKER = new URL("./_nats_worker_echo.ts", import.meta.url);
const REQUESTS = 1_000;

/** Starts a Worker answering on `subject`; resolves with it and how long it took, once ready. */
async function echoWorker(url: string, subject: string): Promise<[Worker, number]> {
  const started = performance.now();
  const worker = new Worker(WORKER, { type: "module" });
  await new Promise((resolve) => {
    worker.onmessage = resolve;
    worker.postMessage({ url, subject });
  });
  return [worker, performance.now() - started];
}

if (Deno.args[0] === "peer") {
  // The other process: answers `bench.main` on its main thread and `bench.worker` in a Worker.
  const url = Deno.args[1];
  const nc = await connect({ servers: url, reconnect: false });
  nc.subscribe("bench.main", {
    callback: (_error, message) => {
      message.respond(message.data);
    },
  });
  await nc.flush();
  const [worker, startMs] = await echoWorker(url, "bench.worker");
  nc.publish("bench.peer.ready", new TextEncoder().encode(startMs.toFixed(1)));
  await nc.flush();
  for await (const _ of Deno.stdin.readable) {
    // Nothing comes on stdin: its end is the signal to go.
  }
  worker.terminate();
  await nc.close();
} else {
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url, reconnect: false });
  const ready = nc.subscribe("bench.peer.ready", { max: 1 });
  const peer = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "peer", server.url],
    stdin: "piped",
  }).spawn();
  let startMs = "";
  for await (const message of ready) startMs = new TextDecoder().decode(message.data);
  const data = new Uint8Array(32);
  const sequential = async (subject: string) => {
    const started = performance.now();
    for (let i = 0; i < REQUESTS; i++) await nc.request(subject, data, { timeout: 5_000 });
    return ((performance.now() - started) / REQUESTS) * 1000;
  };
  await sequential("bench.main");
  await sequential("bench.worker");
  const rows: string[] = [];
  for (let round = 0; round < 4; round++) {
    const main = await sequential("bench.main");
    const worker = await sequential("bench.worker");
    rows.push(`${main.toFixed(0)} / ${worker.toFixed(0)}`);
  }
  console.log(
    `sequential request/reply, µs a round trip (main thread / Worker): ${rows.join(", ")}`,
  );
  console.log(`the peer's Worker started, loaded the client and connected in ${startMs} ms`);
  await peer.stdin.close();
  await peer.status;
  await nc.close();
  await server.stop();
}
