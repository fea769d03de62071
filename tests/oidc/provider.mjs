// SPDX-License-Identifier: GPL-3.0-or-later
// A standard OpenID provider (the npm package oidc-provider, which no one
// here wrote) on loopback for the test suite: a native public client
// "techo-desktop" that must use PKCE (S256), may ask for
// "openid offline_access" and gets ID tokens signed RS256; a second client
// "techo-es256" gets them signed ES256. The browser step is oidc-provider's
// own development login and consent pages (devInteractions), which
// browse.mjs fills in. Prints "issuer=URL" on its first line, then serves
// until it gets SIGTERM.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);

function jwk(type, options, kid, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

const keys = [
  jwk('rsa', { modulusLength: 2048 }, 'rs-1', 'RS256'),
  jwk('ec', { namedCurve: 'P-256' }, 'es-1', 'ES256'),
];

const client = {
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://127.0.0.1/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
};

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      { ...client, client_id: 'techo-desktop', id_token_signed_response_alg: 'RS256' },
      { ...client, client_id: 'techo-es256', id_token_signed_response_alg: 'ES256' },
    ],
    jwks: { keys },
    scopes: ['openid', 'offline_access'],
    claims: { openid: ['sub', 'name', 'birthdate', 'gender'] },
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    cookies: { keys: ['techo-test-cookie-key-not-secret'] },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, name: `Test ${sub}`, birthdate: '1970-04-01', gender: 'female' };
        },
      };
    },
    ttl: { AccessToken: 300, IdToken: 300, RefreshToken: 3600, Grant: 3600, Session: 3600,
           Interaction: 600, AuthorizationCode: 60 },
  });
  // Quiet: the test reads stdout.
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`issuer=${issuer}`);
});

process.on('SIGTERM', () => process.exit(0));
