import { Inject, Injectable, Logger } from '@nestjs/common';
import { clientCredentialsSnapshot, type ClientCredentialsSnapshot } from '@app/contracts';
import { TemporarilyUnavailableError } from '@app/oauth';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from '../config/introspection.config';

const TIMEOUT_MS = 3000;

/**
 * A client's credentials as issuance's database has them (`GET /internal/v1/clients/{id}/credentials`):
 * the source of truth a `clients.v1` event is checked against (issue #20 §4). Null when issuance does
 * not know the client; an unreachable or confused issuance is a retryable 503 (fail closed).
 */
@Injectable()
export class IssuanceClientCredentials {
  private readonly logger = new Logger(IssuanceClientCredentials.name);

  constructor(@Inject(INTROSPECTION_CONFIG) private readonly config: IntrospectionConfig) {}

  async fetch(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const url = new URL(
      `internal/v1/clients/${encodeURIComponent(clientId)}/credentials`,
      this.config.TESSERA_ISSUANCE_URL.endsWith('/')
        ? this.config.TESSERA_ISSUANCE_URL
        : `${this.config.TESSERA_ISSUANCE_URL}/`,
    );
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.config.TESSERA_INTERNAL_TOKEN
          ? { authorization: `Bearer ${this.config.TESSERA_INTERNAL_TOKEN}` }
          : {},
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
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

function unavailable(): TemporarilyUnavailableError {
  return new TemporarilyUnavailableError(
    'Client credentials cannot be confirmed right now; try again shortly',
  );
}
