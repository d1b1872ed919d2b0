import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A connection (Auth0 "connection"): the database connection (strategy `auth0`) or an upstream
 * OpenID Connect provider (strategy `oidc`). The upstream client secret is kept sealed (SecretBox,
 * associated data = the connection id) outside `options`, so `options` can be returned as it is.
 */
@Entity({ name: 'connections' })
export class ConnectionEntity {
  /** `con_` + 16 alphanumerics. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  strategy!: 'auth0' | 'oidc';

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ type: 'jsonb' })
  options!: Record<string, unknown>;

  @Column({ name: 'client_secret_sealed', type: 'text', nullable: true })
  clientSecretSealed!: string | null;

  @Column({ name: 'enabled_clients', type: 'text', array: true })
  enabledClients!: string[];

  /**
   * True only for the built-in database connection until its `enabled_clients` is set: it then
   * serves every client (Tessera's clients live in issuance, so it cannot list them). Not in the view.
   */
  @Column({ name: 'enabled_for_all_clients', type: 'boolean' })
  enabledForAllClients!: boolean;

  @Column({ type: 'text', array: true })
  realms!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
