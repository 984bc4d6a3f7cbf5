/**
 * Message classes: register a class once, in the module that defines it, and its instances cross
 * Workers as real instances of it (`instanceof` and dispatch by class work on the other side).
 *
 * A class is known on the wire by a 22-bit id hashed from its registered name (class_id.ts), so
 * every Worker that imports the defining module agrees on ids without coordinating. Its fields are
 * written in a fixed order without keys; the layout is fixed once, when it is first needed.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";
import { defaultName } from "./default_name.ts";
import { classId, classIdBytes, formatClassId } from "./class_id.ts";
import {
  classByClass,
  classById,
  classByName,
  classByProto,
  type ClassInfo,
} from "./class_table.ts";
import type { Reader } from "./reader.ts";
import { refHook } from "./ref_codec.ts";
import { describeError } from "./thrown.ts";
import type { Writer } from "./writer.ts";
import { hiddenStateOf } from "./platform_class.ts";

/**
 * A class whose instances can be messages: any class, abstract or not, whatever its constructor
 * parameters.
 *
 * @typeParam T the instance type.
 */
export type MessageClass<T extends object = object> = abstract new (
  ...args: never[]
) => T;

/**
 * How a message class is registered: all optional.
 *
 * @typeParam T the instance type.
 */
export interface MessageOptions<T extends object = object> {
  /**
   * The name the class is known by in every Worker; its id is a hash of it. Defaults to the
   * class's `name`. Pass one when a bundler minifies class names, when two classes share a name,
   * or when two names collide on the same id.
   */
  name?: string;
  /**
   * The fields written, in this order. Defaults to the own enumerable keys of `new Class()` (a
   * probe instance, built with no constructor arguments when the class is first encoded or
   * decoded, never at registration). Give it when the constructor cannot run without arguments
   * or does not create every field.
   */
  fields?: readonly (keyof T & string)[];
  /**
   * A custom encoder, instead of the field layout: write the instance with the writer's
   * primitives and `writer.value()`. Requires `decode`.
   *
   * @param writer the writer, positioned after the class id.
   * @param value the instance.
   * @param context what the caller passed to `encode` / `Writer.reset`.
   */
  encode?(writer: Writer, value: T, context: unknown): void;
  /**
   * A custom decoder: read exactly what `encode` wrote, return an instance of the class.
   * Requires `encode`.
   *
   * @param reader the reader, positioned at the start of what `encode` wrote, limited to it.
   * @param context what the caller passed to `decode` / `Reader.reset`.
   */
  decode?(reader: Reader, context: unknown): T;
}

const BUILTINS: ReadonlySet<unknown> = new Set<unknown>([
  Object,
  Function,
  Array,
  Map,
  Set,
  WeakMap,
  WeakSet,
  WeakRef,
  FinalizationRegistry,
  Promise,
  Date,
  RegExp,
  ArrayBuffer,
  SharedArrayBuffer,
  DataView,
  Object.getPrototypeOf(Uint8Array),
  Number,
  String,
  Boolean,
  Symbol,
  BigInt,
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
  AggregateError,
]);

/** Built-in classes whose instances hold data that a field layout would not see. */
const OPAQUE_BASES: ReadonlyArray<[string, object]> = [
  ["Array", Array.prototype],
  ["Map", Map.prototype],
  ["Set", Set.prototype],
  ["Date", Date.prototype],
  ["RegExp", RegExp.prototype],
  ["ArrayBuffer", ArrayBuffer.prototype],
  ["DataView", DataView.prototype],
  ["a TypedArray", Object.getPrototypeOf(Uint8Array.prototype)],
  ["Promise", Promise.prototype],
  ["WeakMap", WeakMap.prototype],
  ["WeakSet", WeakSet.prototype],
];

/** Fields of errors that the error encoding itself carries. */
const ERROR_OWN = new Set(["message", "stack", "cause"]);

/**
 * Registers a message class, so that its instances can be encoded and decode, in any Worker
 * that registered the same name, as real instances of it. Call it once in the module that
 * defines the class (every Worker importing that module then knows the class). Registering the
 * same class under the same name again does nothing (modules can be evaluated again).
 *
 * Decoding creates the instance with `Object.create(Class.prototype)` and assigns the fields in
 * layout order: the constructor is not called. `#private` fields are not reachable this way: give
 * such a class a custom `encode`/`decode`. Error subclasses are created as real errors (their
 * message, stack and cause travel too).
 *
 * @param cls the class.
 * @param nameOrOptions its name (defaults to `cls.name`) or {@linkcode MessageOptions}.
 * @throws {CodecError} when the name or the class is already registered differently, when the
 * name's id collides with another registered name's, or when the options are inconsistent or
 * neither a name nor an object. (A
 * layout learned from a probe `new Class()` is learned when the class is first encoded or
 * decoded, not here: if the probe throws, that encode or decode fails, saying to give `fields`.)
 *
 * @example Register a class and send an instance
 * ```ts
 * import { registerMessage } from "@ringmail/actors";
 * import { decode, encode } from "@ringmail/actors/codec";
 *
 * class Deposit {
 *   constructor(public amount?: number, public account?: string) {}
 * }
 * registerMessage(Deposit);
 *
 * const back = decode(encode(new Deposit(10, "alice")));
 * console.log(back instanceof Deposit); // true
 * ```
 *
 * @example A custom encoding
 * ```ts
 * import { registerMessage } from "@ringmail/actors";
 *
 * class Point {
 *   #x: number;
 *   #y: number;
 *   constructor(x: number, y: number) {
 *     this.#x = x;
 *     this.#y = y;
 *   }
 *   get x(): number {
 *     return this.#x;
 *   }
 *   get y(): number {
 *     return this.#y;
 *   }
 * }
 * registerMessage(Point, {
 *   name: "geometry/Point",
 *   encode(writer, p) {
 *     writer.f64(p.x);
 *     writer.f64(p.y);
 *   },
 *   decode(reader) {
 *     return new Point(reader.f64(), reader.f64());
 *   },
 * });
 * ```
 */
export function registerMessage<T extends object>(
  cls: MessageClass<T>,
  nameOrOptions?: string | MessageOptions<T>,
): void {
  if (
    typeof cls !== "function" || typeof cls.prototype !== "object" ||
    cls.prototype === null
  ) {
    throw new CodecError(`registerMessage() needs a class, got ${String(cls)}`);
  }
  if (
    nameOrOptions !== undefined && typeof nameOrOptions !== "string" &&
    (typeof nameOrOptions !== "object" || nameOrOptions === null)
  ) {
    // Ignored, the class would be registered under a name the caller did not choose.
    throw new CodecError(
      `registerMessage()'s second argument must be a name or an object of options ` +
        `({ name, fields }), got ${String(nameOrOptions)}`,
    );
  }
  const options: MessageOptions<T> = typeof nameOrOptions === "string"
    ? { name: nameOrOptions }
    : nameOrOptions ?? {};
  const name = options.name ?? (cls.name === "" ? "" : defaultName(cls));
  const label = className(cls);
  if (typeof name !== "string" || name === "") {
    throw new CodecError(
      `cannot register ${label}: it has no name; pass one: registerMessage(Class, "app/Thing")`,
    );
  }

  const existing = classByClass.get(cls);
  if (existing !== undefined) {
    if (existing.name === name) return;
    throw new CodecError(
      `cannot register ${label} as message '${name}': it is already registered as ` +
        `'${existing.name}'; register each class under one name only`,
    );
  }
  const sameName = classByName.get(name);
  if (sameName !== undefined) {
    throw new CodecError(
      `cannot register ${label} as message '${name}': that name is already registered for ` +
        `${className(sameName.cls)}; pass a distinct name, e.g. ` +
        `registerMessage(${label}, "mymodule/${name}")`,
    );
  }
  const id = classId(name);
  const sameId = classById.get(id);
  if (sameId !== undefined) {
    throw new CodecError(
      `cannot register ${label} as message '${name}': its id ${formatClassId(id)} collides ` +
        `with ${className(sameId.cls)} registered as '${sameId.name}'; register one of them ` +
        `under another name, e.g. registerMessage(${label}, "${name}2")`,
    );
  }
  if (BUILTINS.has(cls)) {
    throw new CodecError(
      `cannot register the built-in ${label}: the codec encodes it already`,
    );
  }
  if (refHook.proto === cls.prototype) {
    throw new CodecError(
      `cannot register ${label} as a message class: it is the ref class of setRefCodec()`,
    );
  }

  const custom = options.encode !== undefined || options.decode !== undefined;
  if (
    custom &&
    (typeof options.encode !== "function" ||
      typeof options.decode !== "function")
  ) {
    throw new CodecError(
      `cannot register ${label}: a custom encoding needs both encode(writer, value) and ` +
        `decode(reader)`,
    );
  }
  if (custom && options.fields !== undefined) {
    throw new CodecError(
      `cannot register ${label}: give either fields or a custom encode/decode, not both`,
    );
  }
  const isError = cls.prototype instanceof Error;
  if (!custom && !isError) {
    for (const [base, proto] of OPAQUE_BASES) {
      if (Object.prototype.isPrototypeOf.call(proto, cls.prototype)) {
        throw new CodecError(
          `cannot register ${label} with a field layout: it extends ${base}, whose contents ` +
            `fields cannot see; give it a custom encode/decode`,
        );
      }
    }
  }
  // Given fields are checked now. Otherwise the layout is learned from a probe instance when
  // the class is first encoded or decoded on this thread, not here: a constructor that needs its
  // arguments (or has effects) must not run, or fail, when the module defining it is imported.
  let fields: readonly string[] | null = custom
    ? []
    : options.fields === undefined
    ? null
    : layoutOf(cls, options.fields, label, isError);
  let fieldSet: ReadonlySet<string> | null = null;
  // Whether its getters read state fields cannot see: asked when the layout is first used, not
  // as the module registering it is imported (the check calls its getters).
  let hidden: string | null | undefined = custom ? null : undefined;
  const layout = () => {
    if (hidden !== null) {
      hidden ??= hiddenStateOf(cls);
      if (hidden !== null) {
        throw new CodecError(
          `cannot encode or decode ${label} by fields: ${hidden}, which fields cannot see, so ` +
            `its instances would arrive broken. Register it with a custom encode/decode, or ` +
            `send plain data instead (a URL's href, say)`,
        );
      }
    }
    return fields ??= layoutOf(cls, undefined, label, isError);
  };

  const [b0, b1, b2] = classIdBytes(id);
  const info: ClassInfo = {
    cls,
    proto: cls.prototype,
    name,
    id,
    index: classByClass.size,
    b0,
    b1,
    b2,
    get fields() {
      return layout();
    },
    get fieldSet() {
      return fieldSet ??= new Set(layout());
    },
    isError,
    encode: options.encode as ClassInfo["encode"],
    decode: options.decode,
    write: undefined,
    build: undefined,
    copy: undefined,
    layout: undefined,
  };
  classByClass.set(cls, info);
  classByName.set(name, info);
  classById.set(id, info);
  classByProto.set(cls.prototype, info);
}

/** The fields of `cls` in layout order: `given`, checked, or those of a probe `new cls()`. */
function layoutOf(
  cls: MessageClass,
  given: readonly string[] | undefined,
  label: string,
  isError: boolean,
): string[] {
  let fields: string[];
  if (given !== undefined) {
    if (!Array.isArray(given) || given.some((f) => typeof f !== "string")) {
      throw new CodecError(
        `cannot register ${label}: fields must be an array of strings`,
      );
    }
    fields = [...given];
    if (new Set(fields).size !== fields.length) {
      throw new CodecError(
        `cannot register ${label}: fields has duplicates: ${fields}`,
      );
    }
  } else {
    let probe: object;
    try {
      probe = new (cls as unknown as new () => object)();
    } catch (e) {
      throw new CodecError(
        `cannot encode or decode ${label}: its field layout is learned from an instance made ` +
          `with no arguments, but new ${label}() threw (${describeError(e)}); give its ` +
          `constructor parameters defaults, or name the fields: ` +
          `@message({ fields: ["a", "b"] }) or registerMessage(${label}, { fields: [...] })`,
        { cause: e },
      );
    }
    fields = Object.keys(probe);
  }
  if (isError) fields = fields.filter((f) => !ERROR_OWN.has(f));
  if (fields.includes("__proto__")) {
    throw new CodecError(
      `cannot register ${label}: a field named __proto__ is not supported`,
    );
  }
  return fields;
}

/**
 * TC39 class decorator form of {@linkcode registerMessage}: `@message()` registers the class
 * under its own name, `@message("app/Ping")` or `@message({ name, fields, encode, decode })`
 * as given. Registration happens when the class definition finishes (after static fields).
 *
 * @param nameOrOptions the name (defaults to the class's `name`) or {@linkcode MessageOptions}.
 * @returns the class decorator.
 *
 * @example Decorate a message class
 * ```ts
 * import { message } from "@ringmail/actors";
 * import { decode, encode } from "@ringmail/actors/codec";
 *
 * @message()
 * class Ping {
 *   constructor(public seq?: number) {}
 * }
 *
 * console.log(decode(encode(new Ping(1))) instanceof Ping); // true
 * ```
 */
export function message<T extends object>(
  nameOrOptions?: string | MessageOptions<T>,
): (value: MessageClass<T>, context: ClassDecoratorContext) => void {
  return (value: MessageClass<T>, context: ClassDecoratorContext): void => {
    context.addInitializer(() => registerMessage(value, nameOrOptions));
  };
}

/**
 * The name a class is registered under, or `undefined` when it is not a registered message
 * class (e.g. for error messages: "message class Ping").
 *
 * @param cls any value; typically a class.
 * @returns the registered name, or `undefined`.
 *
 * @example Ask whether a class is registered
 * ```ts
 * import { messageName, registerMessage } from "@ringmail/actors";
 *
 * class Pong {}
 * console.log(messageName(Pong)); // undefined
 * registerMessage(Pong, "game/Pong");
 * console.log(messageName(Pong)); // "game/Pong"
 * ```
 */
export function messageName(cls: unknown): string | undefined {
  return classByClass.get(cls)?.name;
}

/** `class Foo` or a description of a nameless one. */
function className(cls: unknown): string {
  const name = typeof cls === "function" ? cls.name : "";
  return name ? name : "an anonymous class";
}
