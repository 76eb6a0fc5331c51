import { collectAll, pageRequest } from '../../../src/identity/paging.js';
import { HttpProblem } from '../../../src/http/problem.js';

describe('page requests', () => {
  it('defaults to 50 items from the start', () => {
    expect(pageRequest()).toEqual({ limit: 50, cursor: null });
  });
  it('keeps a valid limit and cursor', () => {
    expect(pageRequest({ limit: 200, cursor: 'org_01abc' })).toEqual({ limit: 200, cursor: 'org_01abc' });
  });
  it.each([0, 201, 1.5, NaN])('refuses limit %s', (limit) => {
    expect(() => pageRequest({ limit })).toThrow(HttpProblem);
  });
});

describe('collectAll', () => {
  it('follows cursors until the last page', async () => {
    const all = Array.from({ length: 450 }, (_, i) => i);
    const seen: Array<string | null | undefined> = [];
    const items = await collectAll(async ({ limit, cursor }) => {
      seen.push(cursor);
      const start = cursor ? Number(cursor) : 0;
      const slice = all.slice(start, start + limit);
      return { items: slice, nextCursor: start + limit < all.length ? String(start + limit) : null };
    });
    expect(items).toEqual(all);
    expect(seen).toEqual([null, '200', '400']);
  });
});
