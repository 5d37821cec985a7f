import { useState, type FormEvent } from 'react';
import {
  BooleanField,
  BooleanInput,
  Create,
  CreateButton,
  DataTable,
  DateField,
  List,
  PasswordInput,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  email as isEmail,
  required,
  useDataProvider,
  useGetOne,
  useNotify,
  useRecordContext,
  useRedirect,
  useRefresh,
} from 'react-admin';
import BlockIcon from '@mui/icons-material/Block';
import CheckCircleIcon from '@mui/icons-material/CheckCircleOutline';
import LockResetIcon from '@mui/icons-material/LockReset';
import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField as MuiTextField,
  Typography,
} from '@mui/material';
import { api } from '../../api/http';
import { type User } from '../../api/session';
import { useSession } from '../../api/useSession';
import { ConfirmButton, ExpandButton, NotAllowed, errorMessage, fieldErrors } from './common';

function superAdminOnly(superAdmin: boolean) {
  return superAdmin ? null : <NotAllowed>Only a super-admin manages users.</NotAllowed>;
}

// Deactivating ends every session of the user at once; they cannot sign in until activated.
function ActiveToggle() {
  const user = useRecordContext<User>();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!user) return null;
  const deactivate = user.active;
  return (
    <ConfirmButton
      label={deactivate ? 'Deactivate' : 'Activate'}
      startIcon={deactivate ? <BlockIcon /> : <CheckCircleIcon />}
      color={deactivate ? 'warning' : 'primary'}
      title={`${deactivate ? 'Deactivate' : 'Activate'} ${user.email}?`}
      content={
        deactivate
          ? `Every session of ${user.email} ends at once, and they cannot sign in until activated again. Their tenant memberships stay.`
          : `${user.email} can sign in again, with the tenants and roles they had.`
      }
      confirm={deactivate ? 'Deactivate' : 'Activate'}
      action={async () => {
        const { data } = await dataProvider.update('users', {
          id: user.id,
          data: { active: !user.active },
          previousData: user,
        });
        const ended = (data as { sessions_ended?: number }).sessions_ended ?? 0;
        notify(
          deactivate ? `${user.email} deactivated; ${ended} session${ended === 1 ? '' : 's'} ended` : `${user.email} activated`,
          { type: 'success' },
        );
        refresh();
      }}
    />
  );
}

// Grants or revokes super-admin (the API refuses one's own revocation, naming why).
function SuperAdminToggle() {
  const user = useRecordContext<User>();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!user) return null;
  const revoke = user.super_admin;
  return (
    <ConfirmButton
      label={revoke ? 'Revoke super-admin' : 'Make super-admin'}
      startIcon={<AdminPanelSettingsIcon />}
      color={revoke ? 'warning' : 'primary'}
      title={`${revoke ? 'Revoke super-admin from' : 'Make super-admin:'} ${user.email}?`}
      content={
        revoke
          ? `${user.email} keeps the tenants they are a member of, with their roles there, and no more.`
          : `${user.email} may then create tenants and users and act as admin in every tenant.`
      }
      confirm={revoke ? 'Revoke' : 'Make super-admin'}
      action={async () => {
        await dataProvider.update('users', { id: user.id, data: { super_admin: !revoke }, previousData: user });
        notify(`${user.email} ${revoke ? 'is no longer a super-admin' : 'is now a super-admin'}`, { type: 'success' });
        refresh();
      }}
    />
  );
}

// An administrator's reset: a new password for a user who lost theirs; all their sessions end.
function ResetPasswordButton() {
  const user = useRecordContext<User>();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!user) return null;
  const close = () => {
    setOpen(false);
    setPassword('');
    setError(null);
  };
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ sessions_ended: number }>(`/users/${user!.id}/password`, {
        method: 'POST',
        json: { password },
      });
      const ended = answer?.sessions_ended ?? 0;
      notify(`Password of ${user!.email} set; ${ended} session${ended === 1 ? '' : 's'} ended`, { type: 'success' });
      close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const titleId = `reset-${user.id}-title`;
  return (
    <>
      <Button
        size="small"
        startIcon={<LockResetIcon />}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        Reset password
      </Button>
      <Dialog open={open} onClose={close} aria-labelledby={titleId} onClick={(e) => e.stopPropagation()}>
        <form onSubmit={submit}>
          <DialogTitle id={titleId}>Reset the password of {user.email}</DialogTitle>
          <DialogContent>
            <DialogContentText>
              Every session of {user.email} ends; give them the new password another way. At least 12
              characters; a few unrelated words make a good one.
            </DialogContentText>
            <MuiTextField
              label="New password"
              type="password"
              autoComplete="new-password"
              fullWidth
              margin="normal"
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={error !== null}
              helperText={error ?? ' '}
            />
            {error && (
              <Alert severity="error" role="alert">
                {error}
              </Alert>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={busy || !password}>
              Set password
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

interface Membership {
  tenant_id: number;
  tenant_name: string;
  role: string;
}

// A user's detail: the tenants they belong to and their role in each (GET /users/{id}), and
// the rarer actions (a password reset, super-admin granted or revoked).
function UserDetail() {
  const user = useRecordContext<User>();
  const { data, isPending, error } = useGetOne<User & { id: number; memberships: Membership[] }>(
    'users',
    { id: user?.id },
    { enabled: !!user },
  );
  if (!user) return null;
  const memberships = data?.memberships ?? [];
  return (
    <Box component="section" aria-label={`Details of ${user.email}`} sx={{ py: 1 }}>
      <Typography variant="subtitle2" component="h3">
        Tenants
      </Typography>
      {isPending ? (
        <Typography variant="body2">Loading…</Typography>
      ) : error ? (
        <Alert severity="error">{errorMessage(error)}</Alert>
      ) : memberships.length === 0 ? (
        <Typography variant="body2">
          {user.super_admin ? 'None as a member; a super-admin is admin in every tenant.' : 'None yet: add them under Members of a tenant.'}
        </Typography>
      ) : (
        <ul style={{ margin: 0 }}>
          {memberships.map((m) => (
            <li key={m.tenant_id}>
              {m.tenant_name}: {m.role}
            </li>
          ))}
        </ul>
      )}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mt: 1 }}>
        <ResetPasswordButton />
        <SuperAdminToggle />
      </Box>
    </Box>
  );
}

export function UserList() {
  const { superAdmin } = useSession();
  return (
    superAdminOnly(superAdmin) ?? (
      <List
        title="Users"
        sort={{ field: 'email', order: 'ASC' }}
        perPage={25}
        actions={
          <TopToolbar>
            <CreateButton label="New user" />
          </TopToolbar>
        }
      >
        <DataTable bulkActionButtons={false} rowClick={false} expand={<UserDetail />}>
          <DataTable.Col source="email" label="Email" field={TextField} />
          <DataTable.Col source="super_admin" label="Super-admin" field={BooleanField} disableSort />
          <DataTable.Col source="active" label="Active" field={BooleanField} disableSort />
          <DataTable.Col source="created_at" label="Created">
            <DateField source="created_at" showTime />
          </DataTable.Col>
          <DataTable.Col label="Actions" disableSort>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              <ActiveToggle />
              <ExpandButton show="Details" hide="Hide details" />
            </Box>
          </DataTable.Col>
        </DataTable>
      </List>
    )
  );
}

export function UserCreate() {
  const { superAdmin } = useSession();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const redirect = useRedirect();
  async function submit(values: Record<string, unknown>) {
    try {
      const { data } = await dataProvider.create('users', {
        data: { email: values.email, password: values.password, super_admin: !!values.super_admin },
      });
      notify(`User ${data.email} created; make them a member of a tenant under Members`, { type: 'success' });
      redirect('list', 'users');
      return undefined;
    } catch (error) {
      notify(errorMessage(error), { type: 'error', messageArgs: { _: errorMessage(error) } });
      return fieldErrors(error);
    }
  }
  return (
    superAdminOnly(superAdmin) ?? (
      <Create title="New user" redirect={false}>
        <SimpleForm onSubmit={submit} defaultValues={{ super_admin: false }}>
          <TextInput source="email" label="Email" type="email" validate={[required(), isEmail()]} autoFocus />
          <PasswordInput
            source="password"
            label="Password"
            validate={required()}
            autoComplete="new-password"
            helperText="At least 12 characters; a few unrelated words make a good one."
          />
          <BooleanInput
            source="super_admin"
            label="Super-admin (creates tenants and users, admin in every tenant)"
          />
        </SimpleForm>
      </Create>
    )
  );
}
