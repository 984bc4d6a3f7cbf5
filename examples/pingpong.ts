/**
 * The seed's second example, with its own names: a Pinger, sent `Start(ponger)`, serves a Ping;
 * the Ponger answers each Ping with a Pong and the Pinger each Pong with a Ping — printing "+"
 * and "-" — in two Workers, endlessly, until the program stops both after 100 ms.
 *
 *   deno run --allow-read examples/pingpong.ts     # should print lots of +-+-+-
 */
import { Actor, type ActorRef, ActorSystem, Bridge, handles, message, Stopped } from "../mod.ts";

/** The seed's `Start`: tells the Pinger whom to play with. */
@message()
export class Start {
  constructor(readonly target: ActorRef<Ping> | null = null) {}
}

/** The ball, going out. */
@message()
export class Ping {}

/** The ball, coming back. */
@message()
export class Pong {}

/** Where the players print their strokes (stdout here; a test may look elsewhere). */
const print = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(text));

/** The seed's `Pinger`. `onStart` is its handler for `Start`, as in the seed. */
export class Pinger extends Actor<Start | Pong> {
  static readonly module = import.meta.url;

  @handles(Start)
  onStart(start: Start) {
    start.target!.send(new Ping());
  }

  @handles(Pong)
  onPong(_: Pong, sender: ActorRef | null) {
    print("-");
    sender?.send(new Ping());
  }
}

/** The seed's `Ponger`. */
export class Ponger extends Actor<Ping> {
  static readonly module = import.meta.url;

  @handles(Ping)
  onPing(_: Ping, sender: ActorRef | null) {
    print("+");
    sender?.send(new Pong());
  }
}

/** Runs the seed's program: a rally of `ms` milliseconds, then both players are stopped. */
export async function run(ms = 100): Promise<Stopped[]> {
  // The ball in flight as both stop is a dead letter, as it was in the seed's program: expected
  // here, so it is not told on the console (a system with no listener tells its first ten).
  await using system = new ActorSystem({ onDeadLetter: () => {} });
  using bridge = new Bridge(system);
  const pinger = system.spawn(Pinger);
  const ponger = system.spawn(Ponger);
  // The seed's threads start at once; a Worker takes tens of ms (more on a busy machine): the
  // rally's 100 ms count from when both players run.
  await Promise.all([system.started(pinger), system.started(ponger)]);
  pinger.send(new Start(ponger));
  await new Promise((resolve) => setTimeout(resolve, ms)); // the seed's time.sleep(0.1)
  return await bridge.stop([pinger, ponger], { timeout: 1000 });
}

if (import.meta.main) {
  const stopped = await run();
  print("\n");
  console.log(stopped.every((reply) => reply instanceof Stopped) ? "both stopped" : stopped);
}
