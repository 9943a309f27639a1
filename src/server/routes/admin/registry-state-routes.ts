import type { Hono } from 'hono';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import type { AuditRecorder } from '../../../core/governance/audit/audit-recorder.js';
import { registryOf } from '../../../core/governance/registry/registry-listing.js';
import { applyOverlay } from '../../../core/governance/registry-state/apply-registry-overlay.js';
import { lifecycleChangeSchema } from '../../../core/governance/registry-state/lifecycle-change.js';
import type { RegistryOverlay } from '../../../core/governance/registry-state/registry-overlay.js';
import type { RegistryStateEntry, RegistryStateStore } from '../../../core/governance/registry-state/registry-state-entry.js';
import type { EvaluationStore } from '../../../core/evaluation/evaluation-records.js';
import { approvalGatesView, checkApprovalGates, GateRequiredError, gateRequiredMessage, type ApprovalGatesView } from '../../../evals/gating/approval-gates.js';
import { InvalidRequestError, NoSuchModelError } from '../../../spec/errors.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { parseWireRequest } from '../../parse-wire-request.js';
import { adminActor } from './governance-routes.js';

export interface RegistryStateRouteDependencies {
  /** Where live state is kept; absent when the request log (and so the database) is off. */
  store: RegistryStateStore | undefined;
  /** The live state this gateway enforces; updated after each write. */
  overlay: RegistryOverlay;
  /** The config in force (it changes on reload). */
  currentConfig: () => ResolvedConfig;
  /**
   * Gate results (`eval gate`, drift re-runs): an approval needs a passing gate on the eval set of
   * every workload that uses the model. Absent when the request log is off: then only models no
   * gated workload uses can be approved.
   */
  evaluations?: Pick<EvaluationStore, 'listGates'>;
  /** Records each change as `registry.change`. */
  audit?: Pick<AuditRecorder, 'registryChanged'>;
  /** The config generation in force, stamped on the audit entry. */
  generation?: () => number;
  now?: () => number;
}

/** A lifecycle as the audit entry and the response show it, before or after a change. */
interface LifecycleView {
  lifecycle: string;
  deprecationDate: string | null;
  /** `live` when it came from the overlay, `config` when from the config file. */
  source: 'live' | 'config';
  reason: string | null;
}

/**
 * GET /admin/registry/state — the live lifecycle overrides this gateway enforces, each with the
 * lifecycle config declares and whether its model is still configured (`orphaned` otherwise).
 *
 * PUT /admin/registry/models/:model/lifecycle — `{ lifecycle, deprecation_date?, reason }`: stores
 * the model's live lifecycle, lays it over the registry at once (no redeploy or reload) and records
 * a `registry.change` audit entry with the lifecycle before and after.
 *
 * Setting `approved` is refused (409 `gate_required`) unless, for every workload that would use
 * the model (route, fallbacks, rules, learned router, cascade) and declares `evaluation.eval_set`,
 * a passing gate with this model as candidate is recorded for the set's current contents and the
 * model's current version (see `checkApprovalGates`): "never deploy a quantized model unmeasured".
 * The approval covers the model everywhere, as the lifecycle does, so it needs every such
 * workload's gate; there is no per-workload approval. Workloads without an eval set need no gate,
 * and the response says so. The gates used are listed in the response and the audit entry.
 *
 * Mounted on the admin app, behind its admin-key check. Model names may contain `/` (raw or %2F).
 */
export function registerRegistryStateRoutes(admin: Hono<GatewayEnv>, dependencies: RegistryStateRouteDependencies): void {
  const now = dependencies.now ?? Date.now;

  admin.get('/registry/state', (context) => {
    const snapshot = dependencies.overlay.current();
    const registry = registryOf(dependencies.currentConfig());
    const states = [...snapshot.states]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([model, state]) => ({
        model,
        lifecycle: state.lifecycle,
        deprecationDate: state.deprecationDate ?? null,
        reason: state.reason,
        actor: state.actor,
        updatedAt: state.updatedAt,
        configLifecycle: registry.models[model]?.lifecycle ?? null,
        orphaned: !Object.hasOwn(registry.models, model),
      }));
    return context.json({ version: snapshot.version, states, orphaned: states.filter((state) => state.orphaned).map((state) => state.model) });
  });

  admin.put('/registry/models/:model{.+}/lifecycle', async (context) => {
    const model = context.req.param('model');
    const config = dependencies.currentConfig();
    const registry = registryOf(config);
    if (!Object.hasOwn(registry.models, model)) {
      throw new NoSuchModelError(`Model '${model}' is not in the config's models, so it has no lifecycle to set. Configured: ${Object.keys(registry.models).sort().join(', ')}.`);
    }
    const change = parseWireRequest(lifecycleChangeSchema, await readJson(context.req.raw));
    const store = dependencies.store;
    if (store === undefined) {
      throw new InvalidRequestError('The request log is off (request_log.enabled: false), so there is no database to keep live registry state in.', { code: 'request_log_disabled' });
    }

    let gates: ApprovalGatesView | undefined;
    if (change.lifecycle === 'approved') {
      const check = await checkApprovalGates({ config, model, store: dependencies.evaluations });
      if (!check.satisfied) throw new GateRequiredError(gateRequiredMessage(check), check);
      gates = approvalGatesView(check);
    }

    const current = applyOverlay(registry, dependencies.overlay.current());
    const live = current.live[model];
    const before: LifecycleView = {
      lifecycle: current.models[model]!.lifecycle,
      deprecationDate: current.models[model]!.deprecationDate ?? null,
      source: live === undefined ? 'config' : 'live',
      reason: live?.reason ?? null,
    };
    const actor = adminActor(config.server.admin_key);
    const entry: RegistryStateEntry = {
      model,
      lifecycle: change.lifecycle,
      ...(change.deprecation_date === undefined ? {} : { deprecationDate: change.deprecation_date }),
      reason: change.reason,
      actor,
      updatedAt: now(),
    };
    // The database first: a change the store refused must not be enforced, nor audited.
    await store.setRegistryState(entry);
    const snapshot = dependencies.overlay.set(entry);
    const after: LifecycleView = { lifecycle: entry.lifecycle, deprecationDate: entry.deprecationDate ?? null, source: 'live', reason: entry.reason };
    const generation = dependencies.generation?.();
    await dependencies.audit?.registryChanged({
      actor,
      target: `models.${model}`,
      details: { change: 'lifecycle', before, after, ...(gates === undefined ? {} : { gates }) },
      ...(generation === undefined ? {} : { generation }),
    });
    return context.json({
      model,
      lifecycle: entry.lifecycle,
      deprecationDate: entry.deprecationDate ?? null,
      reason: entry.reason,
      actor,
      updatedAt: entry.updatedAt,
      overlayVersion: snapshot.version,
      previous: before,
      ...(gates === undefined ? {} : { gates }),
    });
  });
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new InvalidRequestError('The request body must be JSON: { "lifecycle": …, "deprecation_date"?: …, "reason": … }.', { code: 'invalid_json' });
  }
}
