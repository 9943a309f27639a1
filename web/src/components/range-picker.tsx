import { useId } from 'react';
import { RANGES, type RangeId } from '../navigation.js';

export function RangePicker({ value, onChange }: { value: RangeId; onChange: (value: RangeId) => void }) {
  const id = useId();
  return (
    <div className="field-inline">
      <label htmlFor={id}>Time range</label>
      <select id={id} value={value} onChange={(event) => onChange(RANGES.find((range) => range.id === event.target.value)?.id ?? '24h')}>
        {RANGES.map((range) => (
          <option key={range.id} value={range.id}>
            {range.label}
          </option>
        ))}
      </select>
    </div>
  );
}
