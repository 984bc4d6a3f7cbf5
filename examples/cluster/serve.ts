/**
 * One node of the cluster example: starts a Counter, names it "counter" across the cluster, and
 * serves until Ctrl+C. Run `nats-server -a 127.0.0.1` first, then this, then `call.ts` in another
 * terminal (as many times as you like):
 *
 *     deno run --allow-read --allow-env --allow-net=127.0.0.1 examples/cluster/serve.ts
 *     deno run --allow-read --allow-env --allow-net=127.0.0.1 examples/cluster/call.ts
 */
import { ActorSystem } from "../../mod.ts";
import { Counter } from "./counter.ts";

if (import.meta.main) {
  const servers = Deno.args[0] ?? "nats://127.0.0.1:4222";
  const system = new ActorSystem({ cluster: { servers, name: "example" } });
  await system.register("counter", system.spawn(Counter));
  console.log(`node ${system.node} serves "counter"; Ctrl+C to stop`);
  Deno.addSignalListener("SIGINT", async () => {
    await system.shutdown();
    Deno.exit(0);
  });
}
