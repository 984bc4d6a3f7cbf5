/**
 * A profiling driver (not a bench): 64 pairs of actors ping-pong across two processes (the
 * pingers here in one pool Worker, the pongers in bench/_ringmail_peer.ts), printing round trips
 * per second. With a second argument, the peer is profiled too, into that directory:
 *
 *   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/_prof_pairs.ts 4 /tmp/prof
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { startNatsServer } from "../tests/remote/_nats_server.ts";
import { Pinger, Rally } from "./_remote_actors.ts";

const seconds = Number(Deno.args[0] ?? 3);
const peerProfile = Deno.args[1];
const PAIRS = 64;
const ROUND_TRIPS = 10_000;

const server = await startNatsServer();
const peer = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    ...(peerProfile ? ["--cpu-prof", `--cpu-prof-dir=${peerProfile}`] : []),
    new URL("./_ringmail_peer.ts", import.meta.url).pathname,
    server.url,
  ],
  stdin: "piped",
  stdout: "piped",
}).spawn();
const lines = peer.stdout.pipeThrough(new TextDecoderStream()).getReader();
if (!(await lines.read()).value?.includes("ready")) {
  throw new Error("the peer did not start");
}
lines.releaseLock();

const system = new ActorSystem({
  cluster: { servers: server.url, name: "bench" },
});
const bridge = new Bridge(system);
const pool = system.createPool({ workers: 1 });
const pairs = await Promise.all(
  Array.from({ length: PAIRS }, async (_, i) => ({
    pinger: pool.spawn(Pinger),
    ponger: await system.lookup<number>(`ponger ${i}`),
  })),
);

async function round(): Promise<number> {
  const started = performance.now();
  await Promise.all(
    pairs.map(({ pinger, ponger }) =>
      bridge.call(pinger, new Rally(ponger, ROUND_TRIPS / PAIRS), {
        timeout: 60_000,
      })
    ),
  );
  return ROUND_TRIPS / ((performance.now() - started) / 1000);
}

for (let i = 0; i < 5; i++) await round();
const rates: number[] = [];
const end = performance.now() + seconds * 1000;
while (performance.now() < end) rates.push(await round());
rates.sort((a, b) => a - b);
console.log(
  `pairs: median ${(rates[rates.length >> 1] / 1e3).toFixed(1)}k RT/s ` +
    `(p10 ${(rates[Math.floor(rates.length / 10)] / 1e3).toFixed(1)}k, ${rates.length} rounds)`,
);
for (const link of (await system.clusterStatus()).links) {
  console.log(
    `  link: ${(link.recordsSent / Math.max(1, link.batchesSent)).toFixed(1)} records a batch, ` +
      `${link.creditStalls} credit stalls (${link.creditStalledMs.toFixed(0)} ms), ` +
      `ping ${link.roundTripAverageMs.toFixed(2)} ms`,
  );
}
bridge.close();
await system.shutdown();
await peer.stdin.close();
await peer.status;
await server.stop();
