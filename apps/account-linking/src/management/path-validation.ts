import { ManagementError } from '@app/management';

/** Auth0's 400 `invalid_uri` for a path parameter that cannot be an id of the kind asked for. */
export function invalidUri(property: string, description: string): ManagementError {
  return new ManagementError(
    400,
    `Path validation error: 'Invalid ${property}' on property ${property} (${description}).`,
    'invalid_uri',
  );
}
