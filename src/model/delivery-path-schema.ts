/**
 * A scenario's `delivery` field, as zod (part of the one scenario schema,
 * src/model/scenario-schema.ts): the delivery path its runs need (a proxy, TLS, HTTP/2, ...)
 * and, optionally, variants of it, each run as its own step per strategy (proxy-buffering:
 * buffering on vs off). What each field means: src/model/delivery-path.ts.
 */
import { z } from "zod";
import {
  CLIENT_KEEPALIVE_LIMITS,
  type DeliveryPath,
  DIRECT_PATH,
  deliveryPathProblem,
  PROXY_KINDS,
  PROXY_READ_TIMEOUT_LIMITS,
} from "./delivery-path.ts";

const flag = (what: string) =>
  z.boolean({ error: () => `must be true or false (${what})` }).optional();

/** A whole number of ms within `limits`, each way out named with the bound it crossed. */
const wholeMsWithin = (limits: { min: number; max: number }) =>
  z
    .number({ error: () => "must be a number of ms" })
    .int({ error: () => "must be a whole number of ms" })
    .min(limits.min, { error: () => `must be at least ${limits.min} ms` })
    .max(limits.max, { error: () => `must be at most ${limits.max} ms` })
    .optional();

const pathShape = {
  proxy: z
    .enum(PROXY_KINDS, { error: () => `must be one of ${PROXY_KINDS.join(", ")}` })
    .optional()
    .describe("A reverse proxy in front of every instance: none (default) or nginx."),
  proxyBuffering: flag("nginx proxy_buffering").describe("nginx proxy_buffering on (true) or off."),
  proxyReadTimeoutMs: wholeMsWithin(PROXY_READ_TIMEOUT_LIMITS).describe(
    "nginx proxy_read_timeout, ms: upstream silence longer than this cuts.",
  ),
  honourAccelBuffering: flag("honour the upstream's X-Accel-Buffering").describe(
    "false: nginx ignores the servers' X-Accel-Buffering: no (proxy_ignore_headers).",
  ),
  upstreamKeepAlive: flag("HTTP/1.1 keep-alive to the upstream").describe(
    "false: nginx's default HTTP/1.0 upstream, one connection per request.",
  ),
  clientKeepAliveTimeoutMs: wholeMsWithin(CLIENT_KEEPALIVE_LIMITS).describe(
    "nginx keepalive_timeout towards the clients, ms (default 75000).",
  ),
  tls: flag("TLS to the proxy").describe("TLS between the clients and nginx."),
  http2: flag("HTTP/2 to the proxy").describe("HTTP/2 between the clients and nginx (needs tls)."),
  tlsResumption: flag("TLS session resumption").describe(
    "false: no session tickets or cache, every connection a full handshake.",
  ),
} as const;

export const deliveryPathOverridesSchema = z.strictObject(pathShape, {
  error: (issue) =>
    issue.code === "unrecognized_keys"
      ? `${issue.keys.join(", ")} is not a delivery path field; known: ${Object.keys(pathShape).join(", ")}`
      : "must be an object of delivery path fields",
});

export type DeliveryPathOverrides = Partial<DeliveryPath>;

const variantSchema = z.strictObject(
  {
    label: z
      .string({ error: () => "must be a string, e.g. 'buffering on'" })
      .min(1, { error: () => "is empty; give a short label, e.g. 'buffering on'" }),
    path: deliveryPathOverridesSchema,
  },
  { error: () => "must be {label, path}" },
);

export const deliverySchema = z
  .strictObject(
    {
      path: deliveryPathOverridesSchema
        .optional()
        .describe("The delivery path every run of the scenario uses (on top of the CLI's)."),
      variants: z
        .array(variantSchema)
        .min(1, { error: () => "is empty; leave it out or give at least one variant" })
        .max(8, { error: () => "has more than 8 variants; split the scenario" })
        .optional()
        .describe("Each variant is run as its own step per strategy, on top of `path`."),
    },
    { error: () => "must be {path?, variants?}" },
  )
  .superRefine((delivery, ctx) => {
    const bases = delivery.variants?.map((v) => v.path) ?? [{}];
    bases.forEach((variant, i) => {
      const combined: DeliveryPath = { ...DIRECT_PATH, ...delivery.path, ...variant };
      const problem = deliveryPathProblem(combined);
      if (problem !== null) {
        ctx.addIssue({
          code: "custom",
          message: problem,
          path: delivery.variants ? ["variants", i, "path"] : ["path"],
        });
      }
    });
    const labels = delivery.variants?.map((v) => v.label) ?? [];
    if (new Set(labels).size !== labels.length) {
      ctx.addIssue({
        code: "custom",
        message: "variant labels repeat; give each variant its own label",
        path: ["variants"],
      });
    }
  });

export type ScenarioDelivery = z.output<typeof deliverySchema>;
