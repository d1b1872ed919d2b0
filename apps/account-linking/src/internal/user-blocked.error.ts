import { OAuthError } from '@app/oauth';

/** Auth0 answers `unauthorized` for a blocked user, after the credentials were checked. */
export class UserBlockedError extends OAuthError {
  readonly error = 'unauthorized';
  override readonly status = 403;
}
