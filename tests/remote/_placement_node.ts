/**
 * The second node of the placement runs (tests/_placement.ts): joins the cluster at the URL given
 * as its first argument and prints "ready <node>". The test process spawns its target actors here
 * with spawnOn; since their dead letters and failures are reported on this node, it records them
 * in a Recorder of its own named "reports", while a "report" line on its standard input says so
 * (acknowledged by "reporting"; "quiet" stops that, acknowledged by "quiet"). A recorder here, not
 * in the test's process, so that the test's system runs no Worker of its own in the remote run.
 * It shuts down when its standard input closes.
 */
import { type ActorRef, ActorSystem } from "../../mod.ts";
import { Recorder } from "../_actors/behaviours.ts";

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
  const reports = system.spawn(Recorder);
  await system.register("reports", reports);
  console.log(`ready ${system.node}`);
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const chunk of lines) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const line of parts) {
      if (line === "report") {
        sink = reports;
        console.log("reporting");
      } else if (line === "quiet") {
        sink = null;
        console.log("quiet");
      }
    }
  }
  await system.shutdown();
}
