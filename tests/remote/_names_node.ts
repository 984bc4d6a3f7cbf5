/**
 * A node the names tests drive (see _nodes.ts): joins the cluster at the URL given as its first
 * argument, names a Doubler "doubler", prints "ready <node>", then answers each line of its
 * standard input with one line:
 *
 * - `register <name>`: names a new Doubler; "register <name> ok", or "register <name> <error's
 *   class>: <its message>";
 * - `lookup <name>`: "lookup <name> <the holder's node id>", or the error, as for register;
 * - `link <node>`: "link <node> up", "link <node> down", or "link <node> none", as this node's
 *   clusterStatus() says.
 *
 * It shuts down when its standard input closes.
 */
import { ActorSystem } from "../../mod.ts";
import { Doubler } from "../_actors/basic.ts";

if (import.meta.main) {
  const [url, cluster] = Deno.args;
  const system = new ActorSystem({ cluster: { servers: url, name: cluster } });
  await system.joined;
  await system.register("doubler", system.spawn(Doubler));
  console.log(`ready ${system.node}`);
  const failed = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`;
  const answer = async (line: string): Promise<string> => {
    const [command, argument] = line.split(" ");
    switch (command) {
      case "register":
        return await system.register(argument, system.spawn(Doubler)).then(
          () => `${line} ok`,
          (error) => `${line} ${failed(error)}`,
        );
      case "lookup":
        return await system.lookup(argument).then(
          (ref) => `${line} ${ref.node === 0 ? system.node : ref.node}`,
          (error) => `${line} ${failed(error)}`,
        );
      case "link": {
        const link = (await system.clusterStatus()).links.find((l) => l.node === Number(argument));
        return `${line} ${link === undefined ? "none" : link.up ? "up" : "down"}`;
      }
      default:
        return `${line} unknown command`;
    }
  };
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const chunk of lines) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const line of parts) console.log(await answer(line));
  }
  await system.shutdown();
}
