import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TokenEndpointAuthMethod } from '@app/contracts';
import type { ClientPublicKey, RefreshTokenSettings } from './client-settings';
import type { DelegationPolicy, TokenExchangePolicy } from './exchange-policy';

/** An application (Auth0 "client"). Secrets are stored as SHA-256 digests only (DESIGN §8). */
@Entity({ name: 'clients' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'app_type', type: 'text' })
  appType!: string;

  @Column({ name: 'token_endpoint_auth_method', type: 'text' })
  tokenEndpointAuthMethod!: TokenEndpointAuthMethod;

  /** Digests of the secrets that currently authenticate the client (more than one during a rotation). */
  @Column({ name: 'secret_digests', type: 'text', array: true })
  secretDigests!: string[];

  @Column({ name: 'grant_types', type: 'text', array: true })
  grantTypes!: string[];

  @Column({ name: 'revocation_deletes_grant', type: 'boolean' })
  revocationDeletesGrant!: boolean;

  @Column({ name: 'is_first_party', type: 'boolean' })
  isFirstParty!: boolean;

  /** Allowed redirect URIs (Auth0 "Allowed Callback URLs"). */
  @Column({ type: 'text', array: true })
  callbacks!: string[];

  /** Auth0 "Allowed Logout URLs": where `/v2/logout` and `/oidc/logout` may send the browser. */
  @Column({ name: 'allowed_logout_urls', type: 'text', array: true })
  allowedLogoutUrls!: string[];

  /** Tessera: a logout through this client also revokes the session's refresh tokens (Auth0 keeps them). */
  @Column({ name: 'logout_revokes_refresh_tokens', type: 'boolean' })
  logoutRevokesRefreshTokens!: boolean;

  /** Auth0 `oidc_logout.backchannel_logout_urls`: where OIDC Back-Channel Logout tokens are POSTed. */
  @Column({ name: 'backchannel_logout_urls', type: 'text', array: true })
  backchannelLogoutUrls!: string[];

  /** Auth0 `jwt_configuration.alg`: the algorithm of this client's ID tokens. */
  @Column({ name: 'jwt_alg', type: 'text' })
  jwtAlg!: string;

  /** Null until the client sets them: Auth0's defaults apply (DEFAULT_REFRESH_TOKEN_SETTINGS). */
  @Column({ name: 'refresh_token', type: 'jsonb', nullable: true })
  refreshToken!: RefreshTokenSettings | null;

  /** Public keys for `private_key_jwt`. */
  @Column({ name: 'public_keys', type: 'jsonb' })
  publicKeys!: ClientPublicKey[];

  /** Tessera's token-exchange policy (exchange-policy.ts); null until set: the defaults apply. */
  @Column({ name: 'token_exchange', type: 'jsonb', nullable: true })
  tokenExchange!: TokenExchangePolicy | null;

  /** Who may delegate to this client at `/delegation` (exchange-policy.ts); null until set: nobody. */
  @Column({ name: 'delegation', type: 'jsonb', nullable: true })
  delegation!: DelegationPolicy | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
