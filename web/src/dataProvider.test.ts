import { afterEach, describe, expect, it, vi } from 'vitest';
import { dataProvider, listQuery } from './dataProvider';
import { api, ApiError, queryString, setCsrfToken } from './api/http';

describe('listQuery', () => {
  it('turns react-admin paging, sort and filters into the API query', () => {
    expect(
      listQuery('mappings', {
        pagination: { page: 3, perPage: 25 },
        sort: { field: 'avni_value', order: 'DESC' },
        filter: { group: 'Observation', q: '', include_voided: true, avni_value: undefined },
      }),
    ).toEqual({ page: 2, size: 25, sort: '-avni_value', group: 'Observation', include_voided: 'true' });
  });

  it('sends only the sorts a resource takes', () => {
    const errors = listQuery('error-records', {
      pagination: { page: 1, perPage: 10 },
      sort: { field: 'entity_id', order: 'ASC' },
    });
    expect(errors.sort).toBeUndefined();
    expect(listQuery('error-records', { sort: { field: 'first_seen_at', order: 'DESC' } }).sort).toBe(
      '-first_seen_at',
    );
    expect(listQuery('runs', { sort: { field: 'started_at', order: 'DESC' } }).sort).toBeUndefined();
    expect(listQuery('mappings', { sort: { field: 'id', order: 'ASC' } }).sort).toBeUndefined();
  });

  it('keeps the page size within what the API takes', () => {
    expect(listQuery('mappings', { pagination: { page: 1, perPage: 5000 } }).size).toBe(500);
    expect(listQuery('mappings', { pagination: { page: 0, perPage: 0 } })).toMatchObject({ page: 0, size: 1 });
  });
});

describe('queryString', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(queryString({ q: 'a b&c', empty: '', none: null, n: 0, flag: false })).toBe('?q=a+b%26c&n=0&flag=false');
    expect(queryString({})).toBe('');
  });
});

describe('api', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  it('sends the CSRF token on writes only and reads the error shape', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (init.method === 'POST') {
        return new Response(
          JSON.stringify({ error: { code: 'conflict', message: 'row 12 has that value', details: { field: 'avni_value' } } }),
          { status: 409 },
        );
      }
      return new Response(JSON.stringify({ items: [], page: 0, size: 50, total: 0 }), { status: 200 });
    });
    setCsrfToken('csrf-1');
    await api('/tenants/1/mappings', { query: { q: 'x' } });
    expect(calls[0].url).toBe('/api/v1/tenants/1/mappings?q=x');
    expect((calls[0].init.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();

    const failure = await api('/tenants/1/mappings', { method: 'POST', json: { avni_value: 'a' } }).catch((e) => e);
    expect((calls[1].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 409, code: 'conflict', field: 'avni_value', message: 'row 12 has that value' });
  });

  it('says plainly when the answer is not the service speaking', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const failure = (await api('/me').catch((e: unknown) => e)) as ApiError;
    expect(failure.message).toMatch(/cannot be reached/);
  });
});

describe('dataProvider', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives each record the id its resource is known by', async () => {
    vi.stubGlobal('fetch', async () =>
      new Response(JSON.stringify({ items: [{ entity_type: 'Subject', read_upto_time: null }], page: 0, size: 50, total: 1 })),
    );
    const { session } = await import('./api/session');
    expect(session()).toBeNull();
    const { selectTenant } = await import('./api/session');
    selectTenant(7);
    const page = await dataProvider.getList('sync-status', {
      pagination: { page: 1, perPage: 50 },
      sort: { field: 'id', order: 'ASC' },
      filter: {},
    });
    expect(page.total).toBe(1);
    expect(page.data[0].id).toBe('Subject');
  });
});
