/**
 * The name a message class is registered under when none is given: its module and its class
 * name, `"shop/messages.ts#Start"`, so that two modules (or two libraries) that each declare a
 * `Start` never clash. The module is found from the call stack of the registration (the module
 * whose top level ran `@message()` or `registerMessage`), and written relative to a base that
 * every thread of a system agrees on — the folder of the program's main module — so the name is
 * the same in each Worker, and in two programs run from one folder. A module outside the base's
 * folder keeps its whole URL (a `jsr:` or `https:` module has the same one on every machine).
 *
 * @module
 */

/** The folder names are relative to; "" writes whole URLs. */
let base = baseOf(mainModule());

/** The URL of the program's main module (Workers have none: they are given the base). */
function mainModule(): string {
  try {
    return globalThis.Deno?.mainModule ?? "";
  } catch {
    return ""; // a runtime without Deno.mainModule, or one that refuses it
  }
}

function baseOf(url: string): string {
  const slash = url.lastIndexOf("/");
  return slash < 0 ? "" : url.slice(0, slash + 1);
}

/**
 * @internal The base this thread writes default names against (a system gives it to each of
 * its Workers, which have no main module of their own).
 */
export function nameBase(): string {
  return base;
}

/** @internal Sets the base (see {@link nameBase}); a Worker does, before any module is loaded. */
export function setNameBase(folder: string): void {
  base = folder;
}

/** Stack lines of ringmail's own codec: the registering module is the first line past them. */
const CODEC_FOLDER = baseOf(import.meta.url);

/**
 * The default name of `cls`, registered from the code now running: `module#Class`, or just the
 * class's name when no module can be told from the stack.
 */
export function defaultName(cls: { readonly name: string }): string {
  const module = callerModule();
  if (module === "") return cls.name;
  const within = base !== "" && module.startsWith(base);
  return `${within ? module.slice(base.length) : module}#${cls.name}`;
}

/** The URL of the first module on the stack that is not the codec's own. */
function callerModule(): string {
  const stack = new Error().stack ?? "";
  for (
    const match of stack.matchAll(/((?:file|https?|jsr|npm):[^\s)]+?):\d+:\d+/g)
  ) {
    const url = match[1];
    if (!url.startsWith(CODEC_FOLDER)) return url;
  }
  return "";
}
