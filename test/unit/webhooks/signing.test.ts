import { Webhook } from 'standardwebhooks';
import { newSigningSecret, signatureHeader } from '../../../src/webhooks/signing.js';

const body = JSON.stringify({ type: 'api_key.created', timestamp: '2030-01-01T00:00:00.000Z', data: { api_key: { id: 'key_1' } } });
const headers = (signature: string, id = 'evt_1', ts = Math.floor(Date.now() / 1000)) =>
  ({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature });

describe('webhook signing (checked with the standardwebhooks package)', () => {
  it('makes whsec_ secrets of 32 random bytes, different each time', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(a);
  });

  it('signs as Standard Webhooks: the package verifies and returns the body', () => {
    const secret = newSigningSecret();
    const ts = Math.floor(Date.now() / 1000);
    expect(new Webhook(secret).verify(body, headers(signatureHeader([secret], 'evt_1', ts, body), 'evt_1', ts))).toEqual(JSON.parse(body));
  });

  it('with two secrets, carries two signatures and either secret verifies', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const signature = signatureHeader([current, previous], 'evt_2', ts, body);
    expect(signature.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) expect(() => new Webhook(secret).verify(body, headers(signature, 'evt_2', ts))).not.toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers(signature, 'evt_2', ts))).toThrow(/No matching signature/);
  });

  it('binds the signature to the id, the timestamp and the body', () => {
    const secret = newSigningSecret();
    const ts = Math.floor(Date.now() / 1000);
    const signature = signatureHeader([secret], 'evt_3', ts, body);
    const hook = new Webhook(secret);
    expect(() => hook.verify(body, headers(signature, 'evt_other', ts))).toThrow();
    expect(() => hook.verify(body, headers(signature, 'evt_3', ts - 1))).toThrow();
    expect(() => hook.verify(body.replace('key_1', 'key_2'), headers(signature, 'evt_3', ts))).toThrow();
  });
});
