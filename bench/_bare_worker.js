// The baseline of bench/worker_start_bench.ts: the smallest Worker that answers a message.
self.onmessage = (event) => self.postMessage(event.data);
