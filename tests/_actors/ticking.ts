/**
 * An actor that counts a plain `setInterval` of its Worker, out of the system's sight: its
 * handler returns at once, so the Worker has nothing to do but its own timer.
 */
import { Actor, type ActorRef, handles } from "../../mod.ts";

export class Ticking extends Actor<number> {
  static readonly module = import.meta.url;
  /** Answers once the Worker's interval has fired `ticks` times. */
  @handles(Number)
  onTicks(ticks: number, sender: ActorRef<number> | null) {
    let fired = 0;
    const interval = setInterval(() => {
      if (++fired < ticks) return;
      clearInterval(interval);
      sender?.send(fired);
    }, 1);
  }
}
