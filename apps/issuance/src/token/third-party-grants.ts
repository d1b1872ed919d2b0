import { UnauthorizedClientError } from '@app/oauth';
import type { ClientEntity } from '../clients/client.entity';

/**
 * Auth0's "Security controls for third-party applications": a third-party application
 * (`is_first_party: false`) gets no password grant, whatever its `grant_types` say. The user would
 * hand their password to a party the tenant does not control, and the grant has no consent step, so
 * the application would act for the user without the consent it needs at `/authorize` (review #9).
 * Checked before the password is, so such a client learns nothing about the credentials it sent.
 */
export function refuseThirdPartyPasswordGrant(client: ClientEntity, grantType: string): void {
  if (!client.isFirstParty) {
    // Auth0's answer for a grant the client may not use.
    throw new UnauthorizedClientError(`Grant type '${grantType}' not allowed for the client.`);
  }
}
