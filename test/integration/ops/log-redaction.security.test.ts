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
  });

  it('logs the requests (so the absence below means something)', () => {
    const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(9);
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
