import { Writable } from 'node:stream';
import request from 'supertest';
import { createTestGatehouse } from '../../support/harness.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { Gatehouse } from '../../../src/gatehouse.js';

/** Every log line the Gatehouse writes, kept in memory. */
const lines: string[] = [];
const memory = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

const SECRETS = {
  bearer: 'ak_live_4Hq8ZbT2kLx9PwVn3RcY7sDf6GjM1aEuQ0oIiKyWtBvNpXz5',
  apiKeyHeader: 'ak_test_9sDf6GjM1aEuQ0oIiKyWtBvNpXz54Hq8ZbT2kLx9PwVn3R',
  cookie: 'sess1on-c00kie-v4lue-7f3a9b',
  query: 'query-secret-8d7c6b5a4e3f',
  clientSecret: 'client-s3cret-1a2b3c4d5e6f',
  password: 'pa55word-n0t-for-logs',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA',
  // issue 8: names spelled with percent-encoding got past a match on the literal names
  encodedIdTokenHint: 'hint-jwt-body-7c2e91d0a4b6',
  encodedClientSecret: 'encoded-client-secret-5e4d3c',
  encodedApiKey: 'encoded-api-key-value-9f8e7d',
  // found by their look, whatever the parameter's name or place
  keyInAnyParam: 'ak_live_Zq8ZbT2kLx9PwVn3RcY7sDf6GjM1aEuQ0oIiKyWtBvNp',
  jwtInAnyParam: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ5In0.YW5vdGhlci1zaWduYXR1cmU',
  keyInPath: 'ak_test_Pq7ZbT2kLx9PwVn3RcY7sDf6GjM1aEuQ0oIiKyWtBvNp',
  invitationToken: 'V2hhdC1hLWxvbmctaW52aXRhdGlvbi10b2tlbi0xMjM0NTY',
  scimHeader: 'scim_3Rb8ZbT2kLx9PwVn3RcY7sDf6GjM1aEuQ0oIiKyWtBvNpXz54Hq8ZbT2kLx9PwVn3R',
  scimAnywhere: 'scim_Wq7ZbT2kLx9PwVn3RcY7sDf6GjM1aEuQ0oIiKyWtBvNpXz54Hq8ZbT2kLx9PwVn3R',
};

let gh: Gatehouse;
beforeAll(async () => {
  // trace: the most verbose level, so any component logging a credential would show it here
  gh = await createTestGatehouse({ logLevel: 'trace' }, { logger: createLogger('trace', memory) });
});
afterAll(async () => { await gh.close(); });

describe('log redaction', () => {
  beforeAll(async () => {
    const app = gh.app.callback();
    await request(app).get('/v1/organizations').set('Authorization', `Bearer ${SECRETS.bearer}`);
    await request(app).get('/v1/organizations').set('Authorization', `Bearer ${SECRETS.jwt}`);
    await request(app).get('/v1/organizations').set('X-API-Key', SECRETS.apiKeyHeader);
    await request(app).get('/v1/organizations').set('Cookie', `_session=${SECRETS.cookie}; other=1`);
    await request(app).get(`/v1/organizations?api_key=${SECRETS.query}&limit=5`);
    await request(app).get(`/authorize?client_id=x&code=${SECRETS.query}`);
    await request(app).post('/token')
      .type('form').auth('some-client', SECRETS.clientSecret)
      .send({ grant_type: 'client_credentials', client_secret: SECRETS.clientSecret });
    await request(app).post('/token/introspection').type('form').send({ token: SECRETS.bearer, client_id: 'c', client_secret: SECRETS.clientSecret });
    await request(app).post('/v1/organizations/acme/users').set('X-API-Key', SECRETS.apiKeyHeader)
      .send({ email: 'a@example.com', password: SECRETS.password });
    await request(app).get(`/session/end?id%5Ftoken%5Fhint=${SECRETS.encodedIdTokenHint}`);
    await request(app).get(`/auth?client%5Fsecret=${SECRETS.encodedClientSecret}&x=1`);
    await request(app).get(`/v1/organizations?api%255Fkey=${SECRETS.encodedApiKey}`);
    await request(app).get(`/v1/organizations?q=${SECRETS.keyInAnyParam}&filter=${encodeURIComponent(`Bearer ${SECRETS.jwtInAnyParam}`)}`);
    await request(app).get(`/v1/organizations/${SECRETS.keyInPath}`);
    await request(app).get(`/invitation?token=${SECRETS.invitationToken}`);
    await request(app).get('/scim/v2/Users').set('Authorization', `Bearer ${SECRETS.scimHeader}`);
    await request(app).get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${SECRETS.scimAnywhere}"`)}`);
    // a component that logs a key or a JWT by mistake, under a name no redaction path knows
    gh.logger.warn({ detail: `failed for ${SECRETS.keyInAnyParam}`, nested: { thing: SECRETS.jwtInAnyParam }, other: SECRETS.scimAnywhere }, 'careless line');
  });

  it('logs the requests (so the absence below means something)', () => {
    const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(17);
    expect(requestLines.some((l) => String(l.url).startsWith('/scim/v2/Users?filter=[REDACTED]'))).toBe(true);
    expect(requestLines.some((l) => String(l.url).includes('id%5Ftoken%5Fhint=[REDACTED]'))).toBe(true);
    expect(requestLines.some((l) => String(l.url).includes('&x=1'))).toBe(true);
    expect(lines.some((l) => l.includes('careless line') && l.includes('[REDACTED]'))).toBe(true);
    expect(requestLines.some((l) => String(l.url).includes('api_key=[REDACTED]'))).toBe(true);
    expect(requestLines.some((l) => String(l.url).includes('limit=5'))).toBe(true);
  });

  it.each(Object.entries(SECRETS))('never writes the %s credential', (_name, secret) => {
    for (const line of lines) expect(line).not.toContain(secret);
  });

  it('never writes a fragment of a key long enough to recognise it', () => {
    for (const line of lines) expect(line).not.toMatch(/ak_(live|test)_[A-Za-z0-9]{12,}/);
  });
});
