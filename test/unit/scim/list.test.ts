import { listResponse, MAX_RESULTS, pageOfList, pagingOf } from '../../../src/scim/protocol/list.js';

describe('SCIM paging (RFC 7644 §3.4.2.4)', () => {
  it('reads startIndex from 1 and count up to the maximum, as the RFC says', () => {
    expect(pagingOf({})).toEqual({ startIndex: 1, count: MAX_RESULTS });
    expect(pagingOf({ startIndex: '0', count: '-5' })).toEqual({ startIndex: 1, count: 0 });
    expect(pagingOf({ startIndex: '3', count: '100000' })).toEqual({ startIndex: 3, count: MAX_RESULTS });
    expect(() => pagingOf({ count: '1.5' })).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
  });

  it('cuts a page out of a list and answers a ListResponse', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(pageOfList(items, { startIndex: 2, count: 2 })).toEqual(['b', 'c']);
    expect(pageOfList(items, { startIndex: 5, count: 10 })).toEqual(['e']);
    expect(listResponse(['b', 'c'], 5, 2)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 5, startIndex: 2, itemsPerPage: 2, Resources: ['b', 'c'],
    });
  });
});
