/**
 * Finding an actor class among its module's exports, in the thread that starts it (a Worker, or
 * another node): by the name it was spawned under, its class's own name.
 *
 * @module
 */

import { Actor } from "../actor/mod.ts";

/**
 * The actor class spawned as `exportName` from module `module`, among that module's `exports`:
 * the export of that name if it is the module's own actor class; else the one actor class the
 * module defines and exports under another name (a default export, `export { A as B }`) whose
 * own name is `exportName`. Never another module's class of that name that this one re-exports,
 * nor a function that only bears the name. Otherwise the export of that name as it is (not a
 * class: its start says so), or undefined.
 */
export function exportedActorClass(
  exports: Record<string, unknown>,
  exportName: string,
  module: string,
): unknown {
  const own = (value: unknown): boolean =>
    typeof value === "function" && value.prototype instanceof Actor &&
    (value as { module?: unknown }).module === module;
  const named = exports[exportName];
  if (own(named)) return named;
  const found = Object.values(exports).filter((value) =>
    own(value) && (value as { name: string }).name === exportName
  );
  if (found.length === 1) return found[0];
  // Another module's actor class under this name is not the one spawned.
  if (typeof named === "function" && named.prototype instanceof Actor) return undefined;
  return named;
}
