/**
 * The config used when no file is given and no `switchyard.yaml` exists: two simulated tiers, so
 * `npm start` serves requests with no keys and no servers. Simulated answers are labelled as such.
 */
export const DEFAULT_CONFIG_YAML = `# Embedded default: simulated models only. Write a switchyard.yaml to use real providers.
providers:
  sim-open:
    type: simulated
    description: Simulated self-hosted open-weight model server
    latency: { distribution: lognormal, median_ms: 120, p99_ms: 600 }
    tokens_per_second: 120
  sim-closed:
    type: simulated
    description: Simulated closed frontier API
    # Terms as a closed API would have them, so data policies treat it like one.
    data_handling: { self_hosted: false, retention_days: 30, used_for_training: false, regions: [us] }
    latency: { distribution: lognormal, median_ms: 400, p99_ms: 2000 }
    tokens_per_second: 60
models:
  open-small:
    description: Simulated open-weight 8B model
    deployments:
      - provider: sim-open
        model: llama-3.1-8b-instruct
        context_window: 131072
        pricing: { input_per_mtok: 0.05, output_per_mtok: 0.08 }
  frontier:
    description: Simulated closed frontier model
    deployments:
      - provider: sim-closed
        model: frontier-large
        context_window: 200000
        pricing: { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 }
  embed-small:
    kind: embedding
    deployments:
      - provider: sim-open
        model: embed-small
        pricing: { input_per_mtok: 0.02, output_per_mtok: 0 }
workloads:
  support-triage:
    description: Classify and route support tickets
    route: { model: open-small, fallbacks: [frontier] }
    reference_model: frontier
    routing:
      rules:
        - { name: tools, when: { has: [tools] }, model: frontier }
      cascade: { tiers: [open-small, frontier], checks: [refusal] }
  contract-review:
    description: Careful reading of legal text
    route: { model: frontier }
`;
