/**
 * The seed's first example: a Worker that doubles numbers and files each result in one of two
 * Warehouses, positives in one and negatives in the other; then the main program asks each
 * Warehouse what it holds, and stops all three actors.
 *
 *   deno run --allow-read examples/warehouse.ts
 *
 * The seed gave its Worker a skill as a function (`lambda x: x * 2`). A function cannot cross
 * to another thread: its closure lives in the heap of the thread that made it. The honest
 * equivalent is a registered message class whose method is the skill: the class's code is
 * loaded in every Worker, and only its data (the factor) crosses.
 */
import {
  Actor,
  type ActorRef,
  ActorSystem,
  Bridge,
  handles,
  message,
  type Stopped,
} from "../mod.ts";

/** A skill that multiplies: the code travels as the class, the factor as data. */
@message()
export class Multiply {
  constructor(readonly factor = 1) {}
  apply(value: number): number {
    return value * this.factor;
  }
}

/** Asks a Warehouse for what it holds. */
@message()
export class Inventory {}

/** Asks the Worker to answer once every number sent before has been filed. */
@message()
export class Flush {}

/** Keeps every number it is given, in order. */
export class Warehouse extends Actor<number | Inventory> {
  static readonly module = import.meta.url;
  readonly #items: number[] = [];

  @handles(Number)
  store(item: number) {
    this.#items.push(item);
  }

  @handles(Inventory)
  list(_: Inventory, sender: ActorRef | null) {
    sender?.send([...this.#items]);
  }
}

/** Applies its skill to each number and files the result by sign. */
export class Worker extends Actor<number | Flush> {
  static readonly module = import.meta.url;

  constructor(
    readonly skill: Multiply,
    readonly positives: ActorRef<number>,
    readonly negatives: ActorRef<number>,
  ) {
    super();
  }

  @handles(Number)
  work(value: number) {
    const result = this.skill.apply(value);
    (result >= 0 ? this.positives : this.negatives).send(result);
  }

  @handles(Flush)
  flush(_: Flush, sender: ActorRef | null) {
    // Messages from one sender arrive in order: what this worker sent before this answer
    // reaches the warehouses before anything the caller sends them after it.
    sender?.send("filed");
  }
}

/** What the example produces. */
export interface WarehouseResult {
  positives: number[];
  negatives: number[];
  stopped: Stopped[];
}

/** Runs the example; returns what the warehouses held and the three `Stopped` answers. */
export async function run(): Promise<WarehouseResult> {
  await using system = new ActorSystem();
  using bridge = new Bridge(system);
  const positives = system.spawn(Warehouse);
  const negatives = system.spawn(Warehouse);
  const worker = system.spawn(Worker, new Multiply(2), positives, negatives);

  for (const value of [1, -2, 2, -4, 3, -6]) worker.send(value);
  await bridge.call(worker, new Flush(), { timeout: 10_000 });
  const held = await bridge.call(positives, new Inventory(), { timeout: 10_000 });
  const owed = await bridge.call(negatives, new Inventory(), { timeout: 10_000 });
  const stopped = await bridge.stop([worker, positives, negatives], 10_000);
  return { positives: held as number[], negatives: owed as number[], stopped };
}

if (import.meta.main) {
  const result = await run();
  console.log("positives:", result.positives);
  console.log("negatives:", result.negatives);
  console.log("stopped:", result.stopped.length, "actors");
}
