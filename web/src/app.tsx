import { useEffect, useRef, useState } from 'react';
import { expectSession } from './api/parse-responses.js';
import { useAdmin } from './api/use-admin.js';
import { PAGES, useHashRoute, type RangeId } from './navigation.js';
import { EvalsPage } from './pages/evals/evals-page.js';
import { OverviewPage } from './pages/overview/overview-page.js';
import { RegistryPage } from './pages/registry/registry-page.js';
import { RequestsPage } from './pages/requests/requests-page.js';
import { RoutingPage } from './pages/routing/routing-page.js';

export function App() {
  const route = useHashRoute();
  const [range, setRange] = useState<RangeId>('24h');
  const { load: session } = useAdmin('/ui/api/session', expectSession);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const label = PAGES.find((page) => page.id === route.page)?.label ?? 'Overview';

  useEffect(() => {
    document.title = `${label} · Switchyard`;
    // After navigation (not on first load), move focus to the new page's heading, as a full page load would.
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [label, route.detail]);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          main.current?.querySelector<HTMLElement>('h1')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Switchyard</span>
        <nav aria-label="Dashboard pages">
          <ul>
            {PAGES.map((page) => (
              <li key={page.id}>
                <a href={`#/${page.id}`} aria-current={page.id === route.page ? 'page' : undefined}>
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {session.state === 'ready' && session.data.mode === 'admin_key' ? (
          <form method="post" action="/ui/logout" className="logout">
            <button type="submit" className="button-quiet">
              Sign out
            </button>
          </form>
        ) : session.state === 'ready' ? (
          <span className="session-note" title="No admin key is configured, so only loopback clients can open the dashboard.">
            Loopback access
          </span>
        ) : null}
      </header>
      <main id="main" ref={main}>
        {route.page === 'overview' ? <OverviewPage range={range} onRangeChange={setRange} /> : null}
        {route.page === 'routing' ? <RoutingPage range={range} onRangeChange={setRange} /> : null}
        {route.page === 'registry' ? <RegistryPage /> : null}
        {route.page === 'evals' ? <EvalsPage range={range} onRangeChange={setRange} /> : null}
        {route.page === 'requests' ? <RequestsPage range={range} onRangeChange={setRange} selected={route.detail} /> : null}
      </main>
      <footer className="app-footer">
        <p>
          Data from the gateway's admin API (<code>/admin</code>), read through this dashboard's session.
        </p>
      </footer>
    </div>
  );
}
