/**
 * A profiling driver (not a bench): an actor sends 32 B messages one-way to an actor of another
 * process (bench/_ringmail_peer.ts) for a few seconds, printing messages per second. `bytes`
 * sends a Uint8Array, `numbers` a Sample (four float64 fields); `main` sends the Uint8Arrays from
 * the main thread itself, not from an actor. With a third argument, the peer is profiled too,
 * into that directory:
 *
 *   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/_prof_oneway.ts bytes 4 /tmp/prof
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { startNatsServer } from "../tests/remote/_nats_server.ts";
import { closeAll, printLinks, printRates, startPeer } from "./_prof_peer.ts";
import { Blast, Blaster, Expect, Sample, SampleBlast } from "./_remote_actors.ts";

const kind = Deno.args[0] ?? "bytes";
const seconds = Number(Deno.args[1] ?? 3);
const peerProfile = Deno.args[2];
const MESSAGES = 100_000;
const PAYLOAD = new Uint8Array(32).fill(7);

const server = await startNatsServer();
const peer = await startPeer(server.url, peerProfile);

const system = new ActorSystem({
  cluster: { servers: server.url, name: "bench" },
});
const bridge = new Bridge(system);
const tally = await system.lookup<Expect | Uint8Array | Sample>("tally");
const blaster = system.spawn(Blaster);
const blast = kind === "numbers"
  ? new SampleBlast(tally as never, MESSAGES, new Sample(0.1, 0.2, 0.3, 0.4))
  : new Blast(tally as never, MESSAGES, PAYLOAD);

async function round(): Promise<number> {
  const started = performance.now();
  const done = bridge.call(tally, new Expect(MESSAGES), { timeout: 60_000 });
  if (kind === "main") {
    for (let i = 0; i < MESSAGES; i++) {
      tally.send(PAYLOAD);
    }
  } else await bridge.call(blaster, blast, { timeout: 60_000 });
  await done;
  return MESSAGES / ((performance.now() - started) / 1000);
}

await printRates(kind, round, seconds, 1e6, "M msg/s");
// What the link saw (warm-up included): how full its batches went, and how long it waited for
// the other node's credit.
await printLinks(system);
await closeAll(bridge, system, peer, server);
