/** Actors of tests/delivery/worker_letters_test.ts. */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";

/** Whether a file exists at `path`. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `"block:<path>"`: answers "blocked", then blocks its Worker until a file exists at `path` (at
 * most 20 s); anything else: answered as it came.
 */
export class Gate extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    if (typeof event === "string" && event.startsWith("block:")) {
      sender?.send("blocked");
      const path = event.slice(6);
      const until = Date.now() + 20_000;
      const cell = new Int32Array(new SharedArrayBuffer(4));
      while (Date.now() < until && !exists(path)) Atomics.wait(cell, 0, 0, 2);
      return;
    }
    sender?.send(event);
  }
}

/**
 * Sends `target` up to `count` messages `text i`, stopping early once a file exists at
 * `stopPath` (looked for before each send); answered with how many it sent.
 */
@message()
export class Flood {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly count = 0,
    readonly text = "",
    readonly stopPath = "",
  ) {}
}

/** Asks `target` for `request` with `timeout`; answered with the outcome, as a string. */
@message()
export class AskIt {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly request: unknown = null,
    readonly timeout = 0,
  ) {}
}

/** Does what Flood and AskIt say. */
export class Sender extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(Flood)
  onFlood(order: Flood, sender: ActorRef | null) {
    let sent = 0;
    while (sent < order.count && !exists(order.stopPath)) {
      order.target!.send(`${order.text} ${sent}`);
      sent++;
    }
    sender?.send(sent);
  }
  @handles(AskIt)
  async onAskIt(order: AskIt, sender: ActorRef | null) {
    try {
      const reply = await this.context.ask(order.target!, order.request, {
        timeout: order.timeout,
      });
      sender?.send(`reply ${String(reply)}`);
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
