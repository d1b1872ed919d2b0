import { describe, expect, it } from 'vitest';
import { accessTokenHash } from './id-token.minter';

describe('at_hash', () => {
  it('is the base64url left half of the SHA-256 of the access token (OIDC Core §3.1.3.6 example)', () => {
    // The worked example of OIDC Core, Appendix A.3/A.4: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y".
    expect(accessTokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256')).toBe(
      '77QmUPtjPfzWtF2AnpK9RQ',
    );
  });

  it('uses SHA-512 for EdDSA', () => {
    expect(accessTokenHash('token', 'EdDSA')).toHaveLength(43);
  });
});
