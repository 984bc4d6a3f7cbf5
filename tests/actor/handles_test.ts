import assert from "node:assert/strict";
import { Actor, type ActorRef, handles, OtherMessage, Stop } from "../../mod.ts";
import { ActorDefinitionError } from "../../errors.ts";
import { classOf, handlerTable } from "../../src/actor/handles.ts";
import { registerMessage } from "../../src/codec/mod.ts";
import { classByClass } from "../../src/codec/class_table.ts";

class Shape {}
class Circle extends Shape {}
class Square extends Shape {}

class Drawer extends Actor<unknown> {
  @handles(Shape)
  shape(_: Shape) {}
  @handles(Circle)
  circle(_: Circle) {}
  @handles(Number)
  number(_: number) {}
}

class SquareDrawer extends Drawer {
  @handles(Square)
  square(_: Square) {}
  @handles(OtherMessage)
  other(_: unknown, __: ActorRef | null) {}
}

Deno.test("handles: dispatch by class, nearest handled ancestor, primitives by wrapper", () => {
  const table = handlerTable(Drawer);
  assert.equal(table.lookup(new Circle())?.key, "circle");
  assert.equal(
    table.lookup(new Square())?.key,
    "shape",
    "a subclass without a handler uses its parent's",
  );
  assert.equal(table.lookup(3)?.key, "number");
  assert.equal(table.lookup("text"), null, "no handler and no OtherMessage handler");
  assert.equal(table.hasOther, false);
});

Deno.test("handles: a subclass inherits, overrides and adds an OtherMessage handler", () => {
  const table = handlerTable(SquareDrawer);
  assert.equal(table.lookup(new Square())?.key, "square");
  assert.equal(table.lookup(new Circle())?.key, "circle");
  assert.equal(table.lookup("text")?.key, "other");
  assert.equal(table.lookup(null)?.key, "other");
  assert.equal(table.lookup(Object.create(null))?.key, "other");
  assert.equal(
    handlerTable(Drawer).lookup("text")?.key,
    undefined,
    "the parent's table is unchanged",
  );
});

Deno.test("handles: the class of a message", () => {
  assert.equal(classOf(1), Number);
  assert.equal(classOf(1n), BigInt);
  assert.equal(classOf(true), Boolean);
  assert.equal(classOf("s"), String);
  assert.equal(classOf([]), Array);
  assert.equal(classOf({}), Object);
  assert.equal(classOf(new Circle()), Circle);
  assert.equal(classOf(null), null);
  assert.equal(classOf(undefined), undefined);
});

Deno.test("handles: two handlers for one class, or a Stop handler, fail when the class is defined", () => {
  assert.throws(
    () => {
      class Twice extends Actor<Shape> {
        @handles(Shape)
        first(_: Shape) {}
        @handles(Shape)
        second(_: Shape) {}
      }
      return Twice;
    },
    (error: unknown) =>
      error instanceof ActorDefinitionError &&
      /second and first both handle Shape: an actor class has one handler/.test(error.message),
  );
  assert.throws(() => handles(Stop as never), /postStop\(\)/);
  assert.throws(
    () => handles("Shape" as never),
    /takes a message class or OtherMessage, got "Shape"/,
  );
});

Deno.test("handles: dispatch by a registered class's index finds what lookup finds, once", () => {
  class Disc {}
  class Tile extends Disc {}
  class Ring extends Disc {}
  class Odd {}
  for (const [cls, name] of [[Disc, "Disc"], [Tile, "Tile"], [Ring, "Ring"], [Odd, "Odd"]]) {
    registerMessage(cls as new () => object, { name: `handles_test.${name}`, fields: [] });
  }
  class Tiler extends Actor<unknown> {
    @handles(Disc)
    disc(_: Disc) {}
    @handles(Tile)
    tile(_: Tile) {}
  }
  class AnyTiler extends Tiler {
    @handles(OtherMessage)
    other(_: unknown, __: ActorRef | null) {}
  }
  for (const actor of [Tiler, AnyTiler]) {
    const table = handlerTable(actor);
    for (const cls of [Disc, Tile, Ring, Odd, Stop]) {
      const info = classByClass.get(cls)!;
      const dispatch = table.forClass(info);
      assert.equal(dispatch.handler, table.lookup(new cls()), `${actor.name} for ${cls.name}`);
      assert.equal(dispatch.control, cls === Stop, "only system messages are control");
      assert.equal(table.forClass(info), dispatch, "resolved once, then kept");
    }
  }
  assert.equal(handlerTable(Tiler).forClass(classByClass.get(Ring)!).handler?.key, "disc");
  assert.equal(handlerTable(AnyTiler).forClass(classByClass.get(Odd)!).handler?.key, "other");
});

Deno.test("handles: @handles(Object) takes every object its actor has no nearer handler for, not primitives", () => {
  class Token {}
  class Keeper extends Actor<unknown> {
    @handles(Object)
    object(_: object) {}
    @handles(Circle)
    circle(_: Circle) {}
    @handles(OtherMessage)
    other(_: unknown, __: ActorRef | null) {}
  }
  const table = handlerTable(Keeper);
  // Every class's instances are objects, though the chain of its constructors never reaches
  // Object (it ends at Function.prototype): they go to the Object handler, as `instanceof` says.
  for (
    const message of [
      {},
      Object.create(null),
      new Token(),
      new Square(),
      new Date(0),
      [1],
      new Map(),
    ]
  ) {
    assert.equal(
      table.lookup(message)?.key,
      "object",
      String(classOf(message)?.toString().slice(0, 20)),
    );
  }
  assert.equal(table.lookup(new Circle())?.key, "circle", "a nearer handler first");
  for (const message of [1, "text", true, 2n, null, undefined]) {
    assert.equal(table.lookup(message)?.key, "other", `${typeof message} is no object`);
  }
  registerMessage(Token, { name: "handles_test.Token", fields: [] });
  assert.equal(
    table.forClass(classByClass.get(Token)!).handler?.key,
    "object",
    "by class index too",
  );
});
