/**
 * Finding an actor class among its module's exports, in the thread that starts it (a Worker, or
 * another node), or that checks it can be started (`spawnOn` this node): by the name it was
 * spawned under, its class's own name.
 *
 * @module
 */

import { Actor, messageOf } from "../actor/mod.ts";
import { SpawnError } from "./errors.ts";

/**
 * The actor class spawned as `exportName` (its class's own name) from module `module`, among that
 * module's `exports`: the one actor class the module defines and exports, under any name (its own,
 * a default export, `export { A as B }`), whose own name is `exportName` — never another module's
 * class of that name that this one re-exports, nor a function that only bears the name. With
 * none, the export of that name if it is no actor class (its start says what it is), else
 * undefined.
 * @throws {SpawnError} when the module exports two different actor classes of that name: which
 * one was spawned cannot be told.
 */
export function exportedActorClass(
  exports: Record<string, unknown>,
  exportName: string,
  module: string,
): unknown {
  const found = new Set(
    Object.values(exports).filter((value) =>
      typeof value === "function" && value.prototype instanceof Actor &&
      (value as { module?: unknown }).module === module && value.name === exportName
    ),
  );
  if (found.size === 1) return [...found][0];
  if (found.size > 1) {
    throw new SpawnError(
      `${module} exports ${found.size} different actor classes named ${exportName}: which one ` +
        `was spawned cannot be told; give each class a name of its own`,
    );
  }
  const named = exports[exportName];
  return typeof named === "function" && named.prototype instanceof Actor ? undefined : named;
}

/**
 * Why `module` has no actor class `exportName` to start, and what to do: export it; or, when the
 * module exports actor classes of its own, give a subclass of one of them defined in another
 * module its own `module` (it inherits its base's, which points here, where it is not).
 */
export function notExportedReason(
  exports: Record<string, unknown>,
  exportName: string,
  module: string,
): string {
  const reason = `${module} does not export ${exportName}: actor classes must be exported from ` +
    `their module (\`export class ${exportName} extends Actor\`) so their Worker can find them`;
  const bases = [
    ...new Set(
      Object.values(exports).filter((value) =>
        typeof value === "function" && value.prototype instanceof Actor &&
        (value as { module?: unknown }).module === module
      ).map((value) => (value as { name: string }).name),
    ),
  ];
  if (bases.length === 0) return reason;
  const base = bases.length === 1
    ? bases[0]
    : `${bases.slice(0, -1).join(", ")} or ${bases.at(-1)}`;
  const its = bases.length === 1 ? `${base}'s` : "its base's";
  return `${reason}; or, if ${exportName} extends ${base} from another module, it inherits ` +
    `${its} \`module\` (${module}): give ${exportName} its own ` +
    "`static readonly module = import.meta.url`";
}

/**
 * What `module`, loaded on this thread, exports as the actor class `exportName` (see
 * exportedActorClass: undefined when none), or why it could not be told (the module could not
 * be loaded, or it exports two such classes).
 */
export async function exportedClass(
  module: string,
  exportName: string,
): Promise<{ found: unknown } | { why: string }> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(module);
  } catch (error) {
    return { why: `its module ${module} could not be loaded: ${messageOf(error)}` };
  }
  try {
    return { found: exportedActorClass(exports, exportName, module) };
  } catch (error) {
    return { why: messageOf(error) };
  }
}
