/**
 * Finding an actor class among its module's exports, in the thread that starts it (a Worker, or
 * another node): by the name it was spawned under, its class's own name.
 *
 * @module
 */

import { Actor } from "../actor/mod.ts";

/**
 * The export of `exports` (module `module`'s) named `exportName`; else the one actor class the
 * module exports under another name (a default export, `export { A as B }`) whose own name is
 * `exportName` and whose `module` is `module` — not a class of that name another module defines
 * and this one re-exports, nor a function that only bears the name. Undefined when none.
 */
export function exportedActorClass(
  exports: Record<string, unknown>,
  exportName: string,
  module: string,
): unknown {
  const named = exports[exportName];
  if (named !== undefined) return named;
  const found = Object.values(exports).filter((value) =>
    typeof value === "function" && value.name === exportName &&
    value.prototype instanceof Actor &&
    (value as { module?: unknown }).module === module
  );
  return found.length === 1 ? found[0] : undefined;
}
