import { z } from 'zod';
import { paginationQuery, queryBoolean, queryText } from '@app/management';
import { metadataSchema } from '../management/metadata';

/** Device-credential types Auth0 lists; we hold refresh tokens only, so `public_key` lists nothing. */
export const deviceCredentialType = z.enum(['refresh_token', 'rotating_refresh_token', 'public_key'], {
  error: 'Expected refresh_token, rotating_refresh_token or public_key',
});

/** `GET /api/v2/device-credentials`. */
export const listDeviceCredentialsQuery = paginationQuery
  .extend({
    user_id: queryText(512).optional(),
    client_id: queryText(256).optional(),
    type: deviceCredentialType.optional(),
    fields: queryText(512).optional(),
    include_fields: queryBoolean(true),
  })
  .strict();
export type ListDeviceCredentialsQuery = z.output<typeof listDeviceCredentialsQuery>;

/** `PATCH /api/v2/refresh-tokens/{id}`: the metadata replaces what the token had (null or {} clears it). */
export const updateRefreshTokenBody = z
  .object({ refresh_token_metadata: metadataSchema.optional() })
  .strict();
export type UpdateRefreshTokenBody = z.output<typeof updateRefreshTokenBody>;
