/**
 * A short description of any value for an error message about an argument: what was passed
 * instead of what was wanted.
 *
 * @module
 */

/** A short description of `value`: a primitive as itself (a string quoted), an object by class. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  if (typeof value !== "object" && typeof value !== "function") return String(value);
  return value.constructor?.name ?? typeof value;
}
