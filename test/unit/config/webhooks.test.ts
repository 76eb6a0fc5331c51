import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config/load.js';

const secret = randomBytes(32).toString('base64url');
const load = (NODE_ENV: string, overrides: Record<string, unknown> = {}) =>
  loadConfig({ env: { NODE_ENV, GATEHOUSE_SECRET: secret }, overrides });

describe('webhooks.* settings', () => {
  it('allow private networks in development only, by default', () => {
    expect(load('development').webhooks.allowPrivateNetworks).toBe(true);
    expect(load('production', { databaseUrl: 'sqlite:./data/x.db' }).webhooks.allowPrivateNetworks).toBe(false);
    expect(load('test').webhooks.allowPrivateNetworks).toBe(false);
  });

  it('default to the documented schedule and limits', () => {
    expect(load('test').webhooks).toMatchObject({
      worker: true, timeoutMs: 10_000, leaseSeconds: 60, disableAfterDays: 5, maxEndpointsPerOrganization: 20,
      retry: { firstDelaySeconds: 30, maxDelaySeconds: 14_400, giveUpAfterHours: 24 }, reminders: { rotationAfterDays: 90 },
    });
  });

  it('refuse a lease no longer than an attempt, and retries for less than 24 hours, naming the setting', () => {
    expect(() => load('test', { webhooks: { leaseSeconds: 10, timeoutMs: 10_000 } })).toThrow(/webhooks\.leaseSeconds: must be longer than webhooks\.timeoutMs/);
    expect(() => load('test', { webhooks: { retry: { giveUpAfterHours: 12 } } })).toThrow(/webhooks\.retry\.giveUpAfterHours: must be at least 24/);
  });
});
