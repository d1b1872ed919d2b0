import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ClientCredentialsSnapshot } from '@app/contracts';

/** This service's copy of a client's credentials, projected from `tessera.clients.v1`. */
@Entity({ name: 'clients' })
export class ClientProjectionEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'jsonb' })
  snapshot!: ClientCredentialsSnapshot;
}
