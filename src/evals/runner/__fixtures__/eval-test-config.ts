/** Two simulated models that answer instantly; the frontier's answers name `frontier-large`. */
export const EVAL_TEST_CONFIG_YAML = `
providers:
  sim-open: { type: simulated }
  sim-closed: { type: simulated }
models:
  open-small:
    deployments:
      - provider: sim-open
        model: llama-3.1-8b-instruct
        pricing: { input_per_mtok: 0.05, output_per_mtok: 0.08 }
  frontier:
    deployments:
      - provider: sim-closed
        model: frontier-large
        pricing: { input_per_mtok: 3, output_per_mtok: 15 }
`;

/** The same config with the frontier deployment pinned to another version. */
export const EVAL_TEST_CONFIG_PINNED_YAML = EVAL_TEST_CONFIG_YAML.replace('model: frontier-large\n', 'model: frontier-large\n        version: "2026-11-01"\n');
