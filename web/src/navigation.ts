import { useEffect, useState } from 'react';

export const PAGES = [
  { id: 'overview', label: 'Overview' },
  { id: 'routing', label: 'Routing' },
  { id: 'registry', label: 'Registry' },
  { id: 'evals', label: 'Evals' },
  { id: 'requests', label: 'Requests' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

export interface Route {
  page: PageId;
  /** The second segment: a request id on the requests page. */
  detail?: string;
}

/** `#/requests/<id>` → { page: 'requests', detail: id }; anything unknown is the overview. */
export function parseHash(hash: string): Route {
  const [page, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = PAGES.find((candidate) => candidate.id === page);
  if (known === undefined) return { page: 'overview' };
  const detail = rest.join('/');
  return detail === '' ? { page: known.id } : { page: known.id, detail: decodeURIComponent(detail) };
}

export function hrefOf(route: Route): string {
  return `#/${route.page}${route.detail === undefined ? '' : `/${encodeURIComponent(route.detail)}`}`;
}

/** Hash routing: the server serves one page for all of /ui, and links work without a router library. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000, bucket: 'hour' },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, bucket: 'hour' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, bucket: 'hour' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, bucket: 'day' },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];
export type TimeRange = (typeof RANGES)[number];

export function rangeOf(id: RangeId): TimeRange {
  return RANGES.find((range) => range.id === id) ?? RANGES[1];
}
