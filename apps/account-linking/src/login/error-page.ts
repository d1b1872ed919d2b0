const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** A minimal HTML page for a login that cannot go on: the person sees why, nothing else. */
export function loginErrorPage(message: string): string {
  const escaped = message.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body>
<h1>Sign-in failed</h1>
<p>${escaped}</p>
<p>Go back to the application and try again.</p>
</body>
</html>
`;
}
