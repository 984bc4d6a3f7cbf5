import assert from "node:assert/strict";
import { type Group, RecentGroups } from "../../src/util/recent_groups.ts";

class Bag implements Group {
  live = 0;
  constructor(readonly key: number) {}
}

Deno.test("recent groups: made on first use, the one used last kept when empty, others dropped", () => {
  let made = 0;
  const groups = new RecentGroups((key) => (made++, new Bag(key)));
  const a = groups.of(1);
  assert.equal(groups.of(1), a, "the same group for the same key");
  assert.equal(made, 1);
  a.live++;
  const b = groups.of(2);
  b.live++;
  b.live--;
  groups.emptied(b);
  assert.equal(groups.get(2), b, "the one used last stays while empty");
  assert.equal(groups.of(1), a);
  assert.equal(groups.get(2), undefined, "an empty group is dropped once another is used");
  a.live--;
  groups.emptied(a);
  assert.equal(groups.get(1), a);
  groups.of(3);
  assert.equal(groups.get(1), undefined);
  assert.equal(made, 3);
});
