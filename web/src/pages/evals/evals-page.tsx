import { adminPath } from '../../api/admin-client.js';
import { expectEvalRuns, expectGates, expectQuality } from '../../api/parse-responses.js';
import { useAdmin } from '../../api/use-admin.js';
import { LoadView } from '../../components/load-view.js';
import { PageHeader } from '../../components/page-header.js';
import { RangePicker } from '../../components/range-picker.js';
import { formatDateTime } from '../../format/format-number.js';
import { rangeOf, type RangeId } from '../../navigation.js';
import { EvalRuns, Gates, GATES_SETUP, RUNS_SETUP } from './eval-runs.js';
import { ONLINE_SETUP, OnlineQuality } from './online-quality.js';

const POLL_MS = 30_000;

export function EvalsPage({ range, onRangeChange }: { range: RangeId; onRangeChange: (range: RangeId) => void }) {
  const { id: since, bucket } = rangeOf(range);
  const { load: runs, reload: reloadRuns } = useAdmin(adminPath('evals/runs'), expectEvalRuns, { pollMs: POLL_MS });
  const { load: gates, reload: reloadGates } = useAdmin(adminPath('evals/gates'), expectGates, { pollMs: POLL_MS });
  // The range applies to online quality; runs and gates are the latest recorded, whenever they ran.
  const { load: quality, reload: reloadQuality } = useAdmin(adminPath('quality', { since, bucket }), expectQuality, { pollMs: POLL_MS });

  return (
    <>
      <PageHeader title="Evals" description="Eval-set runs with confidence intervals, gate verdicts, and the quality of live answers as judged online.">
        <RangePicker value={range} onChange={onRangeChange} />
        <button
          type="button"
          className="button-quiet"
          onClick={() => {
            reloadRuns();
            reloadGates();
            reloadQuality();
          }}
        >
          Refresh
        </button>
      </PageHeader>

      <section aria-labelledby="evals-runs">
        <h2 id="evals-runs">Eval runs</h2>
        <LoadView load={runs} label="eval runs" missing={RUNS_SETUP}>
          {(response) => <EvalRuns runs={response.runs} />}
        </LoadView>
      </section>

      <section aria-labelledby="evals-gates">
        <h2 id="evals-gates">Gates</h2>
        <LoadView load={gates} label="gate verdicts" missing={GATES_SETUP}>
          {(response) => <Gates gates={response.gates} />}
        </LoadView>
      </section>

      <section aria-labelledby="evals-online">
        <h2 id="evals-online">Online quality</h2>
        <LoadView load={quality} label="online quality" missing={ONLINE_SETUP}>
          {(response) => (
            <>
              <p className="section-note">
                {formatDateTime(response.since)} to {formatDateTime(response.until)}, per {response.bucket}.
              </p>
              <OnlineQuality quality={response} />
            </>
          )}
        </LoadView>
      </section>
    </>
  );
}
