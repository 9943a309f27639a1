import type { ReactNode } from 'react';
import type { Unavailable } from '../api/admin-client.js';
import type { Load } from '../api/use-admin.js';
import { EmptyState } from './empty-state.js';

const REQUEST_LOG_OFF = (
  <p>
    The request log is off. Set <code>request_log.enabled: true</code> (the default) with a <code>storage</code> database to record traffic.
  </p>
);

/**
 * Renders a load: a status while loading, an alert on failure, an empty state with what to
 * configure when the endpoint is missing or the request log is off, else `children(data)`.
 */
export function LoadView<T>({
  load,
  children,
  missing,
  label,
}: {
  load: Load<T>;
  children: (data: T) => ReactNode;
  /** What to set up when the gateway has no such endpoint yet. */
  missing?: ReactNode;
  /** What is loading, for the status text ("usage", "registry"). */
  label: string;
}) {
  switch (load.state) {
    case 'loading':
      return (
        <p className="loading" role="status">
          Loading {label}…
        </p>
      );
    case 'error':
      return (
        <p className="error" role="alert">
          Could not load {label}: {load.message}
        </p>
      );
    case 'unavailable':
      return <UnavailableState reason={load.reason} missing={missing} label={label} />;
    case 'ready':
      return (
        <>
          {load.staleError !== undefined && (
            <p className="error" role="alert" data-testid="stale">
              Could not refresh {label}: {load.staleError}. Showing what was loaded at {new Date(load.updatedAt).toLocaleTimeString()}.
            </p>
          )}
          {children(load.data)}
        </>
      );
    default: {
      const unknown: never = load;
      return unknown;
    }
  }
}

function UnavailableState({ reason, missing, label }: { reason: Unavailable; missing: ReactNode; label: string }) {
  if (reason === 'request_log_off') return <EmptyState title={`No ${label}: the request log is off`}>{REQUEST_LOG_OFF}</EmptyState>;
  return (
    <EmptyState title={`No ${label} yet`} testId="endpoint-missing">
      {missing ?? <p>This gateway does not serve this data yet.</p>}
    </EmptyState>
  );
}
