import { loadOpenAITokenizers } from './openai-encoders.js';
import { isExactFamily, tokenizerFor, type ExactTokenizerFamily, type TokenizerFamily } from './tokenizer-family.js';

/** What choosing a deployment's tokenizer needs: its upstream model id and provider type. */
export interface TokenizedDeployment {
  model: string;
  providerConfig: { type: string };
}

const families = new WeakMap<object, TokenizerFamily>();

/** The tokenizer family of a deployment, computed once per resolved deployment object. */
export function tokenizerForDeployment(deployment: TokenizedDeployment): TokenizerFamily {
  let family = families.get(deployment);
  if (family === undefined) {
    family = tokenizerFor(deployment.model, deployment.providerConfig.type);
    families.set(deployment, family);
  }
  return family;
}

/**
 * Loads the real tokenizers the given deployments need (o200k, cl100k), once. Call when a config is
 * built (startup, reload), so requests count exactly from the first one instead of estimating
 * while a table loads; the load takes well under a second per encoding.
 */
export async function preloadTokenizersFor(deployments: Iterable<TokenizedDeployment>): Promise<void> {
  const families = new Set<ExactTokenizerFamily>();
  for (const deployment of deployments) {
    const family = tokenizerForDeployment(deployment);
    if (isExactFamily(family)) families.add(family);
  }
  await loadOpenAITokenizers(families);
}
