import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user (Auth0 "user"). The password is stored as an argon2id hash only (DESIGN §8). */
@Entity({ name: 'users' })
export class UserEntity {
  /** `auth0|<id>` for the database connection. */
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  /** The connection name the user signs in with (`Username-Password-Authentication`). */
  @Column({ type: 'text' })
  connection!: string;

  /** Lower-cased. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'email_verified', type: 'boolean' })
  emailVerified!: boolean;

  @Column({ type: 'text', nullable: true })
  username!: string | null;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text', nullable: true })
  nickname!: string | null;

  @Column({ type: 'text', nullable: true })
  picture!: string | null;

  @Column({ name: 'given_name', type: 'text', nullable: true })
  givenName!: string | null;

  @Column({ name: 'family_name', type: 'text', nullable: true })
  familyName!: string | null;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'boolean' })
  blocked!: boolean;

  @Column({ name: 'user_metadata', type: 'jsonb' })
  userMetadata!: Record<string, unknown>;

  @Column({ name: 'app_metadata', type: 'jsonb' })
  appMetadata!: Record<string, unknown>;

  @Column({ name: 'last_login', type: 'timestamptz', nullable: true })
  lastLogin!: Date | null;

  /** The address of the last successful login, as issuance saw it (Auth0's `last_ip`). */
  @Column({ name: 'last_ip', type: 'text', nullable: true })
  lastIp!: string | null;

  @Column({ name: 'logins_count', type: 'integer' })
  loginsCount!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
