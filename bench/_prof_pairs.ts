/**
 * A profiling driver (not a bench): 64 pairs of actors ping-pong across two processes (the
 * pingers here in one pool Worker, the pongers in bench/_ringmail_peer.ts), printing round trips
 * per second. With a second argument, the peer is profiled too, into that directory:
 *
 *   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/_prof_pairs.ts 4 /tmp/prof
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { startNatsServer } from "../tests/remote/_nats_server.ts";
import { closeAll, printLinks, printRates, startPeer } from "./_prof_peer.ts";
import { Pinger, Rally } from "./_remote_actors.ts";

const seconds = Number(Deno.args[0] ?? 3);
const peerProfile = Deno.args[1];
const PAIRS = 64;
const ROUND_TRIPS = 10_000;

const server = await startNatsServer();
const peer = await startPeer(server.url, peerProfile);

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

await printRates("pairs", round, seconds, 1e3, "k RT/s");
await printLinks(system);
await closeAll(bridge, system, peer, server);
