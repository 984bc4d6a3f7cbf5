// A bare Worker of bench/worker_start_bench.ts that loads one module first: the one named by its
// URL's `module` parameter (ringmail's Worker runtime, as files or as one bundled file). It runs
// none of that module's code but its top level, and answers once the module is loaded: the floor
// of any Worker that needs those modules.
const loaded = import(new URL(import.meta.url).searchParams.get("module"));
self.onmessage = async (event) => {
  await loaded;
  self.postMessage(event.data);
};
