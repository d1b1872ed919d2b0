import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import type { UserSnapshot } from '@app/contracts';
import { OAuthError, TemporarilyUnavailableError } from '@app/oauth';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';

const TIMEOUT_MS = 5_000;

/** The user view account-linking's internal API answers (Auth0's user shape; absent fields left out). */
const userView = z.object({
  user_id: z.string().min(1),
  email: z.string().optional(),
  email_verified: z.boolean().default(false),
  name: z.string().optional(),
  nickname: z.string().optional(),
  picture: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  blocked: z.boolean().default(false),
  updated_at: z.string(),
  identities: z
    .array(
      z.object({
        provider: z.string(),
        user_id: z.string(),
        connection: z.string(),
        isSocial: z.boolean(),
      }),
    )
    .default([]),
});

/** A password login as account-linking's internal API takes it. */
export interface PasswordAttempt {
  readonly connection: string;
  readonly username: string;
  readonly password: string;
  /** The client the login is for; account-linking checks the connection is enabled for it. */
  readonly clientId: string;
  /** The end user's address (brute-force limits are per account and address). */
  readonly ip?: string;
}

const oauthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** An error account-linking answered, relayed to our caller with its status and words. */
class RelayedOAuthError extends OAuthError {
  constructor(
    readonly error: string,
    description: string,
    override readonly status: number,
  ) {
    super(description);
  }
}

/**
 * Issuance's client of account-linking's internal API (docs/adr/0005-internal-api.md): the one
 * synchronous call DESIGN §1 allows, made only at login, never on the refresh or client-credentials
 * paths. Its OAuth errors (wrong password, blocked user) are relayed as they are; a busy account-linking
 * (503 `temporarily_unavailable`) is relayed with its `Retry-After`; an unreachable one is a retryable 503.
 */
@Injectable()
export class AccountLinkingClient {
  private readonly logger = new Logger(AccountLinkingClient.name);

  constructor(@Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig) {}

  /**
   * Checks a password for a connection and username or email, for a client, from an address; the
   * user's profile when it matches.
   */
  verifyPassword(attempt: PasswordAttempt): Promise<UserSnapshot> {
    return this.call('/internal/v1/password-verifications', {
      connection: attempt.connection,
      username: attempt.username,
      password: attempt.password,
      client_id: attempt.clientId,
      ...(attempt.ip !== undefined ? { ip: attempt.ip } : {}),
    });
  }

  /** Redeems the single-use ticket an upstream (OIDC) login left for this `/authorize` transaction. */
  redeemLoginTicket(ticket: string, transaction: string): Promise<UserSnapshot> {
    return this.call('/internal/v1/login-tickets/redemptions', { ticket, transaction });
  }

  private async call(path: string, body: unknown): Promise<UserSnapshot> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.config.TESSERA_ACCOUNT_LINKING_URL), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.config.TESSERA_INTERNAL_TOKEN
            ? { authorization: `Bearer ${this.config.TESSERA_INTERNAL_TOKEN}` }
            : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.warn(`account-linking unreachable: ${error instanceof Error ? error.message : 'error'}`);
      throw new TemporarilyUnavailableError('The user directory is unavailable; try again shortly');
    }
    const payload: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const user = userView.safeParse(payload);
      if (user.success) return toSnapshot(user.data);
    } else {
      const error = oauthErrorBody.safeParse(payload);
      if (error.success && response.status < 500) {
        throw new RelayedOAuthError(error.data.error, error.data.error_description ?? '', response.status);
      }
      // Busy (its password-hashing queue is full, docs/adr/0013): the caller hears when to come back.
      if (error.success && response.status === 503 && error.data.error === 'temporarily_unavailable') {
        throw new TemporarilyUnavailableError(
          error.data.error_description ?? 'Try again shortly',
          retryAfterSeconds(response.headers.get('retry-after')),
        );
      }
    }
    this.logger.warn(`account-linking answered ${response.status} to ${path}`);
    throw new TemporarilyUnavailableError('The user directory is unavailable; try again shortly');
  }
}

/** RFC 9110 §10.2.3 delay-seconds as account-linking sent them, within reason; 1 otherwise. */
function retryAfterSeconds(header: string | null): number {
  const seconds = header !== null && /^\d{1,3}$/.test(header) ? Number(header) : NaN;
  return seconds >= 1 && seconds <= 300 ? seconds : 1;
}

function toSnapshot(user: z.output<typeof userView>): UserSnapshot {
  return {
    user_id: user.user_id,
    email: user.email ?? null,
    email_verified: user.email_verified,
    name: user.name ?? null,
    nickname: user.nickname ?? null,
    picture: user.picture ?? null,
    given_name: user.given_name ?? null,
    family_name: user.family_name ?? null,
    blocked: user.blocked,
    identities: user.identities,
    updated_at: user.updated_at,
  };
}
