import type { LiveToken } from '../tokens/live-token-resolver';
import type { IntrospectionCaller } from './introspection-caller';

/**
 * Who may see a live token as active (RFC 7662 §4 leaves it to the server; README "Who may introspect
 * what"). Anyone else gets exactly `{"active": false}`, as for a token that does not exist, so the
 * endpoint is no oracle for other clients' tokens.
 *
 * - A Management API token with `read:token_introspection`: every token (operators, support tools).
 * - A confidential client, for a JWT access token: any. The usual caller is an API's backend checking
 *   a token another client obtained for it; a JWT carries its claims in the clear, so introspection
 *   tells such a caller nothing new except whether the token is still live.
 * - A confidential client, for an opaque access or refresh token: only its own. Opaque tokens are
 *   bearer secrets whose metadata nobody else can read, and a refresh token is bound to its client
 *   (RFC 6749 §10.4); a stolen one must not be confirmable by another client.
 */
export function mayIntrospect(
  caller: IntrospectionCaller,
  token: Pick<LiveToken, 'format' | 'clientId'>,
): boolean {
  if (caller.kind === 'management') return true;
  if (token.format === 'jwt') return true;
  return token.clientId === caller.clientId;
}
