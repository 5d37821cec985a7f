// Who is signed in, the tenants they may open, and which one the screens show.
import { api, setCsrfToken, type Page } from './http';

export type Role = 'viewer' | 'editor' | 'admin';

export interface User {
  id: number;
  email: string;
  super_admin: boolean;
  active: boolean;
  created_at: string;
}

export interface Tenant {
  id: number;
  name: string;
  type: string;
  active: boolean;
  role: Role; // the caller's role there (a super-admin is admin everywhere)
  uuid: string;
}

export interface Session {
  user: User;
  tenants: Tenant[];
}

let current: Session | null = null;
let tenantId: number | null = null;
const listeners = new Set<() => void>();

// Which tenant was open last; an id, not a secret.
const TENANT_KEY = 'avni-integrator.tenant';

export function session(): Session | null {
  return current;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener();
}

// Reads the caller and their tenants; the CSRF token comes back with /me after a reload.
export async function loadSession(): Promise<Session> {
  const me = await api<{ user: User; csrf_token?: string }>('/me');
  if (me.csrf_token) setCsrfToken(me.csrf_token);
  const tenants = await api<Page<Tenant>>('/tenants', { query: { size: 500, sort: 'name' } });
  current = { user: me.user, tenants: tenants.items };
  const stored = Number(window.localStorage.getItem(TENANT_KEY));
  const keep = current.tenants.find((t) => t.id === (tenantId ?? stored));
  tenantId = keep ? keep.id : (current.tenants[0]?.id ?? null);
  notify();
  return current;
}

export function clearSession(): void {
  current = null;
  setCsrfToken(null);
  notify();
}

export function currentTenantId(): number | null {
  return tenantId;
}

export function currentTenant(): Tenant | null {
  return current?.tenants.find((t) => t.id === tenantId) ?? null;
}

export function selectTenant(id: number): void {
  tenantId = id;
  window.localStorage.setItem(TENANT_KEY, String(id));
  notify();
}

// The caller's role in the open tenant (null: no tenant open).
export function currentRole(): Role | null {
  return currentTenant()?.role ?? null;
}

export function canEdit(role: Role | null): boolean {
  return role === 'editor' || role === 'admin';
}

export function isAdmin(role: Role | null): boolean {
  return role === 'admin';
}

// `/tenants/{id}` of the open tenant, for the tenant's resources.
export function tenantPath(): string {
  if (tenantId === null) throw new Error('no tenant is open: pick one in the tenant switcher');
  return `/tenants/${tenantId}`;
}
