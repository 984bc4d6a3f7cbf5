/**
 * What each Worker of a system observed with spans imports as it starts (the observer's
 * `workerModule`, see src/system/observer.ts): the Worker's tracing.
 *
 * @module
 */

import type { MessageTracing } from "../../../mod.ts";
import { otelGlobal } from "./api.ts";
import { OtelTracing } from "./spans.ts";

/** What `openTelemetry()` tells each Worker. */
export interface WorkerOtelOptions {
  readonly spans: boolean;
}

/** The Worker's tracing: spans for its handlers, or null when tracing is off in this isolate. */
export function observeWorker(
  options: WorkerOtelOptions,
  threadId: number,
): MessageTracing | null {
  const api = otelGlobal();
  if (!options.spans || api.trace === undefined || api.context === undefined) return null;
  return new OtelTracing({ trace: api.trace, context: api.context }, threadId, true);
}
