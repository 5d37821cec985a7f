import type { ReactElement } from 'react';
import { Resource } from 'react-admin';
import { TenantCreate, TenantEdit, TenantList } from './Tenants';
import { UserCreate, UserList } from './Users';
import { AuditList } from './Audit';

// The super-admins' screens (tenants, users) and the tenant admins' audit log, registered by App.
export const adminResources: ReactElement[] = [
  <Resource key="tenants" name="tenants" list={TenantList} create={TenantCreate} edit={TenantEdit} />,
  <Resource key="users" name="users" list={UserList} create={UserCreate} />,
  <Resource key="audit" name="audit" list={AuditList} />,
];
export const adminRoutes: ReactElement[] = [];
