import { GRANT_ID_CLAIM } from '@app/contracts';
import type { TokenExchangePolicy } from '../../clients/exchange-policy';

/** What a verified subject token of ours says, read once from its claims. */
export interface SubjectToken {
  readonly sub: string;
  /** The client it was issued to: `azp` / `client_id` of an access token, the `aud` of an ID token. */
  readonly issuedTo: string | undefined;
  readonly audiences: readonly string[];
  /** An access token's scopes; an ID token grants none. */
  readonly scopes: readonly string[];
  /** A client-credentials token: its subject is a client (`…@clients`), not a user. */
  readonly machine: boolean;
  /** The user's grant and login session (the `grant_id` and `sid` claims): the lineage to keep. */
  readonly grantId: string | undefined;
  readonly sessionId: string | undefined;
  readonly jti: string | undefined;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export type SubjectTokenKind = 'access_token' | 'id_token';

/**
 * The subject token's facts, or null when it is not what its declared kind says: access tokens carry
 * `scope`; ID tokens never do, and are only exchanged by the client they were issued to (their `aud`).
 */
export function readSubjectToken(
  claims: Record<string, unknown>,
  kind: SubjectTokenKind,
  exchangingClientId: string,
): SubjectToken | null {
  const { sub, aud, scope, azp, client_id: clientId, gty, jti, exp, sid } = claims;
  if (typeof sub !== 'string' || typeof exp !== 'number') return null;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter(isString) : [];
  if (kind === 'access_token' && typeof scope !== 'string') return null;
  if (kind === 'id_token' && (scope !== undefined || !audiences.includes(exchangingClientId))) return null;
  const grantId = claims[GRANT_ID_CLAIM];
  return {
    sub,
    issuedTo:
      kind === 'id_token'
        ? exchangingClientId
        : typeof azp === 'string'
          ? azp
          : typeof clientId === 'string'
            ? clientId
            : undefined,
    audiences,
    scopes: kind === 'access_token' ? (scope as string).split(' ').filter(Boolean) : [],
    machine: sub.endsWith('@clients') || gty === 'client-credentials',
    grantId: typeof grantId === 'string' ? grantId : undefined,
    sessionId: typeof sid === 'string' ? sid : undefined,
    jti: typeof jti === 'string' ? jti : undefined,
    expiresAt: exp,
  };
}

/**
 * Why the exchanging client may not exchange this (verified, unrevoked) subject token, or null when it
 * may (issue #14 §4, docs/user-tokens.md "Token exchange policy"). Every rule must hold:
 * - a user's token, unless the client allows machine subjects;
 * - a user's token names its grant, so the new token can be revoked with it (docs/adr/0009);
 * - issued to the exchanging client, or for an API it has a client grant for (`grantedAudience`);
 * - issued to a client the policy's `allowed_subject_clients` names, when it names any.
 */
export function subjectTokenRefusal(
  subject: SubjectToken,
  exchangingClientId: string,
  policy: TokenExchangePolicy,
  grantedAudience: boolean,
): string | null {
  if (subject.machine && !policy.allow_machine_subjects) {
    return 'The subject token belongs to a client, not a user';
  }
  if (!subject.machine && subject.grantId === undefined) return 'Invalid subject_token';
  const ownToken = subject.issuedTo === exchangingClientId;
  if (!ownToken && !grantedAudience) {
    return 'The subject token was neither issued to this client nor for an API it has a client grant for';
  }
  const allowed = policy.allowed_subject_clients;
  if (
    !ownToken &&
    allowed !== null &&
    (subject.issuedTo === undefined || !allowed.includes(subject.issuedTo))
  ) {
    return "The subject token's client is not in this client's token_exchange.allowed_subject_clients";
  }
  return null;
}

/**
 * The scopes the new token gets: at most the subject token's scopes that the client grant of the
 * target API also holds (RFC 8693 §2.1 `scope`). Without `scope`, all of them; with it, exactly those
 * asked for, or the names of those outside that bound (answered `invalid_scope`).
 */
export function exchangedScopes(
  requested: string | undefined,
  subjectScopes: readonly string[],
  granted: readonly string[],
): { ok: true; scopes: string[] } | { ok: false; outside: string[] } {
  const available = subjectScopes.filter(
    (scope, index) => granted.includes(scope) && subjectScopes.indexOf(scope) === index,
  );
  if (requested === undefined) return { ok: true, scopes: available };
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  const outside = asked.filter((scope) => !available.includes(scope));
  return outside.length > 0 ? { ok: false, outside } : { ok: true, scopes: asked };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
