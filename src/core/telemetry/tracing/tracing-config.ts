import { z } from 'zod';

/**
 * `telemetry.tracing`: OpenTelemetry traces of every request, following the GenAI semantic
 * conventions, exported over OTLP/HTTP. Off by default.
 */
export const tracingConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The collector's OTLP/HTTP traces URL (the path included). */
    otlp_endpoint: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default('http://127.0.0.1:4318/v1/traces'),
    /** `service.name` of the exported resource. */
    service_name: z.string().min(1).default('switchyard'),
    /** Sent with every export, e.g. a collector's API key (`${ENV}` is interpolated). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Share of requests traced, by trace id: 1 traces all, 0.1 one in ten. */
    sample_ratio: z.number().min(0).max(1).default(1),
  })
  .strict();

/** The `telemetry` section. */
export const telemetryConfigSchema = z.object({ tracing: tracingConfigSchema.prefault({}) }).strict();

export type TracingConfig = z.output<typeof tracingConfigSchema>;
export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;
