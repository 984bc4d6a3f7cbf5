// The entry module of every Worker of an actor system.
//
// It is JavaScript, and it loads the runtime (worker_main.ts) by a URL computed at run time, so
// that Deno does not type-check the runtime once more in every Worker: under `deno test` (and
// `deno run --check`) each Worker's module graph is checked when the Worker starts, which with a
// cold cache took seconds per Worker and timed out first calls. The runtime is checked with the
// library (`deno check` of src/); a computed specifier keeps it out of the Worker's static graph.
//
// The bootstrap may arrive while the runtime is still loading: it is held until both are here.

const runtime = new URL("./worker_main.ts", import.meta.url).href;
const bootstrap = new Promise((resolve) => {
  self.onmessage = (event) => {
    self.onmessage = null;
    resolve(event.data);
  };
});
const [{ run }, boot] = await Promise.all([import(runtime), bootstrap]);
await run(boot);
