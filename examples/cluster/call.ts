/**
 * The other node of the cluster example: finds "counter" on whichever node serves it and calls
 * it, as it would an actor of its own process. See serve.ts for how to run both.
 */
import { ActorSystem, Bridge } from "../../mod.ts";
import { Add } from "./counter.ts";

if (import.meta.main) {
  const servers = Deno.args[0] ?? "nats://127.0.0.1:4222";
  await using system = new ActorSystem({ cluster: { servers, name: "example" } });
  using bridge = new Bridge(system);
  const counter = await system.lookup<Add>("counter");
  for (const amount of [1, 2, 3]) {
    const total = await bridge.call(counter, new Add(amount));
    console.log(`added ${amount} on node ${counter.node}: total ${total}`);
  }
}
