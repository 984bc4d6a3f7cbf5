/**
 * `deno task example`: the seed's two programs, on ringmail.
 */
import * as pingpong from "./pingpong.ts";
import * as warehouse from "./warehouse.ts";

console.log("— warehouse: a Worker doubles numbers into two Warehouses —");
const stock = await warehouse.run();
console.log("positives:", stock.positives);
console.log("negatives:", stock.negatives);
console.log("stopping three actors:", stock.stopped.map((reply) => reply.constructor.name));

console.log("\n— ping-pong: a Pinger and a Ponger, each in its own Worker —");
const rally = await pingpong.run();
for (const line of rally.log) console.log(line);
console.log("stopping both:", rally.stopped.map((reply) => reply.constructor.name));
