import {
  TOPICS,
  type signingKeyCreated,
  type signingKeyRevoked,
  type signingKeyStateChanged,
  type EventContext,
} from '@app/contracts';
import type { OutboxEvent } from '@app/outbox';
import type { SigningKeyEntity } from './signing-key.entity';

type SigningKeyEventDefinition =
  typeof signingKeyCreated | typeof signingKeyStateChanged | typeof signingKeyRevoked;

/**
 * A signing-key event carrying the key's whole public snapshot, keyed by kid on the compacted
 * signing-keys topic, so the latest event of a kid is its whole truth.
 */
export function signingKeyEvent(
  definition: SigningKeyEventDefinition,
  key: SigningKeyEntity,
  context: EventContext,
): OutboxEvent {
  return {
    topic: TOPICS.signingKeys.name,
    key: key.kid,
    event: definition.create(
      { kid: key.kid, alg: key.alg, state: key.state, public_jwk: key.publicJwk },
      context,
    ),
  };
}
