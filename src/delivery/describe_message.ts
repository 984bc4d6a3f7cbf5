/**
 * How a dead letter names the message it lost.
 *
 * @module
 */

import { messageName } from "../codec/mod.ts";

/** A short description of a message for dead-letter reports: its class, or its type. */
export function describeMessage(message: unknown): string {
  if (message === undefined) return "undecodable message";
  if (message === null) return "null";
  if (typeof message !== "object") {
    const text = typeof message === "string"
      ? JSON.stringify(
        message.length > 40 ? message.slice(0, 40) + "…" : message,
      )
      : String(message);
    return `${typeof message} ${text}`;
  }
  // The class's own name reads best in a report; its registered name may carry its module.
  const constructor = (message as { constructor?: unknown }).constructor;
  return (typeof constructor === "function" && constructor.name) ||
    messageName(constructor) ||
    "object";
}
