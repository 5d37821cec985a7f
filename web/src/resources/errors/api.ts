// The error and sync screens' calls beyond react-admin's generic ones.
import { useQuery } from '@tanstack/react-query';
import type { DataProvider } from 'react-admin';
import { api, type Page } from '../../api/http';
import { currentTenantId, tenantPath } from '../../api/session';
import { dataProvider } from '../../dataProvider';
import { actionBody, listFilterQuery, type ActionTarget, type ErrorAction } from './filters';

export interface ErrorRecord {
  id: number;
  entity_type: string;
  entity_id: string;
  error_type: { id: number | null; name: string; follow_up_step: string };
  processing_disabled: boolean;
  attempts: number;
  occurrences: number;
  first_seen_at: string;
  last_seen_at: string;
  next_attempt_at: string | null;
  message: string;
  body?: string; // editors and admins only
  log?: {
    message: string;
    count: number;
    first_logged_at: string;
    logged_at: string;
    error_type: string;
    body?: string;
  }[];
}

export interface ErrorSummary {
  total: number;
  disabled: number;
  by_type: { error_type: string; follow_up_step: string; count: number }[];
}

export interface ErrorType {
  id: number;
  name: string;
  follow_up_step: string;
  priority: number;
}

// The tenant's error types (for the filter's choices).
export function useErrorTypes() {
  const tenant = currentTenantId();
  return useQuery({
    queryKey: ['avni', 'error-types', tenant],
    queryFn: ({ signal }) => api<{ error_types: ErrorType[] }>(`${tenantPath()}/error-types`, { signal }),
    enabled: tenant !== null,
    staleTime: 60_000,
  });
}

// Counts of the tenant's error records by type (a 404 from a server that does not have it yet is
// the caller's to show).
export function useErrorSummary() {
  const tenant = currentTenantId();
  return useQuery({
    queryKey: ['avni', 'error-records-summary', tenant],
    queryFn: ({ signal }) => api<ErrorSummary>(`${tenantPath()}/error-records/summary`, { signal }),
    enabled: tenant !== null,
    retry: false,
  });
}

// How many error records the tenant has, whatever the filter.
export async function tenantRecordCount(): Promise<number> {
  const page = await api<Page<unknown>>(`${tenantPath()}/error-records`, { query: { size: 1 } });
  return page.total;
}

export async function runAction(action: ErrorAction, target: ActionTarget): Promise<number> {
  const answer = await api<{ action: string; affected: number }>(`${tenantPath()}/error-records/actions`, {
    method: 'POST',
    json: actionBody(action, target),
  });
  return answer.affected;
}

// The generic data provider, but the error records' list filters go through listFilterQuery
// (an inclusive day range in the browser's time zone, trimmed text) rather than as typed.
export const errorsDataProvider: DataProvider = {
  ...dataProvider,
  getList(resource, params) {
    if (resource !== 'error-records') return dataProvider.getList(resource, params);
    const { filter, ...rest } = params;
    return dataProvider.getList(resource, { ...rest, filter: listFilterQuery(filter) });
  },
};
