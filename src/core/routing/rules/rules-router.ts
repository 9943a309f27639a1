import type { ChatCall } from '../../../spec/chat-call.js';
import type { RouteDecision, Router, RoutingContext } from '../router.js';
import type { CountRange, RequestFeature, RoutingRule } from './rules-config.js';

/**
 * The static rules router: rules are compiled once per config into predicates, and each request
 * walks them in order; the first rule whose conditions all hold decides. Cheap conditions run
 * before `input_tokens`, so a request is only tokenized when everything else about a rule matched.
 */

export interface RulesRouterOptions {
  /** The workload's primary logical model: `input_tokens` is counted with its tokenizer. */
  primaryModel: string;
  /** The workload's cascade tiers, cheapest first; required when any rule says `cascade: true`. */
  cascadeTiers?: readonly string[];
}

/** A predicate that returns why it matched (`input_tokens 9120 > 8000`), or undefined. */
type Condition = (context: RoutingContext) => string | undefined;

interface CompiledRule {
  name: string;
  /** In evaluation order: cheapest first. */
  conditions: readonly Condition[];
  decide: (reason: string) => RouteDecision;
}

export function createRulesRouter(rules: readonly RoutingRule[], options: RulesRouterOptions): Router {
  const compiled = rules.map((rule, index) => compileRule(rule, index, options));
  return {
    name: 'rules',
    decide(context: RoutingContext): RouteDecision | undefined {
      for (const rule of compiled) {
        const reasons: string[] = [];
        for (const condition of rule.conditions) {
          const reason = condition(context);
          if (reason === undefined) break;
          reasons.push(reason);
        }
        if (reasons.length === rule.conditions.length) return rule.decide(`rule ${rule.name}: ${reasons.join(', ')}`);
      }
      return undefined;
    },
  };
}

function compileRule(rule: RoutingRule, index: number, options: RulesRouterOptions): CompiledRule {
  const name = rule.name ?? `rule-${index}`;
  const { when } = rule;
  const conditions: Condition[] = [];
  if (when.task !== undefined) {
    const tasks = new Set(typeof when.task === 'string' ? [when.task] : when.task);
    conditions.push((context) => (context.task !== undefined && tasks.has(context.task) ? `task ${context.task}` : undefined));
  }
  if (when.metadata !== undefined) {
    const required = Object.entries(when.metadata).map(([key, value]) => [key, new Set(typeof value === 'string' ? [value] : value)] as const);
    conditions.push((context) => {
      for (const [key, values] of required) {
        const actual = context.metadata[key];
        if (actual === undefined || !values.has(actual)) return undefined;
      }
      return `metadata ${required.map(([key]) => `${key}=${context.metadata[key]}`).join(' ')}`;
    });
  }
  if (when.has !== undefined) {
    const features = [...new Set(when.has)];
    conditions.push((context) => {
      const present = features.find((feature) => hasFeature(context.call, feature));
      return present === undefined ? undefined : `has ${present}`;
    });
  }
  if (when.messages !== undefined) {
    const inRange = compileRange(when.messages);
    conditions.push((context) => inRange('messages', context.call.messages.length));
  }
  if (when.input_tokens !== undefined) {
    const inRange = compileRange(when.input_tokens);
    conditions.push((context) => inRange('input_tokens', context.inputTokens(options.primaryModel)));
  }
  return { name, conditions, decide: compileDecision(rule, name, options) };
}

function compileDecision(rule: RoutingRule, name: string, options: RulesRouterOptions): (reason: string) => RouteDecision {
  if (rule.model !== undefined) {
    const models = Object.freeze([rule.model, ...(rule.fallbacks ?? [])]);
    return (reason) => ({ kind: 'models', models, router: 'rules', reason });
  }
  const tiers = options.cascadeTiers;
  if (tiers === undefined || tiers.length === 0) {
    // checkRuleTargets reports this at config load; reaching it means the caller skipped that check.
    throw new Error(`routing rule '${name}' hands requests to the cascade, but the workload has no cascade tiers`);
  }
  const frozenTiers = Object.freeze([...tiers]);
  return (reason) => ({ kind: 'cascade', tiers: frozenTiers, router: 'rules', reason });
}

type RangeCheck = (label: string, value: number) => string | undefined;

/** Every bound must hold; the reason names the bounds that did, `input_tokens 9120 > 8000`. */
function compileRange(range: CountRange): RangeCheck {
  const bounds: Array<{ symbol: string; limit: number; holds: (value: number) => boolean }> = [];
  if (range.above !== undefined) bounds.push({ symbol: '>', limit: range.above, holds: (value) => value > range.above! });
  if (range.at_least !== undefined) bounds.push({ symbol: '>=', limit: range.at_least, holds: (value) => value >= range.at_least! });
  if (range.below !== undefined) bounds.push({ symbol: '<', limit: range.below, holds: (value) => value < range.below! });
  if (range.at_most !== undefined) bounds.push({ symbol: '<=', limit: range.at_most, holds: (value) => value <= range.at_most! });
  return (label, value) => {
    for (const bound of bounds) if (!bound.holds(value)) return undefined;
    return `${label} ${value} ${bounds.map((bound) => `${bound.symbol} ${bound.limit}`).join(' and ')}`;
  };
}

export function hasFeature(call: ChatCall, feature: RequestFeature): boolean {
  switch (feature) {
    case 'tools':
      return (call.tools?.length ?? 0) > 0;
    case 'images':
      return call.messages.some((message) => message.role === 'user' && message.content.some((part) => part.type === 'image'));
    case 'json_schema':
      return call.responseFormat?.type === 'json-schema';
    case 'json_object':
      return call.responseFormat?.type === 'json';
  }
}
