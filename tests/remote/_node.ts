/**
 * A second node for the remote tests: joins the cluster at the URL given as its first argument,
 * starts a Doubler and an Echo and names them "doubler" and "echo", prints "ready", and shuts
 * down when its standard input closes.
 */
import { ActorSystem } from "../../mod.ts";
import { Doubler, Echo } from "../_actors/basic.ts";

if (import.meta.main) {
  const [url, cluster] = Deno.args;
  const system = new ActorSystem({ cluster: { servers: url, name: cluster } });
  await system.joined;
  await system.register("doubler", system.spawn(Doubler));
  await system.register("echo", system.spawn(Echo));
  console.log(`ready ${system.node}`);
  // Until the test closes our standard input (or kills us).
  for await (const _ of Deno.stdin.readable) { /* nothing comes */ }
  await system.shutdown();
}
