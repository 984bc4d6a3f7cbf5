/** The plain Worker of bench/http_bench.ts: `{ id, n }` in, `{ id, body }` out, over postMessage. */
import { work } from "./_http_work.ts";

self.onmessage = (event: MessageEvent<{ id: number; n: number }>) => {
  const { id, n } = event.data;
  self.postMessage({ id, body: work(n) });
};
