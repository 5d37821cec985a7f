import { MenuItem, TextField } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { selectTenant } from '../api/session';
import { useSession } from '../api/useSession';

// The tenants the caller may open (only theirs: the API lists no other); picking one reloads
// every screen's data for it.
export function TenantSwitcher() {
  const { session, tenant } = useSession();
  const queryClient = useQueryClient();
  if (!session) return null;
  if (session.tenants.length === 0) {
    return <span style={{ marginRight: 8 }}>no tenant yet</span>;
  }
  return (
    <TextField
      select
      size="small"
      label="Tenant"
      value={tenant?.id ?? ''}
      onChange={(event) => {
        selectTenant(Number(event.target.value));
        void queryClient.resetQueries();
      }}
      sx={{
        flex: '0 0 auto',
        width: { xs: 160, sm: 260 },
        mr: 1,
        '& .MuiInputBase-root': { color: 'inherit', bgcolor: 'rgba(255,255,255,0.12)' },
        '& .MuiInputLabel-root': { color: 'inherit' },
        '& .MuiSvgIcon-root': { color: 'inherit' },
      }}
      slotProps={{ htmlInput: { 'aria-label': 'Tenant' } }}
    >
      {session.tenants.map((t) => (
        <MenuItem key={t.id} value={t.id}>
          {t.name} ({t.role})
        </MenuItem>
      ))}
    </TextField>
  );
}
