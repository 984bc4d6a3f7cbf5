/**
 * A ref prints as what it addresses, not as the runtime behind it: `console.log(ref)`, and the
 * diff a failing assertion prints, once walked its courier, directory and arena (a shared buffer
 * of up to a GiB), and a failing assert.deepEqual on a list of refs ran the process out of memory.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Echo } from "../_actors/basic.ts";
import { testSystem } from "../_system.ts";

Deno.test("actor refs: inspected as ActorRef(Name#slot.generation), by Deno and by node:util", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  const text = `${echo}`;
  assert.match(text, /^ActorRef\(Echo#\d+\.\d+\)$/);
  assert.equal(Deno.inspect(echo), text);
  assert.equal(inspect(echo), text);
  assert.equal(inspect([echo, { sender: echo }]), `[ ${text}, { sender: ${text} } ]`);
});
