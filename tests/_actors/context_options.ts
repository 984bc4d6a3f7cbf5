/** An actor that tries its context's calls with options a user can get wrong, and says what each threw. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

export class Child extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}

/** For each operation named in a message, replies with what it threw: `Name: message`, or "ok". */
export class OptionsTrier extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onTry(what: string, sender: ActorRef | null) {
    const attempts: Record<string, () => unknown> = {
      "spawnWith null": () => this.context.spawnWith(Child, null as never),
      "spawnWith near {}": () => this.context.spawnWith(Child, { near: {} as never }),
      "become null": () => this.context.become(() => {}, null as never),
    };
    try {
      attempts[what]();
      sender?.send("ok");
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
