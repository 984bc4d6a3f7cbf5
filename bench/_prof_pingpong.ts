/**
 * A profiling driver (not a bench): rallies between two actors near each other in one Worker
 * (`near`) or on two Workers (`far`) for a few seconds, printing messages per second.
 *
 *   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/_prof_pingpong.ts near 4
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { Pinger, Ponger, Rally } from "./_pingpong_actors.ts";

const where = Deno.args[0] ?? "near";
const seconds = Number(Deno.args[1] ?? 3);
const ROUND_TRIPS = 20_000;
const system = new ActorSystem();
const bridge = new Bridge(system);
const pool = system.createPool({ workers: 2 });
const pinger = pool.spawn(Pinger);
const ponger = where === "near" ? pool.spawnWith(Ponger, { near: pinger }) : pool.spawn(Ponger);
await Promise.all([pinger, ponger].map((ref) => system.started(ref)));
for (let i = 0; i < 20; i++) {
  await bridge.call(pinger, new Rally(ponger, ROUND_TRIPS), { timeout: 60_000 });
}
const rates: number[] = [];
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  const started = performance.now();
  await bridge.call(pinger, new Rally(ponger, ROUND_TRIPS), { timeout: 60_000 });
  rates.push((2 * ROUND_TRIPS) / ((performance.now() - started) / 1000));
}
rates.sort((a, b) => a - b);
console.log(
  `${where}: median ${(rates[rates.length >> 1] / 1e6).toFixed(2)}M messages/s ` +
    `(p10 ${(rates[Math.floor(rates.length / 10)] / 1e6).toFixed(2)}M, ${rates.length} rallies)`,
);
// Parked workers write their profiles when terminated; spinning ones may not. After 500 ms the
// busy Worker's profile was missing in most runs; after 2 s it was there.
await new Promise((resolve) => setTimeout(resolve, 2_000));
bridge.close();
await system.shutdown();
