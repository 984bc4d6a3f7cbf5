/**
 * The second node of the placement runs (tests/_placement.ts): joins the cluster at the URL given
 * as its first argument and prints "ready <node>". The test process spawns its target actors here
 * with spawnOn; since their dead letters and failures are reported on this node, it forwards them
 * to the actor named by a "report-to <name>" line on its standard input (acknowledged by
 * "reporting <name>"; "quiet" stops that, acknowledged by "quiet"). It shuts down when its
 * standard input closes.
 */
import { type ActorRef, ActorSystem } from "../../mod.ts";

if (import.meta.main) {
  const [url, cluster] = Deno.args;
  let sink: ActorRef<unknown> | null = null;
  /** Never a report of a report: the sink may be gone when a forward reaches it. */
  const forward = (report: unknown, about: ActorRef<unknown> | null) => {
    if (sink === null || (about !== null && sink.equals(about))) return;
    try {
      sink.send(report);
    } catch (error) {
      console.error("could not forward a report:", error);
    }
  };
  const system = new ActorSystem({
    cluster: { servers: url, name: cluster },
    onDeadLetter: (d) =>
      forward([
        "dead letter",
        {
          target: d.target,
          sender: d.sender,
          message: d.message,
          messageClass: d.messageClass,
          kind: d.kind,
          reason: d.reason,
          count: d.count,
        },
      ], d.target),
    onFailure: (f) =>
      forward([
        "failure",
        {
          actor: f.actor,
          actorName: f.actorName,
          messageClass: f.messageClass,
          error: { name: f.error.name, message: f.error.message, stack: f.error.stack },
        },
      ], null),
  });
  await system.joined;
  console.log(`ready ${system.node}`);
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const chunk of lines) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const line of parts) {
      if (line.startsWith("report-to ")) {
        const name = line.slice("report-to ".length);
        sink = await system.lookup(name);
        console.log(`reporting ${name}`);
      } else if (line === "quiet") {
        sink = null;
        console.log("quiet");
      }
    }
  }
  await system.shutdown();
}
