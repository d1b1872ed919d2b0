import { escape as escapeHtml, page as hostedPage } from '../login-page';
import type { ScopeLine } from './consent-scopes';

export interface ConsentForm {
  readonly clientName: string;
  /** The API's name, when the client asks for one (else only OpenID Connect scopes). */
  readonly apiName: string | null;
  readonly scopes: readonly ScopeLine[];
  readonly promptId: string;
  readonly csrf: string;
}

/**
 * The consent page of the hosted login (server-rendered, no scripts, under the login page's CSP):
 * which application asks for which permissions. Posts back to `/u/consent` with the prompt, its CSRF
 * token and the user's answer (`action=accept|deny`, as Auth0's consent prompt does).
 */
export function renderConsentPage(form: ConsentForm): string {
  const lines = form.scopes
    .map((line) => `<li>${escapeHtml(line.description)} <code>${escapeHtml(line.scope)}</code></li>`)
    .join('\n');
  const target = form.apiName === null ? 'your account' : `your account on ${escapeHtml(form.apiName)}`;
  return hostedPage(
    'Authorize application',
    `<h1>Authorize ${escapeHtml(form.clientName)}</h1>
<p>${escapeHtml(form.clientName)} is requesting access to ${target}:</p>
<ul>
${lines || '<li>Know who you are</li>'}
</ul>
<form method="post" action="/u/consent">
<input type="hidden" name="state" value="${escapeHtml(form.promptId)}">
<input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}">
<button type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="deny">Decline</button>
</form>`,
  );
}
