// Who may do what in the tenant. Admins add a user (by email: users themselves are made by a
// super-admin), change a role, remove a member; the API keeps one admin and its refusal shows.
import { useState, type FormEvent } from 'react';
import {
  Datagrid,
  DeleteWithConfirmButton,
  FunctionField,
  List,
  TextField,
  TopToolbar,
  useDataProvider,
  useNotify,
  useRefresh,
} from 'react-admin';
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Stack,
  TextField as MuiTextField,
} from '@mui/material';
import PersonAddIcon from '@mui/icons-material/PersonAdd';
import { loadSession, type Role } from '../../api/session';
import { useSession } from '../../api/useSession';
import { messageOf } from './common';

interface Member {
  id: number;
  user_id: number;
  email: string;
  role: Role;
}

const ROLES: { value: Role; text: string }[] = [
  { value: 'viewer', text: 'viewer: reads everything' },
  { value: 'editor', text: 'editor: mappings and error records too' },
  { value: 'admin', text: 'admin: the tenant’s settings too' },
];

function AddMemberDialog({ onClose }: { onClose: () => void }) {
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const missing = email.trim() === '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (missing) {
      setFailure('the user’s email is required');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await dataProvider.create('members', { data: { email: email.trim(), role } });
      notify(`${email.trim()} added as ${role}`, { type: 'success' });
      refresh();
      onClose();
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="member-dialog-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="member-dialog-title">Add a member</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <MuiTextField
              label="User’s email"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              autoFocus
              helperText="An existing user; a super-admin creates users under Users"
            />
            <MuiTextField select label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <MenuItem key={r.value} value={r.value}>
                  {r.text}
                </MenuItem>
              ))}
            </MuiTextField>
            {failure && <Alert severity="error">{failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy}>
            Add
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

// A member's role, changed in place (PATCH); a refusal (the last admin) shows the API's message.
function RoleSelect({ member }: { member: Member }) {
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  const { session } = useSession();
  const [busy, setBusy] = useState(false);

  async function change(role: Role) {
    if (role === member.role) return;
    setBusy(true);
    try {
      await dataProvider.update('members', { id: member.user_id, data: { role }, previousData: member });
      notify(`${member.email} is now ${role}`, { type: 'success' });
      if (session?.user.email === member.email) await loadSession();
      refresh();
    } catch (error) {
      notify(messageOf(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <MuiTextField
      select
      size="small"
      variant="standard"
      value={member.role}
      disabled={busy}
      onChange={(e) => void change(e.target.value as Role)}
      slotProps={{ htmlInput: { 'aria-label': `Role of ${member.email}` } }}
      sx={{ minWidth: 130 }}
    >
      {ROLES.map((r) => (
        <MenuItem key={r.value} value={r.value}>
          {r.value}
        </MenuItem>
      ))}
    </MuiTextField>
  );
}

export function MemberList() {
  const { isAdmin } = useSession();
  const notify = useNotify();
  const [adding, setAdding] = useState(false);
  return (
    <>
      <List
        title="Members"
        empty={false}
        sort={{ field: 'email', order: 'ASC' }}
        exporter={false}
        actions={
          isAdmin ? (
            <TopToolbar>
              <Button startIcon={<PersonAddIcon />} onClick={() => setAdding(true)}>
                Add member
              </Button>
            </TopToolbar>
          ) : (
            false
          )
        }
      >
        <Datagrid bulkActionButtons={false} rowClick={false} sx={{ '& td': { verticalAlign: 'middle' } }}>
          <TextField source="email" label="Email" />
          {isAdmin ? (
            <FunctionField<Member> source="role" label="Role" render={(m) => <RoleSelect member={m} />} />
          ) : (
            <TextField source="role" label="Role" />
          )}
          <TextField source="user_id" label="User id" />
          {isAdmin && (
            <FunctionField<Member>
              label="Actions"
              textAlign="right"
              render={(m) => (
                <DeleteWithConfirmButton
                  record={m}
                  resource="members"
                  label="Remove"
                  mutationMode="pessimistic"
                  redirect={false}
                  aria-label={`Remove ${m.email}`}
                  confirmTitle={`Remove ${m.email} from the tenant?`}
                  confirmContent="They lose access to this tenant at once; their user account stays."
                  mutationOptions={{ onSuccess: () => notify(`${m.email} removed`, { type: 'info' }) }}
                />
              )}
            />
          )}
        </Datagrid>
      </List>
      {adding && <AddMemberDialog onClose={() => setAdding(false)} />}
    </>
  );
}
