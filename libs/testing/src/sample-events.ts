import {
  clientUpdated,
  createRevocationEvent,
  type ClientCredentialsSnapshot,
  type RevocationEvent,
  type RevocationPayload,
} from '@app/contracts';

/** A valid `client.updated` for a client of no interest, for tests that only need a decodable record. */
export function sampleClientUpdated(clientId: string, correlationId: string) {
  const snapshot: ClientCredentialsSnapshot = {
    client_id: clientId,
    name: 'n',
    token_endpoint_auth_method: 'client_secret_post',
    secret_digests: [],
    revocation_deletes_grant: true,
    public_keys: [],
  };
  return clientUpdated.create(snapshot, { correlationId });
}

/** A valid revocation of `target`, by the system, expiring in an hour. */
export function sampleRevocation(
  target: RevocationPayload['target'],
  correlationId: string,
): RevocationEvent {
  return createRevocationEvent(
    {
      target,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      reason: 'client_request',
      revoked_by: { kind: 'system' },
      revoked_at: new Date().toISOString(),
    },
    { correlationId },
  );
}
