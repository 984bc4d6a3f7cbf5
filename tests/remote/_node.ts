/**
 * A second node for the remote tests: joins the cluster at the URL given as its first argument,
 * starts a Doubler, an Echo and a Probe and names them "doubler", "echo" and "probe", prints
 * "ready", and shuts down when its standard input closes.
 */
import { ActorSystem } from "../../mod.ts";
import { Doubler, Echo } from "../_actors/basic.ts";
import { Probe } from "../_actors/supervision.ts";

if (import.meta.main) {
  const [url, cluster] = Deno.args;
  const system = new ActorSystem({ cluster: { servers: url, name: cluster } });
  await system.joined;
  await system.register("doubler", system.spawn(Doubler));
  await system.register("echo", system.spawn(Echo));
  await system.register("probe", system.spawn(Probe));
  console.log(`ready ${system.node}`);
  // Until the test closes our standard input (or kills us).
  for await (const _ of Deno.stdin.readable) { /* nothing comes */ }
  await system.shutdown();
}
