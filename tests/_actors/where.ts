/** An actor that says which Worker it runs in: a token made once per Worker. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

const token = crypto.randomUUID();

export class Where extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(_message: unknown, sender: ActorRef<string> | null) {
    sender?.send(token);
  }
}
