/**
 * Each node is a NATS service ("micro", the NATS services protocol, ADR-32): it answers the
 * discovery subjects `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS` (each also with `.<name>` and
 * `.<name>.<id>`) as `ringmail-<cluster>`, its id being the node's, so `nats micro ls`,
 * `nats micro stats ringmail-shop` or any services client lists the nodes and their links. Its
 * one endpoint, `status` (`<prefix>.<node>.status`), answers the node's ClusterStatus as JSON;
 * STATS carries the same in the endpoint's `data`.
 *
 * Written here rather than taken from `@nats-io/services`: that package has only pre-releases
 * of 3.0, built against an older client than the one pinned in nats.ts; the protocol's part a
 * node needs is these few subjects.
 *
 * @module
 */

import type { ClusterStatus } from "../system/options.ts";
import { type Msg, type NatsConnection, onMessage, type Subscription } from "./nats.ts";

/** The version a node reports (the services protocol wants a semantic version). */
const SERVICE_VERSION = "0.1.0";
/** The endpoint's queue group (the protocol's default). */
const QUEUE_GROUP = "q";

/** What the node's service reports. */
export interface NodeServiceInfo {
  /** The cluster's name: the service is `ringmail-<cluster>`. */
  readonly cluster: string;
  /** This node's id. */
  readonly node: number;
  /** The subject of the status endpoint. */
  readonly statusSubject: string;
  /** The node's links now. */
  status(): ClusterStatus;
}

/** A node's service (see the module doc). */
export class NodeService {
  readonly #subscriptions: Subscription[] = [];
  readonly #identity: Record<string, unknown>;
  readonly #started = new Date().toISOString();
  readonly #endpoint: { name: string; subject: string; queue_group: string };
  #requests = 0;
  #processingNs = 0;

  constructor(nc: NatsConnection, readonly info: NodeServiceInfo) {
    const name = `ringmail-${info.cluster}`;
    const id = String(info.node);
    this.#identity = {
      name,
      id,
      version: SERVICE_VERSION,
      metadata: { node: id, cluster: info.cluster },
    };
    this.#endpoint = { name: "status", subject: info.statusSubject, queue_group: QUEUE_GROUP };
    const answers: Record<string, () => unknown> = {
      PING: () => ({ type: "io.nats.micro.v1.ping_response", ...this.#identity }),
      INFO: () => ({
        type: "io.nats.micro.v1.info_response",
        ...this.#identity,
        description: `ringmail node ${id} of cluster ${info.cluster}`,
        endpoints: [{ ...this.#endpoint, metadata: null }],
      }),
      STATS: () => this.#stats(),
    };
    for (const [verb, answer] of Object.entries(answers)) {
      for (
        const subject of [`$SRV.${verb}`, `$SRV.${verb}.${name}`, `$SRV.${verb}.${name}.${id}`]
      ) {
        this.#subscriptions.push(nc.subscribe(subject, {
          callback: onMessage((msg) => respondJson(msg, answer())),
        }));
      }
    }
    this.#subscriptions.push(nc.subscribe(info.statusSubject, {
      queue: QUEUE_GROUP,
      callback: onMessage((msg) => {
        const began = performance.now();
        respondJson(msg, info.status());
        this.#requests++;
        this.#processingNs += Math.round((performance.now() - began) * 1e6);
      }),
    }));
  }

  /** Stops answering. */
  close(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
  }

  #stats(): unknown {
    return {
      type: "io.nats.micro.v1.stats_response",
      ...this.#identity,
      started: this.#started,
      endpoints: [{
        ...this.#endpoint,
        num_requests: this.#requests,
        num_errors: 0,
        last_error: "",
        processing_time: this.#processingNs,
        average_processing_time: this.#requests === 0
          ? 0
          : Math.round(this.#processingNs / this.#requests),
        data: this.info.status(),
      }],
    };
  }
}

function respondJson(msg: Msg, value: unknown): void {
  msg.respond(new TextEncoder().encode(JSON.stringify(value)));
}
