import { formatBucket, formatMs, formatPercent, formatUsd } from '../format/format-number.js';

/** Tooltip and tick formatters take whatever recharts passes; numbers get the dashboard's formats. */
export const usdValue = (value: unknown): string => (typeof value === 'number' ? formatUsd(value) : String(value));
export const percentValue = (value: unknown): string => (typeof value === 'number' ? formatPercent(value) : String(value));
export const msValue = (value: unknown): string => (typeof value === 'number' ? formatMs(value) : String(value));
export const countValue = (value: unknown): string => String(value);

export function bucketTick(bucket: 'hour' | 'day') {
  return (value: unknown): string => (typeof value === 'number' ? formatBucket(value, bucket) : String(value));
}

/** Tooltip title for a time bucket: its full start time. */
export function bucketLabel(bucket: 'hour' | 'day') {
  return (value: unknown): string => {
    if (typeof value !== 'number') return String(value);
    const date = new Date(value);
    return bucket === 'hour' ? `${date.toLocaleDateString('en-CA')} ${String(date.getHours()).padStart(2, '0')}:00` : date.toLocaleDateString('en-CA');
  };
}

/** Axis and grid styling shared by every chart. */
export const AXIS_PROPS = { stroke: '#3d4550', tick: { fill: '#3d4550', fontSize: 12 } } as const;
