import { z } from 'zod';
import { LIFECYCLES } from '../registry/registry-config.js';

/**
 * Body of `PUT /admin/registry/models/:model/lifecycle`: the live lifecycle to set for a model,
 * overriding config's `registry.lifecycle` until config is changed to match.
 *
 * ```json
 * { "lifecycle": "deprecated", "deprecation_date": "2025-09-30", "reason": "provider retires the snapshot" }
 * ```
 */
export const lifecycleChangeSchema = z
  .object({
    /** `candidate`, `approved`, `deprecated` (needs `deprecation_date`) or `retired`. */
    lifecycle: z.enum(LIFECYCLES),
    /** ISO date the team stops using the model. Required with `deprecated`; replaces config's date. */
    deprecation_date: z.iso.date({ error: 'expected an ISO date YYYY-MM-DD' }).optional(),
    /** Why: recorded with the state and in the audit log. */
    reason: z.string().trim().min(1, { error: 'give a reason for the change' }).max(2000),
  })
  .strict()
  .superRefine((change, context) => {
    if (change.lifecycle === 'deprecated' && change.deprecation_date === undefined) {
      context.addIssue({ code: 'custom', path: ['deprecation_date'], message: 'required when lifecycle is deprecated (the date the model stops being used)' });
    }
  });

export type LifecycleChange = z.infer<typeof lifecycleChangeSchema>;
