/** The success body of `/oauth/token` (reference/auth0-api.md §2.2): `token_type` is "Bearer", capitalised. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  issued_token_type?: string;
}
