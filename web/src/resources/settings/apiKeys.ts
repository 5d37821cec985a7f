// The API-keys screen's logic: a key's state, and the roles a caller may hand out.
import type { Role } from '../../api/session';

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  created_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function keyState(key: Pick<ApiKey, 'revoked_at'>): 'active' | 'revoked' {
  return key.revoked_at ? 'revoked' : 'active';
}

const ORDER: Role[] = ['viewer', 'editor', 'admin'];

// Nobody hands out more than they hold: the roles up to the caller's own.
export function rolesUpTo(role: Role | null): Role[] {
  if (!role) return [];
  return ORDER.slice(0, ORDER.indexOf(role) + 1);
}

export function checkKeyName(name: string): string | undefined {
  if (name.trim() === '') return 'a name is required (say what the key is for)';
  if ([...name].length > 200) return 'a name may have at most 200 characters';
  return undefined;
}
