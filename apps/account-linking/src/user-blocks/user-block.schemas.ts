import { z } from 'zod';
import { queryBoolean, queryText } from '@app/management';

/**
 * Auth0's flag: with `true`, blocks are listed only while brute-force protection is on. It always
 * is here (a limit can be raised, not switched off), so the flag changes nothing; it is accepted.
 */
const considerEnablement = { consider_brute_force_enablement: queryBoolean(false) };

/** `GET /api/v2/user-blocks/{id}`. */
export const userBlocksByIdQuery = z.object(considerEnablement).strict();

/** `GET` / `DELETE /api/v2/user-blocks?identifier=…`: an email, username or phone number. */
export const userBlocksByIdentifierQuery = z
  .object({ identifier: queryText(320), ...considerEnablement })
  .strict();
export type UserBlocksByIdentifierQuery = z.output<typeof userBlocksByIdentifierQuery>;

/** `DELETE /api/v2/user-blocks?identifier=…`. */
export const deleteUserBlocksByIdentifierQuery = z.object({ identifier: queryText(320) }).strict();
