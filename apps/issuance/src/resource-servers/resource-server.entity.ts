import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SigningAlg } from '@app/contracts';

export type TokenDialect = 'access_token' | 'rfc9068_profile';

/** An API (Auth0 "resource server"): its identifier is the `aud` of the access tokens issued for it. */
@Entity({ name: 'resource_servers' })
export class ResourceServerEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', unique: true })
  identifier!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ name: 'signing_alg', type: 'text' })
  signingAlg!: SigningAlg;

  @Column({ name: 'token_dialect', type: 'text' })
  tokenDialect!: TokenDialect;

  /** Access-token lifetime in seconds (Auth0 default 86400). */
  @Column({ name: 'token_lifetime', type: 'integer' })
  tokenLifetime!: number;

  @Column({ name: 'allow_offline_access', type: 'boolean' })
  allowOfflineAccess!: boolean;

  /** Description of each scope, by scope value (Auth0 returns scopes as `{value, description}`). */
  @Column({ name: 'scope_descriptions', type: 'jsonb' })
  scopeDescriptions!: Record<string, string>;
}
