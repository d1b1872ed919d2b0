import { InvalidRequestError, type OAuthParams } from '@app/oauth';

/** The parameters of a logout request, from its query (GET) or its form (POST). */
export type LogoutParams = ReadonlyMap<string, string>;

const MAX_PARAMETER_LENGTH = 16 * 1024;

/** A query string's parameters: each at most once, as a string (a repeated one is `invalid_request`). */
export function logoutParamsOfQuery(query: Record<string, unknown>): LogoutParams {
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new InvalidRequestError(`Parameter ${name} must be given once`);
    params.set(name, value);
  }
  return checked(params);
}

export function logoutParamsOfBody(body: OAuthParams, names: readonly string[]): LogoutParams {
  const params = new Map<string, string>();
  for (const name of names) {
    const value = body.get(name);
    if (value !== undefined) params.set(name, value);
  }
  return checked(params);
}

function checked(params: Map<string, string>): LogoutParams {
  for (const [name, value] of params) {
    if (value.length > MAX_PARAMETER_LENGTH) throw new InvalidRequestError(`Parameter ${name} is too long`);
  }
  return params;
}

/** A parameter given with an empty value counts as absent (`?returnTo=` is no returnTo). */
export function param(params: LogoutParams, name: string): string | undefined {
  const value = params.get(name);
  return value === undefined || value === '' ? undefined : value;
}
