/** Actor classes exported under another name than their own: as a default, and renamed. */
import { Actor, type ActorRef, handles } from "../../mod.ts";

export default class DefaultExported extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    sender?.send(n + 1);
  }
}

class Hidden extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    sender?.send(n + 2);
  }
}

export { Hidden as Renamed };
