/**
 * Paths inside a message, for error messages: the root is `message`, then `.key` or `["odd key"]`
 * for object keys and class fields, `[3]` for array indices, `.get("k")` for Map values.
 * Built only when something failed: the hot path pays nothing for them.
 *
 * @module
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The root of every path. */
export const ROOT = "message";

/** The segment for a property key. */
export function keySegment(key: string): string {
  return IDENTIFIER.test(key) ? "." + key : "[" + JSON.stringify(key) + "]";
}

/** The segment for an array index. */
export function indexSegment(i: number): string {
  return "[" + i + "]";
}

/** The segment for the key of the `i`-th entry of a Map. */
export function mapKeySegment(i: number): string {
  return `.<key of entry ${i}>`;
}

/** The segment for the value of a Map entry whose key is `key`, the `i`-th entry. */
export function mapValueSegment(key: unknown, i: number): string {
  if (typeof key === "string") return `.get(${JSON.stringify(key)})`;
  if (typeof key === "number" || typeof key === "boolean") {
    return `.get(${key})`;
  }
  return `.<value of entry ${i}>`;
}

/** The segment for the `i`-th element of a Set. */
export function setSegment(i: number): string {
  return `.<element ${i}>`;
}

/** Joins segments collected innermost first into a path from the root. */
export function joinTrail(
  trail: readonly string[] | null,
  count?: number,
): string {
  if (trail === null) return ROOT;
  const n = count ?? trail.length;
  let path = ROOT;
  for (let i = trail.length - 1; i >= trail.length - n; i--) path += trail[i];
  return path;
}
