/**
 * A profiling driver (not a bench): spawns batches of 2,000 actors into a 2-Worker pool and
 * calls each once, as scale_bench.ts's spawn case does, for a few rounds of 100,000, printing
 * actors per second. Each round's actors stay up, so every spawn gets a fresh mailbox.
 *
 *   deno run -A --v8-flags=--expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof bench/_prof_spawn.ts 3
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { Answer } from "./_scale_actors.ts";

const ROUNDS = Number(Deno.args[0] ?? 3);
const SPAWNED = 100_000;
const BATCH = 2_000;
const system = new ActorSystem({ maxActors: (ROUNDS + 1) * SPAWNED + 10_000 });
const bridge = new Bridge(system);
const pool = system.createPool({ workers: 2 });

async function round(count: number): Promise<void> {
  for (let done = 0; done < count; done += BATCH) {
    const batch = Array.from({ length: BATCH }, () => pool.spawn(Answer));
    for await (
      const { error } of bridge.multiCall(
        batch.map((ref, i) => [ref as never, i] as const),
        {
          timeout: 60_000,
        },
      )
    ) if (error) throw error;
  }
}

await round(10_000);
const rates: number[] = [];
async function measured(): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await round(SPAWNED);
    rates.push(SPAWNED / ((performance.now() - started) / 1000));
  }
}
await measured();
console.log(
  `spawn: ${rates.map((r) => (r / 1000).toFixed(0) + "k").join(", ")} actors/s`,
);
// Parked Workers write their profiles as they are terminated (after 2 s: see
// _prof_pingpong.ts). The shutdown's ends of every actor fill the profiles' last part: only
// the part while the rounds runs is the spawns'.
await new Promise((resolve) => setTimeout(resolve, 2_000));
bridge.close();
await system.shutdown();
