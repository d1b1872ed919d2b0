import { Logger } from '@nestjs/common';
import { clientCredentialsSnapshot, type ClientCredentialsSnapshot } from '@app/contracts';
import { TemporarilyUnavailableError } from './oauth-errors';

const TIMEOUT_MS = 3000;

/** Where a client's true credentials come from: issuance's database, through its internal API. */
export interface ClientCredentialsSource {
  /** Null when issuance does not know the client; throws a retryable 503 when it cannot answer. */
  fetch(clientId: string): Promise<ClientCredentialsSnapshot | null>;
}

/**
 * A client's credentials as issuance's database has them (`GET /internal/v1/clients/{id}/credentials`):
 * the source of truth a `clients.v1` event is checked against (issue #20 §4). Null when issuance does
 * not know the client; an unreachable or confused issuance is a retryable 503 (fail closed).
 */
export class IssuanceClientCredentials implements ClientCredentialsSource {
  private readonly logger = new Logger(IssuanceClientCredentials.name);
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(options: { readonly issuanceUrl: string; readonly internalToken?: string }) {
    this.base = options.issuanceUrl.endsWith('/') ? options.issuanceUrl : `${options.issuanceUrl}/`;
    this.headers = options.internalToken ? { authorization: `Bearer ${options.internalToken}` } : {};
  }

  async fetch(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const url = new URL(`internal/v1/clients/${encodeURIComponent(clientId)}/credentials`, this.base);
    let response: Response;
    try {
      response = await fetch(url, { headers: this.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      this.logger.warn(`issuance unreachable: ${error instanceof Error ? error.message : 'error'}`);
      throw unavailable();
    }
    if (response.status === 404) return null;
    const body: unknown = await response.json().catch(() => null);
    const snapshot = response.ok ? clientCredentialsSnapshot.safeParse(body) : null;
    if (!snapshot?.success || snapshot.data.client_id !== clientId) {
      this.logger.warn(`issuance answered ${response.status} for a client's credentials`);
      throw unavailable();
    }
    return snapshot.data;
  }
}

/**
 * A client as `tessera.clients.v1` announced it is never the only word on what it authenticates with
 * (issue #20 §4): the first time a client is used after an announcement, issuance is asked (once,
 * however many requests wait) and its answer is what authenticates. A client forged or altered on the
 * broker is refused or corrected, and logged. Issuance's answer is remembered for as long as the
 * announced credentials stay the same; an answer that could not be had is not remembered.
 */
export class ClientConfirmations {
  private readonly confirmed = new Map<
    string,
    { readonly announced: string; readonly truth: Promise<ClientCredentialsSnapshot | null> }
  >();
  private readonly log = new Logger(ClientConfirmations.name);

  constructor(private readonly issuance: ClientCredentialsSource) {}

  /** Confirmations from issuance's internal API, as a validator's config names it (issuanceInternalApiEnv). */
  static fromIssuance(config: {
    readonly TESSERA_ISSUANCE_URL: string;
    readonly TESSERA_INTERNAL_TOKEN?: string;
  }): ClientConfirmations {
    return new ClientConfirmations(
      new IssuanceClientCredentials({
        issuanceUrl: config.TESSERA_ISSUANCE_URL,
        internalToken: config.TESSERA_INTERNAL_TOKEN,
      }),
    );
  }

  /** Issuance's credentials for an announced client, or null when issuance does not know it. */
  confirm(announced: ClientCredentialsSnapshot): Promise<ClientCredentialsSnapshot | null> {
    const clientId = announced.client_id;
    const key = credentialsOf(announced);
    const known = this.confirmed.get(clientId);
    if (known?.announced === key) return known.truth;
    const entry = { announced: key, truth: this.ask(announced, key) };
    this.confirmed.set(clientId, entry);
    entry.truth.catch(() => {
      if (this.confirmed.get(clientId) === entry) this.confirmed.delete(clientId);
    });
    return entry.truth;
  }

  /** A deleted client: nothing of it is remembered. */
  forget(clientId: string): void {
    this.confirmed.delete(clientId);
  }

  private async ask(
    announced: ClientCredentialsSnapshot,
    key: string,
  ): Promise<ClientCredentialsSnapshot | null> {
    const clientId = announced.client_id;
    const truth = await this.issuance.fetch(clientId);
    if (truth === null) {
      this.log.warn({
        msg: 'a client announced on the clients topic is unknown to issuance: refused',
        clientId,
      });
    } else if (credentialsOf(truth) !== key) {
      this.log.warn({
        msg: "a client's credentials on the clients topic differ from issuance's: issuance's are used",
        clientId,
      });
    }
    return truth;
  }
}

/** What authenticates a client, in one canonical string (digest and key order do not matter). */
function credentialsOf(client: ClientCredentialsSnapshot): string {
  return JSON.stringify([
    client.token_endpoint_auth_method,
    [...client.secret_digests].sort(),
    [...client.public_keys].map((key) => `${key.id} ${key.alg} ${key.pem}`).sort(),
    client.revocation_deletes_grant,
  ]);
}

function unavailable(): TemporarilyUnavailableError {
  return new TemporarilyUnavailableError(
    'Client credentials cannot be confirmed right now; try again shortly',
  );
}
