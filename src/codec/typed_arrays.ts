/**
 * The typed array kinds of the wire format: extension kind `X_TYPED_FIRST + index` in this
 * list. `Uint8Array` is not here: it has its own tag (BIN).
 *
 * @module
 */

import { X_TYPED_FIRST } from "./tags.ts";

/** A typed array constructor of the list. */
export type TypedArrayClass =
  | Int8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float16ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** Typed array classes in extension-kind order (kind 16 is Int8Array, 26 BigUint64Array). */
export const TYPED_ARRAYS: readonly TypedArrayClass[] = [
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float16Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

/** Extension kind by prototype. */
export const typedKindByProto: ReadonlyMap<object, number> = new Map(
  TYPED_ARRAYS.map((c, i) => [c.prototype, X_TYPED_FIRST + i]),
);
