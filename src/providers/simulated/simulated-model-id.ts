/**
 * The model id a simulated deployment reports (`simulated/<model>`), so a response can never be
 * mistaken for a real model's. Drift detection pins simulated deployments to this id.
 */
export function simulatedModelId(model: string): string {
  return `simulated/${model}`;
}
