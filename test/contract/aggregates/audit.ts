import { newId } from '../../../src/domain/ids.js';
import type { AuditEvent } from '../../../src/store/ports.js';
import { walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

function event(organizationId: string | null, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: newId('aud'), organizationId, action: 'api_key.created', actor: { type: 'user', id: 'usr_1' },
    target: { type: 'api_key', id: 'key_1' }, ip: '203.0.113.7', at: new Date(), metadata: { name: 'billing', permissions: ['a:read'] },
    ...over,
  };
}

/** The audit log. */
export function auditContract(ctx: StoreContext): void {
  it("pages an organization's events newest first, with every field", async () => {
    const org = newId('org');
    const events = [
      event(org),
      event(org, { action: 'auth.failed', actor: { type: 'anonymous', id: null }, target: null, ip: null, metadata: {} }),
      event(org, { action: 'api_key.revoked', actor: { type: 'cli', id: null } }),
      event(org),
      event(org),
    ];
    for (const e of events) await ctx.store.audit.append(e);
    await ctx.store.audit.append(event(newId('org')));
    expect(await walk((p) => ctx.store.audit.list(org, p), 2, (e) => e.id)).toEqual([...events].reverse());
  });

  it('lists server-level events under a null organization, apart from organizations', async () => {
    const server = [event(null, { action: 'organization.created' }), event(null)];
    for (const e of server) await ctx.store.audit.append(e);
    const org = newId('org');
    await ctx.store.audit.append(event(org));
    const listed = await walk((p) => ctx.store.audit.list(null, p), 50, (e) => e.id);
    expect(listed.every((e) => e.organizationId === null)).toBe(true);
    expect(listed.slice(0, 2)).toEqual([...server].reverse());
  });
}
