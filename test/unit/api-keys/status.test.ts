import { keyStatus } from '../../../src/domain/api-keys/status.js';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-02T00:00:00Z');
const earlier = new Date('2025-12-31T00:00:00Z');

describe('keyStatus', () => {
  it('is active when neither revoked nor past its expiry', () => {
    expect(keyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(keyStatus({ revokedAt: null, expiresAt: later }, now)).toBe('active');
  });
  it('is expired from the expiry instant on', () => {
    expect(keyStatus({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(keyStatus({ revokedAt: null, expiresAt: earlier }, now)).toBe('expired');
  });
  it('is revoked once revoked, even when also expired', () => {
    expect(keyStatus({ revokedAt: earlier, expiresAt: earlier }, now)).toBe('revoked');
  });
});

describe('keyStatus of a disabled key', () => {
  it('is disabled while live, and expired or revoked once it is (those never come back)', () => {
    expect(keyStatus({ revokedAt: null, expiresAt: later, disabledAt: earlier }, now)).toBe('disabled');
    expect(keyStatus({ revokedAt: null, expiresAt: earlier, disabledAt: earlier }, now)).toBe('expired');
    expect(keyStatus({ revokedAt: earlier, expiresAt: null, disabledAt: earlier }, now)).toBe('revoked');
  });
});
