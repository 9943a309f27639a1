import { describe, expect, it } from 'vitest';
import { declaredUseOf } from './declared-use.js';

describe('declaredUseOf', () => {
  it('reads policy.use in snake_case or camelCase', () => {
    expect(declaredUseOf({ policy: { use: { commercial: true, monthly_active_users: 1000 } } })).toEqual({ commercial: true, monthlyActiveUsers: 1000 });
    expect(declaredUseOf({ policy: { use: { commercial: false, monthlyActiveUsers: 5 } } })).toEqual({ commercial: false, monthlyActiveUsers: 5 });
  });

  it('treats a missing or malformed block as undeclared', () => {
    expect(declaredUseOf(undefined)).toEqual({});
    expect(declaredUseOf({ model: 'x' })).toEqual({});
    expect(declaredUseOf({ policy: { use: 'commercial' } })).toEqual({});
    expect(declaredUseOf({ policy: { use: { commercial: 'yes', monthly_active_users: -1 } } })).toEqual({});
  });
});
