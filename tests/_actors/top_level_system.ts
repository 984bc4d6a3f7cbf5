/**
 * An actor module with the mistake of the first hour: it makes a system and spawns at top level,
 * outside `if (import.meta.main)`, so a Worker loading it for `Careless` runs that code too.
 */
import { Actor, type ActorRef, ActorSystem, handles } from "../../mod.ts";

export class Careless extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    sender?.send(n);
  }
}

/** The system the main thread made when it imported this module (shut down by the test). */
export const topLevelSystem = new ActorSystem({ onFailure: () => {} }); // the test reads started()
