// SPDX-License-Identifier: GPL-3.0-or-later
// Acts as the user's browser on oidc-provider's development login and
// consent pages: GETs the authorization URL given as the first argument,
// follows redirects by hand with a cookie jar, fills and posts each form
// (login "account" from the second argument, any password), and when a
// redirect leaves the provider (to the application's loopback address)
// GETs it, as a browser would, then exits 0. Exits 1 with a message on
// anything else. Bounded: 20 steps, 20 s.
const [authorizeUrl, account = 'techo-user'] = process.argv.slice(2);
const origin = new URL(authorizeUrl).origin;
const jar = new Map();
const timer = setTimeout(() => { console.error('browse: took too long'); process.exit(1); }, 20000);

function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  // Older fetch: one joined header; split before each "name=".
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,(?=\s*[A-Za-z0-9_.-]+=)/) : [];
}

function remember(response) {
  for (const line of setCookies(response.headers)) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
}

function cookieHeader() {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function request(url, form) {
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      cookie: cookieHeader(),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  remember(response);
  return response;
}

function formOf(html, base) {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const fields = {};
  for (const input of form[2].matchAll(/<input([^>]*)>/gi)) {
    const name = /name="([^"]+)"/.exec(input[1])?.[1];
    const value = /value="([^"]*)"/.exec(input[1])?.[1] ?? '';
    if (name) fields[name] = value;
  }
  if ('login' in fields) fields.login = account;
  if ('password' in fields) fields.password = 'any';
  return { action: new URL(form[1].replace(/&amp;/g, '&'), base).href, fields };
}

let url = authorizeUrl;
let form = null;
for (let step = 0; step < 20; step++) {
  const response = await request(url, form);
  form = null;
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    const next = new URL(location, url);
    if (next.origin !== origin) {
      // The application's loopback redirect: deliver it, then done.
      const done = await fetch(next.href);
      await done.text();
      clearTimeout(timer);
      process.exit(done.ok ? 0 : 1);
    }
    url = next.href;
    continue;
  }
  const html = await response.text();
  const next = formOf(html, url);
  if (response.status !== 200 || !next) {
    console.error(`browse: HTTP ${response.status} at ${url}: ${html.slice(0, 300)}`);
    process.exit(1);
  }
  url = next.action;
  form = next.fields;
}
console.error('browse: too many steps');
process.exit(1);
