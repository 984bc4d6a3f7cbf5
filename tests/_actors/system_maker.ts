/** An actor with a mistake of the first hour: it makes an ActorSystem inside its handler. */
import { Actor, type ActorRef, ActorSystem, handles } from "../../mod.ts";

/** Makes an ActorSystem inside its handler (another mistake of the first hour); answers the error. */
export class SystemMaker extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    try {
      new ActorSystem();
      sender?.send("made one");
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
