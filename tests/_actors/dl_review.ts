/** Actors of tests/delivery/dl_review_test.ts. */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";

/**
 * `"block:<path>"`: answers "blocked", then blocks its Worker until a file exists at `path` (at
 * most 20 s); `"log"`: answers what it handled; anything else: kept in its log and answered.
 */
export class Gate extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #log: unknown[] = [];
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    if (typeof event === "string" && event.startsWith("block:")) {
      sender?.send("blocked");
      const path = event.slice(6);
      const until = Date.now() + 20_000;
      const cell = new Int32Array(new SharedArrayBuffer(4));
      while (Date.now() < until) {
        try {
          Deno.statSync(path);
          break;
        } catch {
          Atomics.wait(cell, 0, 0, 2);
        }
      }
      return;
    }
    if (event === "log") return sender?.send([...this.#log]);
    if (event instanceof Uint8Array) return;
    this.#log.push(event);
    sender?.send(event);
  }
}

/** Sends `count` copies of `text` to `target` (answers how many it sent). */
@message()
export class SendMany {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly count = 0,
    readonly text = "",
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

/** Does what SendMany and AskIt say. */
export class Relay extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(SendMany)
  onSendMany(order: SendMany, sender: ActorRef | null) {
    for (let i = 0; i < order.count; i++) order.target!.send(order.text);
    sender?.send(order.count);
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
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    sender?.send(event);
  }
}
