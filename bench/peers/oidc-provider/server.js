// bench/run's peer: panva's oidc-provider (the npm package, pinned in
// package.json) set up like latchkey's benchmark: one confidential client
// (client_secret_basic, PKCE S256 required, authorization_code and
// refresh_token, id_tokens signed RS256 with a 2048-bit key), one account,
// and a login handled in this process: GET /interaction/UID serves a form
// with `username` and `password`, POST checks the password against an
// argon2id hash of the same cost as latchkey's (so a sign-in costs one hash
// here too) and finishes the interaction with login and consent at once (a
// first-party application: no consent page). Refresh tokens are issued for
// every code and rotated on every use, as latchkey does.
//
// Everything comes from the environment:
//   PORT, ISSUER (http://127.0.0.1:PORT), CLIENT_ID, CLIENT_SECRET,
//   REDIRECT_URI, EMAIL, PASSWORD, ARGON2_M_KIB, ARGON2_T, ARGON2_P.
// Storage is oidc-provider's in-memory adapter (its default).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import argon2 from 'argon2';
import Provider from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`server.js: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const port = Number(env('PORT'));
const issuer = env('ISSUER', `http://127.0.0.1:${port}`);
const email = env('EMAIL');
const password = env('PASSWORD');
const clientId = env('CLIENT_ID');

const passwordHash = await argon2.hash(password, {
  type: argon2.argon2id,
  memoryCost: Number(env('ARGON2_M_KIB', '19456')),
  timeCost: Number(env('ARGON2_T', '2')),
  parallelism: Number(env('ARGON2_P', '1')),
});

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: env('CLIENT_SECRET'),
      redirect_uris: [env('REDIRECT_URI')],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  pkce: { required: () => true },
  // latchkey's paths, so the load client needs no per-server URL.
  routes: { authorization: '/authorize', userinfo: '/userinfo' },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (_ctx, sub) =>
    sub === email ? { accountId: sub, claims: () => ({ sub, email }) } : undefined,
  claims: { openid: ['sub'], email: ['email'] },
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 1800,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 600,
    Grant: 30 * 24 * 3600,
    RefreshToken: 30 * 24 * 3600,
    Session: 24 * 3600,
  },
});

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const readForm = (req) =>
  new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 64 * 1024) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });

const page = (res, status, html) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Sign in</title>${html}`);
};

// Login and consent together: the grant covers every scope asked for.
const finish = async (req, res, details, accountId) => {
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  const grantId = await grant.save();
  const result = { consent: { grantId } };
  if (details.prompt.name === 'login') result.login = { accountId };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
};

const interaction = async (req, res, uid) => {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    if (details.prompt.name !== 'login') {
      // Signed in already, only consent missing: a first-party client.
      await finish(req, res, details, details.session?.accountId);
      return;
    }
    page(
      res,
      200,
      `<form method="post" action="/interaction/${escapeHtml(uid)}">` +
        '<input name="username" type="email"><input name="password" type="password">' +
        '<button>Sign in</button></form>',
    );
    return;
  }
  if (req.method !== 'POST') {
    page(res, 405, '<p>Method not allowed</p>');
    return;
  }
  const form = await readForm(req);
  const ok =
    form.get('username') === email && (await argon2.verify(passwordHash, form.get('password') ?? ''));
  if (!ok) {
    page(res, 401, '<p>Incorrect email or password.</p>');
    return;
  }
  await finish(req, res, details, email);
};

const oidc = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (!match) {
    oidc(req, res);
    return;
  }
  interaction(req, res, match[1]).catch((error) => {
    console.error(error);
    if (!res.headersSent) page(res, 500, `<p>${escapeHtml(error.message)}</p>`);
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider peer listening on ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
