import { escape, page } from '../login/login-page';

/** What the confirmation form posts back to `/oidc/logout`. */
export interface LogoutConfirmation {
  readonly confirm: string;
  readonly clientId?: string;
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escape(value)}">`;
}

/**
 * OIDC RP-Initiated Logout 1.0 §2 / §6: a logout request that does not prove which session it means
 * (no `id_token_hint`, no matching `logout_hint`) asks the user first, so a link on another site
 * cannot log them out. The form carries a value only this browser's cookie can produce.
 */
export function renderLogoutConfirmation(form: LogoutConfirmation): string {
  return page(
    'Log out',
    `<h1>Log out?</h1>
<p>Do you want to log out of this session?</p>
<form method="post" action="/oidc/logout">
${hidden('confirm', form.confirm)}${hidden('client_id', form.clientId)}${hidden('post_logout_redirect_uri', form.postLogoutRedirectUri)}${hidden('state', form.state)}
<button type="submit">Log out</button>
</form>`,
  );
}

/** Where a logout ends when no registered URL was asked for. */
export function renderLoggedOutPage(): string {
  return page('Logged out', '<h1>You are logged out</h1><p>You can close this window.</p>');
}

/** A logout request we refuse; never redirects, so an unregistered URL is never followed. */
export function renderLogoutErrorPage(message: string): string {
  return page('Logout error', `<h1>Logout failed</h1><p class="error" role="alert">${escape(message)}</p>`);
}
