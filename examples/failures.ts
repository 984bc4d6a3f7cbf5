/**
 * What a user sees when things go wrong: a handler that throws under a restarting supervisor, a
 * watched child whose Worker dies mid-call, a message past its deadline, a child killed while it
 * hangs, and a shutdown that has to cut an actor off. `deno run --allow-read examples/failures.ts` prints every error text.
 */
import {
  Actor,
  type ActorRef,
  ActorSystem,
  Bridge,
  handles,
  type SupervisionStrategy,
  Terminated,
} from "../mod.ts";
import { ActorDeadError } from "../errors.ts";

/**
 * Counts `"inc"`s; `"count"` answers the count; `"fail"` throws; `"crash"` kills its Worker;
 * `"hang"` answers, then waits on a promise that never settles.
 */
export class Counter extends Actor<string> {
  static readonly module = import.meta.url;
  #count = 0;
  @handles(String)
  onText(text: string, sender: ActorRef | null): void | Promise<void> {
    if (text === "hang") {
      sender?.send("hanging");
      return new Promise(() => {}); // its mailbox waits for good: only a kill ends it
    }
    if (text === "inc") this.#count++;
    else if (text === "count") sender?.send(this.#count);
    else if (text === "fail") throw new Error("told to fail");
    else if (text === "crash") {
      // An uncaught error outside any handler: nothing can catch it, so its Worker dies.
      setTimeout(() => {
        throw new Error("out of handlers");
      });
    } else if (text === "slow") {
      const until = Date.now() + 50;
      while (Date.now() < until); // busy: the next messages wait in the mailbox
    }
  }
}

/**
 * Starts one Counter child in a Worker of its own and watches it. `"child"` answers its ref;
 * `"ends"` answers what it saw end, as text, once something has.
 */
export class Supervisor extends Actor<string | Terminated> {
  static readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "restart",
    maxRestarts: 3,
    withinMs: 10_000,
  };
  #child: ActorRef<string> | null = null;
  readonly #ends: string[] = [];
  override preStart() {
    this.#child = this.context.spawn(Counter);
    this.context.watch(this.#child);
  }
  #askedForEnds: ActorRef | null = null;
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "child") sender?.send(this.#child);
    else if (text === "ends") {
      // Answered once something has ended: Terminated may still be on its way.
      if (this.#ends.length > 0) sender?.send([...this.#ends]);
      else this.#askedForEnds = sender;
    }
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push(`${end.kind}: ${end.reason}`);
    this.#askedForEnds?.send([...this.#ends]);
    this.#askedForEnds = null;
  }
}

/** Runs the four failures; returns what was printed, line by line. */
export async function run(): Promise<string[]> {
  const lines: string[] = [];
  let previous = "";
  let repeats = 0;
  const say = (line: string) => {
    // A line said again and again (dead letters of one mailbox) is said once, with a count.
    if (line === previous) {
      lines[lines.length - 1] = `${line} (×${++repeats})`;
    } else {
      lines.push(line);
      previous = line;
      repeats = 1;
    }
  };
  const system = new ActorSystem({
    onFailure: (failure) =>
      say(`onFailure: ${failure.actorName} failed on ${failure.messageClass}: ${failure.error}`),
    onDeadLetter: (letter) => say(`dead letter (${letter.kind}): ${letter.reason}`),
  });
  const bridge = new Bridge(system);
  try {
    const supervisor = system.spawn(Supervisor);
    const child: ActorRef<string> = await bridge.call(supervisor, "child", { timeout: 5000 });

    say("— a handler throws; the supervisor restarts the child (fresh state, same ref) —");
    child.send("inc");
    child.send("inc");
    child.send("fail");
    say(`count after the restart: ${await bridge.call(child, "count", { timeout: 5000 })}`);

    say("— a message that waits past its deadline is never handled —");
    child.send("slow");
    child.send("inc", { deadline: Date.now() + 10 });
    say(`count: ${await bridge.call(child, "count", { timeout: 5000 })}`);

    say("— the child's Worker dies in the middle of a call —");
    try {
      await bridge.call(child, "crash", { timeout: 60_000 });
    } catch (error) {
      if (!(error instanceof ActorDeadError)) throw error;
      say(`${error.name}: ${error.message}`);
    }
    // Restarted in a new Worker: the same ref reaches it once it is back.
    say(`count after the new Worker: ${await bridge.call(child, "count", { timeout: 5000 })}`);

    say("— the child hangs on a promise that never settles, and is killed —");
    await bridge.call(child, "hang", { timeout: 5000 });
    // This call waits in the child's mailbox: the killed instance never took it, the new one does.
    const waiting = bridge.call(child, "count", { timeout: 60_000 }).catch(String);
    system.kill(child, "it hung");
    say(`a call that waited for the killed child, answered by its new instance: ${await waiting}`);
    say(`count after the kill: ${await bridge.call(child, "count", { timeout: 5000 })}`);

    say("— the child stops; its watcher is told —");
    await bridge.stop([child], 5000);
    const ends: string[] = await bridge.call(supervisor, "ends", { timeout: 5000 });
    for (const end of ends) say(`the supervisor got Terminated: ${end}`);
    const late = await bridge.call(child, "count", { timeout: 5000 }).catch(String);
    say(`a call to the stopped child: ${late}`);

    say("— shutdown with a busy actor and a short timeout —");
    const busy = system.spawn(Counter);
    await system.started(busy);
    for (let i = 0; i < 20; i++) busy.send("slow");
    bridge.close();
    const report = await system.shutdown({ timeout: 200 });
    say(
      `shutdown: ${report.stopped} stopped, cut off: ${
        report.cutOff.map((cut) => cut.name).join(", ")
      }, ${report.undelivered} messages undelivered`,
    );
  } finally {
    bridge.close();
    await system.shutdown();
  }
  return lines;
}

if (import.meta.main) {
  for (const line of await run()) console.log(line);
}
