/**
 * The few pages the server renders itself, before the dashboard's script may run: the login form,
 * "not built" and "not allowed". Plain HTML with inline styles (no script), readable without CSS.
 */

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f5f7; color: #1b1f24; }
  main { background: #fff; border: 1px solid #d0d5dc; border-radius: 8px; padding: 2rem; width: min(26rem, calc(100vw - 2rem)); box-sizing: border-box; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  p { line-height: 1.5; }
  label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
  input { width: 100%; box-sizing: border-box; font: inherit; padding: .55rem .6rem; border: 1px solid #6b7480; border-radius: 4px; }
  input:focus-visible, button:focus-visible { outline: 3px solid #1f4e9c; outline-offset: 2px; }
  button { margin-top: 1rem; font: inherit; font-weight: 600; padding: .55rem 1rem; border: 0; border-radius: 4px; background: #1f4e9c; color: #fff; cursor: pointer; }
  [role="alert"] { background: #fdecea; color: #8c1d18; border: 1px solid #e5a29c; border-radius: 4px; padding: .5rem .75rem; }
  code { background: #eef0f3; padding: .1rem .3rem; border-radius: 3px; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} · Switchyard</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** The login form: the admin key is posted once, in the body, and answered with a session cookie. */
export function loginPage(error?: string): string {
  return page(
    'Sign in',
    `<h1>Switchyard dashboard</h1>
<p>Sign in with the gateway's admin key (<code>server.admin_key</code>).</p>
${error === undefined ? '' : `<p role="alert" id="login-error">${escapeHtml(error)}</p>`}
<form method="post" action="/ui/login">
  <label for="key">Admin key</label>
  <input id="key" name="key" type="password" autocomplete="current-password" required autofocus${error === undefined ? '' : ' aria-describedby="login-error"'}>
  <button type="submit">Sign in</button>
</form>`,
  );
}

/** 503: the gateway runs, but `npm run build:ui` has not produced the dashboard's files. */
export function notBuiltPage(directory: string): string {
  return page(
    'Dashboard not built',
    `<h1>The dashboard is not built</h1>
<p>The gateway serves the dashboard from <code>${escapeHtml(directory)}</code>, which has no <code>index.html</code>.</p>
<p>Build it with <code>npm run build:ui</code> (<code>npm install</code> does this too, through <code>prepare</code>), then reload this page. The admin API at <code>/admin</code> works without it.</p>`,
  );
}

/** 403: no admin key is configured and the client is not on loopback. */
export function forbiddenPage(message: string): string {
  return page('Not allowed', `<h1>Not allowed</h1>\n<p>${escapeHtml(message)}</p>`);
}
