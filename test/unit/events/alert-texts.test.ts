import { EVENT_TYPE_NAMES, EVENT_TYPES } from '../../../src/events/catalog.js';
import { alertText, isAlertType, type AlertType } from '../../../src/events/alert-texts.js';
import type { ApiKeyData, EventPayloads } from '../../../src/events/payloads.js';
import { alertMailContent } from '../../../src/webhooks/alert-mail.js';

const key: ApiKeyData = {
  object: 'api_key', id: 'key_1', organization: 'org_1', name: 'ci', environment: 'live', start: 'AbCd', permissions: ['users:read'],
  status: 'active', expires_at: '2030-01-15T00:00:00.000Z', ip_allowlist: [], rate_limit: null, created_at: '2029-01-01T00:00:00.000Z',
  created_by: 'cli', updated_at: '2029-01-01T00:00:00.000Z', revoked_at: null, rotated_to: null, enabled: true, disabled_at: null, metadata: {},
};

/** One example of each alert's data. */
const SAMPLES: { [T in AlertType]: EventPayloads[T] } = {
  'api_key.expiring': { api_key: key, days_before: 1 },
  'api_key.rotation_due': { api_key: key, age_days: 91, reminder_days: 90 },
  'api_key.leaked': { api_key: key, source: 'github', url: 'https://github.com/acme/app/blob/main/.env', action: 'revoked' },
  'quota.threshold': { percent: 100, used: 5000, quota: 5000, period_start: '2030-01-01T00:00:00.000Z', period_end: '2030-02-01T00:00:00.000Z' },
  'usage.anomaly': { api_key_id: 'key_1', hour: '2030-01-02T03:00:00.000Z', requests: 9000, usual_requests: 40 },
  'refresh_token.reuse_detected': { app: { client_id: 'cli_1', name: 'Dashboard' }, user_id: 'usr_1' },
  'webhook_endpoint.disabled': { webhook_endpoint: { id: 'whe_1', url: 'https://hooks.acme.example/h' }, failing_since: '2030-01-01T00:00:00.000Z', reason: 'failing' },
};

describe('alert texts', () => {
  it('exist for exactly the catalogue\'s alerts', () => {
    expect(EVENT_TYPE_NAMES.filter(isAlertType).sort()).toEqual(EVENT_TYPE_NAMES.filter((t) => EVENT_TYPES[t].alert).sort());
    expect(Object.keys(SAMPLES).sort()).toEqual(EVENT_TYPE_NAMES.filter(isAlertType).sort());
  });

  it.each(Object.keys(SAMPLES) as AlertType[])('%s says what happened and what to do, in a mail naming the organization', (type) => {
    const text = alertText(type, SAMPLES[type] as never);
    expect(text.headline.length).toBeGreaterThan(10);
    expect(text.happened.join(' ')).not.toContain('undefined');
    expect(text.todo.length).toBeGreaterThan(20);
    const mail = alertMailContent({ eventId: 'evt_1', organizationId: 'org_1', type, data: SAMPLES[type] as never, occurredAt: new Date('2030-01-02T00:00:00Z') },
      { id: 'org_1', slug: 'acme', name: 'Acme Rockets', plan: 'pro', mfaRequired: false, leakedKeyPolicy: 'revoke', createdAt: new Date() }, 'https://id.example.com');
    expect(mail.subject).toBe(`[Acme Rockets] ${text.headline}`);
    expect(mail.paragraphs.join('\n')).toContain(`What to do: ${text.todo}`);
    expect(mail.paragraphs).toContain(`https://id.example.com/console/o/acme${text.consolePage ? `/${text.consolePage}` : ''}`);
    expect(mail.paragraphs.join('\n')).not.toMatch(/undefined|null|\[object/);
  });

  it('refuses to mail an event that is no alert', () => {
    expect(() => alertMailContent({ eventId: 'evt_1', organizationId: 'org_1', type: 'api_key.created', data: {}, occurredAt: new Date() },
      { id: 'org_1', slug: 'acme', name: 'Acme', plan: 'pro', mfaRequired: false, leakedKeyPolicy: 'revoke', createdAt: new Date() }, 'https://id.example.com')).toThrow('is not an alert');
  });
});
