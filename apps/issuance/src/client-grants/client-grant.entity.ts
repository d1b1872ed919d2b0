import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** Which client may obtain tokens for which API, with which scopes, by client credentials. */
@Entity({ name: 'client_grants' })
@Unique(['clientId', 'audience'])
export class ClientGrantEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  audience!: string;

  @Column({ type: 'text', array: true })
  scope!: string[];
}
