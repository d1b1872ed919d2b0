/** Escapes text for HTML element content and double-quoted attributes. */
export function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 2px 12px #0002;width:20rem}
h1{font-size:1.25rem;margin:0 0 1rem}label{display:block;margin:.75rem 0 .25rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #bbb;border-radius:4px}
button{margin-top:1.25rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#3b5bdb;color:#fff;font-size:1rem}
.error{color:#c92a2a;font-size:.9rem}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface LoginForm {
  readonly clientName: string;
  readonly transactionId: string;
  readonly csrf: string;
  readonly username?: string;
  readonly error?: string;
}

/**
 * The hosted login page (server-rendered, no scripts). Posts back to `/u/login` with the transaction
 * and its CSRF token, which must match the browser's CSRF cookie.
 */
export function renderLoginPage(form: LoginForm): string {
  return page(
    'Log in',
    `<h1>Log in to ${escape(form.clientName)}</h1>
${form.error ? `<p class="error" role="alert">${escape(form.error)}</p>` : ''}
<form method="post" action="/u/login">
<input type="hidden" name="state" value="${escape(form.transactionId)}">
<input type="hidden" name="csrf" value="${escape(form.csrf)}">
<label for="username">Email or username</label>
<input id="username" name="username" autocomplete="username" required value="${escape(form.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button>
</form>`,
  );
}

/** An error we cannot send back to the application (its redirect URI is not trusted). */
export function renderErrorPage(message: string): string {
  return page('Error', `<h1>Something went wrong</h1><p class="error" role="alert">${escape(message)}</p>`);
}
