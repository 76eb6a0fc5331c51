import { createAuthenticator } from '../../../src/resource-server/core/authenticator.js';
import { Admitted } from '../../../src/resource-server/core/decision.js';
import { costGuard } from '../../../src/resource-server/core/guards.js';
import type { Meter } from '../../../src/resource-server/metering.js';
import { plainVerified } from '../../../src/resource-server/verified.js';
import { principalFromClaims } from '../../../src/resource-server/claims.js';
import type { HttpProblem } from '../../../src/http/problem.js';

const principal = principalFromClaims({ sub: 'usr_1', client_id: 'cli_1', org: 'org_1', scope: 'things:read' })!;
const exchange = { method: 'GET', header: (n: string) => (n === 'authorization' ? 'Bearer a.b.c' : undefined), ip: () => '10.0.0.1', url: () => 'https://api.test/x' };

/** A meter of units per organization, with a quota: what issue 12 will plug in behind the seam. */
function fakeMeter(quota: number) {
  const used = new Map<string, number>();
  const meter: Meter = {
    check: (p, units) => ((used.get(p.organization!) ?? 0) + units > quota ? { resetAt: Date.now() + 3600_000 } : null),
    record: (p, units) => void used.set(p.organization!, (used.get(p.organization!) ?? 0) + units),
  };
  return { meter, used };
}

describe('the metering seam', () => {
  it('gives routes a principal whose consume(n) does nothing without a meter, and is invisible in JSON', async () => {
    const auth = createAuthenticator({ verifier: { jwt: () => plainVerified(principal), apiKey: () => null } });
    const decision = (await auth.authenticate(exchange)) as Admitted;
    expect(decision).toBeInstanceOf(Admitted);
    expect(() => decision.principal.consume(3)).not.toThrow();
    expect(JSON.parse(JSON.stringify(decision.principal))).toEqual({ type: 'user', subject: 'usr_1', organization: 'org_1', environment: null, permissions: ['things:read'], client_id: 'cli_1' });
  });

  it('reports consume(n) and route costs to the meter, and answers 429 quota_exceeded over the quota', async () => {
    const { meter, used } = fakeMeter(10);
    const auth = createAuthenticator({ verifier: { jwt: () => plainVerified(principal), apiKey: () => null }, meter });
    const decision = (await auth.authenticate(exchange)) as Admitted;
    decision.principal.consume(4);
    expect(used.get('org_1')).toBe(4);
    const cost5 = costGuard(5, meter);
    expect(await cost5(decision.principal)).toBeNull();
    expect(used.get('org_1')).toBe(9);
    const refusal = (await cost5(decision.principal)) as HttpProblem;
    expect(refusal.status).toBe(429);
    expect(refusal.body()).toMatchObject({ code: 'quota_exceeded', retry_after: expect.any(Number), reset: expect.any(String) });
    expect(refusal.headers['Retry-After']).toBeDefined();
    expect(used.get('org_1')).toBe(9);
  });

  it('lets a route with a cost run when no meter is configured, and refuses a cost that is not a whole number', () => {
    expect(costGuard(5, undefined)(principal)).toBeNull();
    expect(() => costGuard(-1, undefined)).toThrow(TypeError);
    expect(() => costGuard(1.5, undefined)).toThrow(TypeError);
  });
});
