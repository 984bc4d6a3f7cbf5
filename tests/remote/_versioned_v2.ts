/**
 * Version 2 of the version-safety test's message class, on the other node: the same name, other
 * fields (a, c). An actor there answers what it gets, field by field.
 */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

@message({ name: "test.Versioned" })
export class Versioned {
  constructor(readonly a = 0, readonly c = "") {}
}

@message({ name: "test.Same" })
export class Same {
  constructor(readonly a = 0) {}
}

/** Answers a Versioned or a Same with its fields as it sees them. */
export class VersionedEcho extends Actor<Versioned | Same> {
  static readonly module = import.meta.url;
  @handles(Versioned)
  onVersioned(v: Versioned, sender: ActorRef<unknown> | null) {
    sender?.send(`versioned a=${v.a} c=${v.c}`);
  }
  @handles(Same)
  onSame(s: Same, sender: ActorRef<unknown> | null) {
    sender?.send(`same a=${s.a}`);
  }
}

/** The node program of the test: names a VersionedEcho "versioned". */
if (import.meta.main) {
  const { ActorSystem } = await import("../../mod.ts");
  const [url, cluster] = Deno.args;
  const system = new ActorSystem({ cluster: { servers: url, name: cluster } });
  await system.register("versioned", system.spawn(VersionedEcho));
  console.log(`ready ${system.node}`);
  for await (const _ of Deno.stdin.readable) { /* until the test closes it */ }
  await system.shutdown();
}
