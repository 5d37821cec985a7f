import { Menu as RaMenu } from 'react-admin';
import LinkIcon from '@mui/icons-material/Link';
import CategoryIcon from '@mui/icons-material/Category';
import UploadIcon from '@mui/icons-material/UploadFile';
import ErrorIcon from '@mui/icons-material/ErrorOutline';
import SyncIcon from '@mui/icons-material/Sync';
import ScheduleIcon from '@mui/icons-material/Schedule';
import HistoryIcon from '@mui/icons-material/History';
import SettingsIcon from '@mui/icons-material/Settings';
import PeopleIcon from '@mui/icons-material/People';
import VpnKeyIcon from '@mui/icons-material/VpnKey';
import RuleIcon from '@mui/icons-material/Rule';
import ArchiveIcon from '@mui/icons-material/Archive';
import ApartmentIcon from '@mui/icons-material/Apartment';
import PersonIcon from '@mui/icons-material/Person';
import FactCheckIcon from '@mui/icons-material/FactCheck';
import { useSession } from '../api/useSession';

// What the caller may open: viewers read, editors manage mappings and error records, admins
// the tenant's settings, super-admins tenants and users.
export function Menu() {
  const { tenant, canEdit, isAdmin, superAdmin } = useSession();
  return (
    <RaMenu>
      <RaMenu.DashboardItem />
      {tenant && (
        <>
          <RaMenu.Item to="/mappings" primaryText="Mappings" leftIcon={<LinkIcon />} />
          <RaMenu.Item to="/mapping-groups" primaryText="Groups and types" leftIcon={<CategoryIcon />} />
          {canEdit && <RaMenu.Item to="/mappings/import" primaryText="Import mappings" leftIcon={<UploadIcon />} />}
          <RaMenu.Item to="/error-records" primaryText="Error records" leftIcon={<ErrorIcon />} />
          <RaMenu.Item to="/sync-status" primaryText="Sync status" leftIcon={<SyncIcon />} />
          <RaMenu.Item to="/jobs" primaryText="Jobs" leftIcon={<ScheduleIcon />} />
          <RaMenu.Item to="/runs" primaryText="Runs" leftIcon={<HistoryIcon />} />
          <RaMenu.Item to="/config" primaryText="Config" leftIcon={<SettingsIcon />} />
          <RaMenu.Item to="/members" primaryText="Members" leftIcon={<PeopleIcon />} />
          {isAdmin && <RaMenu.Item to="/api-keys" primaryText="API keys" leftIcon={<VpnKeyIcon />} />}
          <RaMenu.Item to="/error-types" primaryText="Error types" leftIcon={<RuleIcon />} />
          {isAdmin && <RaMenu.Item to="/bundle" primaryText="Bundle" leftIcon={<ArchiveIcon />} />}
          {isAdmin && <RaMenu.Item to="/audit" primaryText="Audit log" leftIcon={<FactCheckIcon />} />}
        </>
      )}
      {superAdmin && <RaMenu.Item to="/tenants" primaryText="Tenants" leftIcon={<ApartmentIcon />} />}
      {superAdmin && <RaMenu.Item to="/users" primaryText="Users" leftIcon={<PersonIcon />} />}
    </RaMenu>
  );
}
