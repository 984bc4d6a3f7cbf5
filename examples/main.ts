/**
 * `deno task example`: the seed's two programs, on ringmail, with the seed's own names.
 */
import * as pingpong from "./pingpong.ts";
import * as warehouse from "./warehouse.ts";

console.log("— warehouse: a Worker doubles numbers into two Warehouses —");
const stock = await warehouse.run();
console.log(stock.positives, "# should be [ 2, 4, 6 ]");
console.log(stock.negatives, "# should be [ -4, -8, -12 ]");
console.log(stock.stopped, "# should be [ Stopped {}, Stopped {}, Stopped {} ]");

console.log("\n— ping-pong: a Pinger and a Ponger, each in its own Worker, for 100 ms —");
const stopped = await pingpong.run();
console.log("\n" + `stopping both: ${stopped.map((reply) => reply.constructor.name).join(", ")}`);
