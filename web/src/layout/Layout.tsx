import type { ReactNode } from 'react';
import { AppBar, Layout as RaLayout, Logout, TitlePortal, UserMenu, MenuItemLink } from 'react-admin';
import KeyIcon from '@mui/icons-material/Key';
import { Menu } from './Menu';
import { TenantSwitcher } from './TenantSwitcher';

function AppUserMenu() {
  return (
    <UserMenu>
      <MenuItemLink to="/password" primaryText="Change password" leftIcon={<KeyIcon />} />
      <Logout />
    </UserMenu>
  );
}

function TopBar() {
  return (
    <AppBar userMenu={<AppUserMenu />}>
      <TitlePortal sx={{ flex: 1, minWidth: 0 }} />
      <TenantSwitcher />
    </AppBar>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <RaLayout appBar={TopBar} menu={Menu}>
      {children}
    </RaLayout>
  );
}
