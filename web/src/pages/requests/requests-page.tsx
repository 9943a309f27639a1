import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { adminPath, getJson } from '../../api/admin-client.js';
import type { ListRequestsPage, RequestLogRecord } from '../../api/admin-types.js';
import { expectRequest, expectRequests } from '../../api/parse-responses.js';
import { useAdmin } from '../../api/use-admin.js';
import { DataTable } from '../../components/data-table.js';
import { LoadView } from '../../components/load-view.js';
import { PageHeader } from '../../components/page-header.js';
import { RangePicker } from '../../components/range-picker.js';
import { formatCount, formatDateTime, formatMs, formatUsd } from '../../format/format-number.js';
import { hrefOf, rangeOf, type RangeId } from '../../navigation.js';
import { RequestDetail } from './request-detail.js';

const PAGE_SIZE = 50;

interface Filters {
  workload: string;
  model: string;
  deployment: string;
  status: '' | 'ok' | 'error';
}

const NO_FILTERS: Filters = { workload: '', model: '', deployment: '', status: '' };

/** Whether a request matches the search text (id, workload, models, deployment, reason, error code). */
export function matchesSearch(record: RequestLogRecord, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  return [record.id, record.workload, record.requestedModel, record.routeModel, record.deployment, record.upstreamModel, record.routeReason, record.errorCode, record.router]
    .filter((value): value is string => value !== undefined)
    .some((value) => value.toLowerCase().includes(needle));
}

export function RequestsPage({ range, onRangeChange, selected }: { range: RangeId; onRangeChange: (range: RangeId) => void; selected: string | undefined }) {
  const formId = useId();
  const { ms } = rangeOf(range);
  const since = useMemo(() => Date.now() - ms, [ms]);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [search, setSearch] = useState('');
  const [more, setMore] = useState<{ items: RequestLogRecord[]; nextCursor?: string | undefined }>({ items: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const path = adminPath('requests', { since, limit: PAGE_SIZE, ...filters, status: filters.status === '' ? undefined : filters.status });
  const { load, reload } = useAdmin(path, expectRequests);
  const detail = useAdmin(selected === undefined ? null : adminPath(`requests/${encodeURIComponent(selected)}`), expectRequest).load;

  useEffect(() => setMore({ items: [] }), [path]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const loadMore = async (cursor: string) => {
    setLoadingMore(true);
    try {
      const page = expectRequests(await getJson(`${path}&cursor=${encodeURIComponent(cursor)}`));
      setMore((previous) => ({ items: [...previous.items, ...page.items], nextCursor: page.nextCursor }));
    } finally {
      setLoadingMore(false);
    }
  };
  const field = (name: keyof Omit<Filters, 'status'>, label: string) => (
    <div className="field">
      <label htmlFor={`${formId}-${name}`}>{label}</label>
      <input id={`${formId}-${name}`} type="text" value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} />
    </div>
  );

  return (
    <>
      <PageHeader title="Requests" description="Recent requests with their attempts, routing decisions, cost and (when capture is on) redacted payloads.">
        <RangePicker value={range} onChange={onRangeChange} />
        <button type="button" className="button-quiet" onClick={reload}>
          Refresh
        </button>
      </PageHeader>

      {selected === undefined ? null : (
        <section aria-label="Selected request" className="detail-panel">
          <p>
            <a href={hrefOf({ page: 'requests' })}>← Back to the list</a>
          </p>
          <LoadView load={detail} label="request">
            {(record) => <RequestDetail record={record} />}
          </LoadView>
        </section>
      )}

      <section aria-labelledby="requests-list">
        <h2 id="requests-list">Recent requests</h2>
        <form className="filters" onSubmit={submit} aria-label="Filter requests">
          {field('workload', 'Workload')}
          {field('model', 'Model')}
          {field('deployment', 'Deployment')}
          <div className="field">
            <label htmlFor={`${formId}-status`}>Status</label>
            <select id={`${formId}-status`} value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value === 'ok' || event.target.value === 'error' ? event.target.value : '' })}>
              <option value="">Any</option>
              <option value="ok">Answered</option>
              <option value="error">Errors</option>
            </select>
          </div>
          <button type="submit">Apply filters</button>
        </form>
        <div className="field search">
          <label htmlFor={`${formId}-search`}>Search loaded requests</label>
          <input id={`${formId}-search`} type="search" placeholder="id, model, deployment, reason…" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
        <LoadView load={load} label="requests">
          {(page) => <RequestList page={page} more={more} search={search} loadingMore={loadingMore} onLoadMore={(cursor) => void loadMore(cursor)} />}
        </LoadView>
      </section>
    </>
  );
}

function RequestList({
  page,
  more,
  search,
  loadingMore,
  onLoadMore,
}: {
  page: ListRequestsPage;
  more: { items: RequestLogRecord[]; nextCursor?: string | undefined };
  search: string;
  loadingMore: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const all = [...page.items, ...more.items];
  const shown = all.filter((record) => matchesSearch(record, search));
  const cursor = more.items.length === 0 ? page.nextCursor : more.nextCursor;
  return (
    <>
      <p className="section-note" data-testid="requests-count" aria-live="polite">
        {search.trim() === '' ? `${formatCount(all.length)} requests loaded` : `${formatCount(shown.length)} of ${formatCount(all.length)} loaded requests match`}
        {cursor === undefined ? '.' : '; more match the filters.'}
      </p>
      <DataTable<RequestLogRecord>
        caption="Requests, newest first"
        testId="requests-table"
        rows={shown}
        rowKey={(record) => record.id}
        rowTestId={(record) => `request-${record.id}`}
        empty="No requests match."
        columns={[
          { header: 'Time', cell: (record) => formatDateTime(record.time) },
          {
            header: 'Request',
            cell: (record) => (
              <a href={hrefOf({ page: 'requests', detail: record.id })} className="mono">
                {record.id.length > 13 ? `${record.id.slice(0, 8)}…` : record.id}
                <span className="visually-hidden"> (full id {record.id})</span>
              </a>
            ),
            rowHeader: true,
          },
          { header: 'Workload', cell: (record) => record.workload ?? '—' },
          { header: 'Model → deployment', cell: (record) => `${record.requestedModel} → ${record.deployment ?? '—'}` },
          { header: 'Status', cell: (record) => <span className={`badge badge-${record.status < 400 ? 'good' : 'bad'}`}>{record.status}</span> },
          { header: 'Latency', cell: (record) => formatMs(record.durationMs), numeric: true },
          { header: 'Cost', cell: (record) => (record.costUsd === undefined ? '—' : formatUsd(record.costUsd)), numeric: true },
          { header: 'Attempts', cell: (record) => formatCount(record.attempts.length), numeric: true },
          { header: 'Decision', cell: (record) => [record.router, record.routeReason].filter((part) => part !== undefined).join(': ') || '—' },
        ]}
      />
      {cursor === undefined ? null : (
        <button type="button" className="button-quiet" disabled={loadingMore} onClick={() => onLoadMore(cursor)}>
          {loadingMore ? 'Loading…' : `Load ${PAGE_SIZE} more`}
        </button>
      )}
    </>
  );
}
