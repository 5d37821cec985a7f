import { useSyncExternalStore } from 'react';
import {
  canEdit,
  currentRole,
  currentTenant,
  isAdmin,
  onSessionChange,
  session,
  type Role,
  type Session,
  type Tenant,
} from './session';

let version = 0;
onSessionChange(() => {
  version += 1;
});

function subscribe(listener: () => void) {
  return onSessionChange(listener);
}

// The signed-in caller and the open tenant, re-rendering when either changes.
export function useSession(): {
  session: Session | null;
  tenant: Tenant | null;
  role: Role | null;
  canEdit: boolean;
  isAdmin: boolean;
  superAdmin: boolean;
} {
  useSyncExternalStore(subscribe, () => version);
  const role = currentRole();
  const current = session();
  return {
    session: current,
    tenant: currentTenant(),
    role,
    canEdit: canEdit(role),
    isAdmin: isAdmin(role),
    superAdmin: current?.user.super_admin ?? false,
  };
}
