/**
 * The compiled shape and class readers and writers, and the generic paths used where code
 * generation is disallowed: both must give the same bytes and the same values.
 */

import assert from "node:assert/strict";
import { decode, encode, registerMessage } from "../../src/codec/mod.ts";
import { setCodeGeneration } from "../../src/codec/compile.ts";
import { assertSameValue } from "./_util.ts";

class CompiledA {
  constructor(public x: unknown = 0, public y: unknown = "") {}
}
registerMessage(CompiledA, "tests/compile/A");

class GenericB {
  constructor(public x: unknown = 0, public y: unknown = "") {}
}
registerMessage(GenericB, "tests/compile/B");

function sample(C: typeof CompiledA | typeof GenericB, tag: string) {
  return Array.from({ length: 30 }, (_, i) => ({
    [`${tag}-key`]: i,
    'needs "quoting"\n': `v${i}`,
    "0": i % 2 === 0,
    "constructor": null,
    item: new C(i, { nested: [i] }),
  }));
}

Deno.test("compiled and generic paths agree", () => {
  const compiled = sample(CompiledA, "c");
  const bytesCompiled = [encode(compiled), encode(compiled)];
  assertSameValue(decode(bytesCompiled[1]), compiled);
  assertSameValue(decode(bytesCompiled[1]), compiled);

  setCodeGeneration(false);
  try {
    const generic = sample(GenericB, "g");
    const bytesGeneric = [encode(generic), encode(generic)];
    assertSameValue(decode(bytesGeneric[1]), generic);
    assertSameValue(decode(bytesGeneric[1]), generic);
    // Same layout, same bytes apart from the class id and the key names.
    assert.equal(bytesGeneric[0].length, bytesCompiled[0].length);
    // Errors still name the path on the generic paths.
    const bad = sample(GenericB, "g");
    (bad[29].item as GenericB).y = () => 1;
    assert.throws(() => encode(bad), /message\[29\]\.item\.y/);
    const extra = new GenericB(1, 2) as GenericB & { z?: number };
    extra.z = 3;
    assert.throws(() => encode(extra), /field 'z'/);
  } finally {
    setCodeGeneration(true);
  }
});

Deno.test("keys are embedded safely in compiled code", () => {
  const keys = ['a"b', "c\\", "\u2028", "${x}", "`", "</script>", "x\ny", "__proto__x", ""];
  const o: Record<string, number> = {};
  keys.forEach((k, i) => o[k] = i);
  const many = Array.from({ length: 20 }, () => ({ ...o }));
  for (let i = 0; i < 3; i++) assertSameValue(decode(encode(many)), many);
});
