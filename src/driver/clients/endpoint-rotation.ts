/**
 * Which endpoint a client talks to next. A client starts at its own index (so clients spread
 * over the instances round-robin) and moves on to the next endpoint only after a network-level
 * failure: what a client behind a health-checked load balancer sees when an instance dies. An
 * HTTP error status stays on the same endpoint: the instance is alive and answered.
 */
import type { Endpoint } from "./client-context.ts";

export interface EndpointRotation {
  current(): Endpoint;
  /** Moves to the next endpoint (no-op with a single one). */
  failover(): void;
}

export function createEndpointRotation(
  endpoints: readonly Endpoint[],
  startIndex: number,
): EndpointRotation {
  if (endpoints.length === 0) throw new Error("a client needs at least one endpoint");
  if (!Number.isInteger(startIndex) || startIndex < 0) {
    throw new RangeError(`endpoint index must be a non-negative integer, got ${startIndex}`);
  }
  let index = startIndex % endpoints.length;
  return {
    current: () => endpoints[index] as Endpoint,
    failover() {
      index = (index + 1) % endpoints.length;
    },
  };
}

/** Our own servers start from the beginning of a per-run stream; external servers from "now". */
export function isExternal(endpoint: Endpoint): boolean {
  return endpoint.kind === "template";
}
