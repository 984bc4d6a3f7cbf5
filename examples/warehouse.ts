/**
 * The seed's first example, with its own names: a Worker applies its skill to each Task and
 * sends the output to the Task's destination, one of two Warehouses (positives, negatives);
 * then the main program asks each Warehouse for its inventory (GetInventory) and stops all three.
 *
 *   deno run --allow-read examples/warehouse.ts
 *
 * Two things differ from the seed, both because threads are real here:
 * - The seed gave its Worker a skill as a function (`lambda x: x * 2`). A function cannot cross
 *   to another thread: its closure lives in the heap of the thread that made it. The honest
 *   equivalent is a registered message class whose method is the skill: the class's code is
 *   loaded in every Worker, and only its data (the factor) crosses.
 * - The seed asked the Warehouses right after sending the Tasks, and was right only by luck of
 *   timing: the Worker's outputs and the Bridge's GetInventory come from different senders, so
 *   nothing orders them. Here the program first asks the Worker to `Flush`, which it answers
 *   once every output before it is on its way (one sender's messages arrive in order).
 */
import {
  Actor,
  type ActorRef,
  ActorSystem,
  Bridge,
  handles,
  message,
  OtherMessage,
  type ReplyTo,
  Request,
  type Stopped,
} from "../mod.ts";

/** The seed's `GetInventory`: asks a Warehouse what it holds (the reply: a list of numbers). */
@message()
export class GetInventory extends Request<number[]> {}

/** The seed's `Task`: an input, and the Warehouse its output goes to. */
@message()
export class Task {
  constructor(readonly input = 0, readonly destination: ActorRef<number> | null = null) {}
}

/** A skill that multiplies (the seed's `lambda x: x * 2`): the code travels as the class. */
@message()
export class Multiply {
  constructor(readonly factor = 1) {}
  apply(value: number): number {
    return value * this.factor;
  }
}

/** Answered once every output sent before it is on its way. */
@message()
export class Flush {}

/** The seed's `Worker`: applies its skill to each Task's input. */
export class Worker extends Actor<Task | Flush> {
  static readonly module = import.meta.url;

  constructor(readonly skill: Multiply) {
    super();
  }

  @handles(Task)
  onTask(task: Task) {
    task.destination!.send(this.skill.apply(task.input));
  }

  @handles(Flush)
  onFlush(_: Flush, sender: ActorRef | null) {
    sender?.send("flushed");
  }
}

/** The seed's `Warehouse`: keeps every result it is sent, in order. */
export class Warehouse extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #inventory: number[] = [];

  @handles(GetInventory)
  onGetInventory(_: GetInventory, sender: ReplyTo<GetInventory>) {
    sender?.send([...this.#inventory]); // a copy, as the seed's comment asks
  }

  @handles(OtherMessage)
  onTaskResult(result: unknown) {
    this.#inventory.push(result as number);
  }
}

/** What the example produces. */
export interface WarehouseResult {
  positives: number[];
  negatives: number[];
  stopped: Stopped[];
}

/** Runs the seed's program; returns what the warehouses held and the three `Stopped` answers. */
export async function run(): Promise<WarehouseResult> {
  await using system = new ActorSystem();
  using bridge = new Bridge(system);
  const worker = system.spawn(Worker, new Multiply(2));
  const positives = system.spawn(Warehouse);
  const negatives = system.spawn(Warehouse);

  for (const value of [1, 2, 3, -2, -4, -6]) {
    const warehouse = value >= 0 ? positives : negatives;
    worker.send(new Task(value, warehouse));
  }
  await bridge.call(worker, new Flush(), { timeout: 1000 });
  const held = await bridge.call(positives, new GetInventory(), { timeout: 1000 });
  const owed = await bridge.call(negatives, new GetInventory(), { timeout: 1000 });
  const stopped = await bridge.stop([worker, positives, negatives], { timeout: 1000 });
  return { positives: held, negatives: owed, stopped };
}

if (import.meta.main) {
  const result = await run();
  console.log(result.positives); // should be [ 2, 4, 6 ]
  console.log(result.negatives); // should be [ -4, -8, -12 ]
  console.log(result.stopped); // should be [ Stopped {}, Stopped {} , Stopped {} ]
}
