// react-admin's data provider over the service's REST API. Every tenant resource lives under
// `/tenants/{open tenant}/...`; lists answer {items, page (from 0), size, total}.
import type { DataProvider, RaRecord } from 'react-admin';
import { api, type Page, type Query } from './api/http';
import { tenantPath } from './api/session';

export interface ResourceSpec {
  // Under the open tenant (`/tenants/{t}/<path>`), or at the top (`/<path>`).
  tenant: boolean;
  path: string;
  // The field that identifies a record in its URL (`id` unless said).
  idField?: string;
  // The sorts the API takes: true for any field, a list for those, false for none.
  sort?: boolean | string[];
  // How an update is sent (PATCH unless said).
  updateMethod?: 'PATCH' | 'PUT';
  // The fields an update may send (all the form's fields unless said).
  updatable?: string[];
}

export const resources: Record<string, ResourceSpec> = {
  mappings: {
    tenant: true,
    path: 'mappings',
    sort: ['avni_value', 'int_system_value', 'data_type_hint', 'updated_at'],
    updatable: ['group', 'type', 'avni_value', 'int_system_value', 'data_type_hint', 'about'],
  },
  'mapping-groups': { tenant: true, path: 'mapping-groups', sort: ['name'], updatable: ['name'] },
  'mapping-types': { tenant: true, path: 'mapping-types', sort: ['name'], updatable: ['name'] },
  'error-records': { tenant: true, path: 'error-records', sort: ['first_seen_at'] },
  'sync-status': { tenant: true, path: 'sync-status', idField: 'entity_type', sort: ['entity_type', 'updated_at'], updateMethod: 'PUT' },
  jobs: { tenant: true, path: 'jobs', idField: 'name', sort: false, updatable: ['cron', 'timezone', 'enabled', 'settings'] },
  runs: { tenant: true, path: 'runs', sort: false },
  members: { tenant: true, path: 'members', idField: 'user_id', sort: ['email', 'role', 'user_id'], updatable: ['role'] },
  'api-keys': { tenant: true, path: 'api-keys', sort: ['created_at', 'name'] },
  audit: { tenant: true, path: 'audit', sort: false },
  config: { tenant: true, path: 'config', idField: 'key', sort: false, updateMethod: 'PUT', updatable: ['value', 'is_secret'] },
  tenants: { tenant: false, path: 'tenants', sort: ['id', 'name', 'type', 'created_at'], updatable: ['name', 'active'] },
  users: { tenant: false, path: 'users', sort: ['id', 'email', 'created_at'], updatable: ['active', 'super_admin'] },
};

export function specOf(resource: string): ResourceSpec {
  const spec = resources[resource];
  if (!spec) throw new Error(`no such resource in the app: ${resource}`);
  return spec;
}

export function basePath(resource: string): string {
  const spec = specOf(resource);
  return spec.tenant ? `${tenantPath()}/${spec.path}` : `/${spec.path}`;
}

function recordPath(resource: string, id: unknown): string {
  return `${basePath(resource)}/${encodeURIComponent(String(id))}`;
}

// The record with react-admin's `id` set from the field that identifies it. Typed loosely: the
// screens know each resource's shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withId(resource: string, record: Record<string, unknown>): any {
  const field = specOf(resource).idField ?? 'id';
  return { ...record, id: record[field] as RaRecord['id'] };
}

// react-admin's list parameters as the API's query: page from 0, size, sort, and the filters
// (empty values left out; booleans and numbers as text).
export function listQuery(
  resource: string,
  params: {
    pagination?: { page: number; perPage: number };
    sort?: { field: string; order: string };
    filter?: Record<string, unknown>;
  },
): Query {
  const spec = specOf(resource);
  const query: Query = {};
  if (params.pagination) {
    query.page = Math.max(0, params.pagination.page - 1);
    query.size = Math.min(500, Math.max(1, params.pagination.perPage));
  }
  const sort = params.sort;
  if (sort && sort.field && sort.field !== 'id' && spec.sort) {
    const allowed = spec.sort === true || spec.sort.includes(sort.field);
    if (allowed) query.sort = sort.order === 'DESC' ? `-${sort.field}` : sort.field;
  }
  for (const [key, value] of Object.entries(params.filter ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object') continue; // react-admin's internal filters
    query[key] = typeof value === 'boolean' ? String(value) : (value as string | number);
  }
  return query;
}

function pick(data: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) {
    const { id: _id, ...rest } = data;
    return rest;
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in data) out[field] = data[field];
  return out;
}

export const dataProvider: DataProvider = {
  async getList(resource, params) {
    const page = await api<Page<Record<string, unknown>>>(basePath(resource), {
      query: listQuery(resource, params),
      signal: params.signal,
    });
    return { data: page.items.map((item) => withId(resource, item)), total: page.total };
  },
  async getOne(resource, params) {
    const record = await api<Record<string, unknown>>(recordPath(resource, params.id), {
      signal: params.signal,
    });
    return { data: withId(resource, record) };
  },
  async getMany(resource, params) {
    const records = await Promise.all(
      params.ids.map((id) => api<Record<string, unknown>>(recordPath(resource, id))),
    );
    return { data: records.map((record) => withId(resource, record)) };
  },
  async getManyReference(resource, params) {
    const page = await api<Page<Record<string, unknown>>>(basePath(resource), {
      query: listQuery(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } }),
    });
    return { data: page.items.map((item) => withId(resource, item)), total: page.total };
  },
  async create(resource, params) {
    const spec = specOf(resource);
    const record = await api<Record<string, unknown>>(basePath(resource), {
      method: 'POST',
      json: params.data,
    });
    return { data: withId(resource, record ?? { ...params.data, [spec.idField ?? 'id']: undefined }) } ;
  },
  async update(resource, params) {
    const spec = specOf(resource);
    const record = await api<Record<string, unknown>>(recordPath(resource, params.id), {
      method: spec.updateMethod ?? 'PATCH',
      json: pick(params.data as Record<string, unknown>, spec.updatable),
    });
    return { data: withId(resource, record ?? { ...params.previousData, ...params.data }) } ;
  },
  async updateMany(resource, params) {
    for (const id of params.ids) await this.update(resource, { id, data: params.data, previousData: { id } });
    return { data: params.ids };
  },
  async delete(resource, params) {
    await api(recordPath(resource, params.id), { method: 'DELETE' });
    return { data: params.previousData ?? ({ id: params.id } as never) } as never;
  },
  async deleteMany(resource, params) {
    for (const id of params.ids) await api(recordPath(resource, id), { method: 'DELETE' });
    return { data: params.ids };
  },
};
