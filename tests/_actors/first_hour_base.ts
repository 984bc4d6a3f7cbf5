/** A base actor class, subclassed in another module (first_hour_sub.ts), for the first-hour review. */
import { Actor, type ActorRef, handles } from "../../actor.ts";

export class FirstBase extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(`${this.constructor.name}: ${text}`);
  }
}
