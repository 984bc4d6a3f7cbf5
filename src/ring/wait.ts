/**
 * Waiting on a shared Int32 word without blocking the thread, bounded by a timeout and an
 * AbortSignal, with the timer that keeps Deno's event loop alive meanwhile (`Atomics.waitAsync`
 * alone does not) and no timer left behind.
 *
 * @module
 */

/**
 * Resolves once `view[index]` is woken by `Atomics.notify`, is no longer `value`, `timeoutMs`
 * passed, or `signal` aborted — whichever is first. Callers re-check their condition after.
 */
export function waitWordAsync(
  view: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted || !(timeoutMs > 0)) return Promise.resolve();
  const result = Atomics.waitAsync(view, index, value);
  if (!result.async) return Promise.resolve();
  return new Promise<void>((resolve) => {
    // V8 resolves a woken waitAsync in a task that Deno's event loop does not wait for, so a
    // timer stays pending from the start until the promise settles.
    let timer = setTimeout(giveUp, Math.min(timeoutMs, 2 ** 31 - 1));
    function giveUp(): void {
      timer = setTimeout(() => {}, 2 ** 31 - 1);
      // Wakes our own waitAsync, so V8 releases it rather than holding it until a notify.
      Atomics.notify(view, index);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    function onAbort(): void {
      clearTimeout(timer);
      giveUp();
    }
    result.value.then(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
