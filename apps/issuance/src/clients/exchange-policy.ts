import { z } from 'zod';

/*
 * A client's policy for RFC 8693 token exchange (as the exchanging client) and for `/delegation` (as
 * the target). Tessera's own settings, kept apart from Auth0's client fields: Auth0 decides the same
 * questions with Actions and "Custom API clients" (docs/user-tokens.md, "Token exchange policy").
 * What is not allowed here is refused.
 */

/**
 * `token_exchange`: what this client may exchange, on top of the baseline every exchange must meet
 * (a user's unrevoked token, issued to this client or for an API it has a client grant for).
 */
export interface TokenExchangePolicy {
  /** Accept client-credentials (`…@clients`) subject tokens. Off by default: a machine is no user. */
  readonly allow_machine_subjects: boolean;
  /**
   * Narrows the baseline: only subject tokens issued (`azp` / `client_id`) to these clients or to
   * this client itself. Null: any client's, subject to the baseline.
   */
  readonly allowed_subject_clients: readonly string[] | null;
}

/** `delegation`: who may ask `/delegation` for an ID token addressed to this client (the `target`). */
export interface DelegationPolicy {
  /** Client ids; a client may always delegate to itself. Empty by default: nobody else. */
  readonly allowed_callers: readonly string[];
}

export const DEFAULT_TOKEN_EXCHANGE_POLICY: TokenExchangePolicy = {
  allow_machine_subjects: false,
  allowed_subject_clients: null,
};

export const DEFAULT_DELEGATION_POLICY: DelegationPolicy = { allowed_callers: [] };

const clientIds = z.array(z.string().min(1).max(256)).max(100);

/** The Management API's `token_exchange` body member; a PATCH merges it member by member. */
export const tokenExchangeSettings = z
  .object({
    allow_machine_subjects: z.boolean(),
    allowed_subject_clients: clientIds.nullable(),
  })
  .partial()
  .strict();

/** The Management API's `delegation` body member. */
export const delegationSettings = z.object({ allowed_callers: clientIds }).partial().strict();

export function mergeTokenExchangePolicy(
  current: TokenExchangePolicy | null,
  change: z.output<typeof tokenExchangeSettings>,
): TokenExchangePolicy {
  const base = current ?? DEFAULT_TOKEN_EXCHANGE_POLICY;
  return {
    allow_machine_subjects: change.allow_machine_subjects ?? base.allow_machine_subjects,
    allowed_subject_clients:
      change.allowed_subject_clients === undefined
        ? base.allowed_subject_clients
        : change.allowed_subject_clients && [...new Set(change.allowed_subject_clients)],
  };
}

export function mergeDelegationPolicy(
  current: DelegationPolicy | null,
  change: z.output<typeof delegationSettings>,
): DelegationPolicy {
  const base = current ?? DEFAULT_DELEGATION_POLICY;
  return {
    allowed_callers: change.allowed_callers ? [...new Set(change.allowed_callers)] : base.allowed_callers,
  };
}

/** The policies in the client view, only once set (a client that never set them shows Auth0's shape). */
export function exchangePolicyView(policies: {
  tokenExchange: TokenExchangePolicy | null;
  delegation: DelegationPolicy | null;
}) {
  const { tokenExchange, delegation } = policies;
  return {
    ...(tokenExchange
      ? {
          token_exchange: {
            allow_machine_subjects: tokenExchange.allow_machine_subjects,
            ...(tokenExchange.allowed_subject_clients
              ? { allowed_subject_clients: [...tokenExchange.allowed_subject_clients] }
              : {}),
          },
        }
      : {}),
    ...(delegation ? { delegation: { allowed_callers: [...delegation.allowed_callers] } } : {}),
  };
}
