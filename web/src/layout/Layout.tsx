import type { ReactNode } from 'react';
import { AppBar, Layout as RaLayout, Logout, TitlePortal, UserMenu, MenuItemLink, useUserMenu } from 'react-admin';
import KeyIcon from '@mui/icons-material/Key';
import { Menu } from './Menu';
import { TenantSwitcher } from './TenantSwitcher';

// Closes the user menu as it opens the page (a link alone leaves the menu over the page).
function PasswordItem() {
  const menu = useUserMenu();
  return (
    <MenuItemLink to="/password" primaryText="Change password" leftIcon={<KeyIcon />} onClick={() => menu?.onClose()} />
  );
}

function AppUserMenu() {
  return (
    <UserMenu>
      <PasswordItem />
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
