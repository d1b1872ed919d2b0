import { describe, expect, it } from 'vitest';
import {
  exchangePolicyView,
  mergeDelegationPolicy,
  mergeTokenExchangePolicy,
  tokenExchangeSettings,
} from './exchange-policy';

describe('client exchange policy', () => {
  it('starts from the defaults and merges a PATCH member by member', () => {
    const set = mergeTokenExchangePolicy(null, { allowed_subject_clients: ['a', 'a', 'b'] });
    expect(set).toEqual({ allow_machine_subjects: false, allowed_subject_clients: ['a', 'b'] });
    expect(mergeTokenExchangePolicy(set, { allow_machine_subjects: true })).toEqual({
      allow_machine_subjects: true,
      allowed_subject_clients: ['a', 'b'],
    });
    expect(
      mergeTokenExchangePolicy(set, { allowed_subject_clients: null }).allowed_subject_clients,
    ).toBeNull();
    expect(mergeDelegationPolicy(null, {})).toEqual({ allowed_callers: [] });
    expect(mergeDelegationPolicy(null, { allowed_callers: ['x'] })).toEqual({ allowed_callers: ['x'] });
  });

  it('refuses unknown members (Auth0 allow_any_profile_of_type is not ours)', () => {
    expect(
      tokenExchangeSettings.safeParse({ allow_any_profile_of_type: ['custom_authentication'] }).success,
    ).toBe(false);
  });

  it('shows only what a client set', () => {
    expect(exchangePolicyView({ tokenExchange: null, delegation: null })).toEqual({});
    expect(
      exchangePolicyView({
        tokenExchange: { allow_machine_subjects: false, allowed_subject_clients: null },
        delegation: { allowed_callers: ['x'] },
      }),
    ).toEqual({ token_exchange: { allow_machine_subjects: false }, delegation: { allowed_callers: ['x'] } });
  });
});
