// The tenant's API keys (admins only): list, create (the key shown once, with a copy button),
// revoke (final).
import { useState, type FormEvent } from 'react';
import {
  Confirm,
  Datagrid,
  DateField,
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
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  InputAdornment,
  MenuItem,
  Stack,
  TextField as MuiTextField,
  Tooltip,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import BlockIcon from '@mui/icons-material/Block';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import type { Role } from '../../api/session';
import { useSession } from '../../api/useSession';
import { checkKeyName, keyState, rolesUpTo, type ApiKey } from './apiKeys';
import { AdminOnly, messageOf } from './common';

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (made: { name: string; key: string }) => void }) {
  const dataProvider = useDataProvider();
  const refresh = useRefresh();
  const { role: myRole } = useSession();
  const roles = rolesUpTo(myRole);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [touched, setTouched] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = checkKeyName(name);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    setBusy(true);
    setFailure(null);
    try {
      const { data } = await dataProvider.create('api-keys', { data: { name: name.trim(), role } });
      refresh();
      onCreated({ name: data.name, key: data.key });
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="key-dialog-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="key-dialog-title">Create an API key</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <MuiTextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              autoFocus
              error={touched && !!problem}
              helperText={(touched && problem) || 'What uses it, e.g. “nightly export”'}
            />
            <MuiTextField
              select
              label="Role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              helperText="What the key may do in this tenant (at most your own role)"
            >
              {roles.map((r) => (
                <MenuItem key={r} value={r}>
                  {r}
                </MenuItem>
              ))}
            </MuiTextField>
            {failure && <Alert severity="error">{failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy}>
            Create
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

// The new key, shown this once: the service keeps only its hash.
function KeyOnceDialog({ made, onClose }: { made: { name: string; key: string }; onClose: () => void }) {
  const notify = useNotify();
  async function copy() {
    try {
      await navigator.clipboard.writeText(made.key);
      notify('The key is copied', { type: 'info' });
    } catch {
      notify('The browser did not allow copying: select the key and copy it yourself', { type: 'warning' });
    }
  }
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="key-once-title">
      <DialogTitle id="key-once-title">API key “{made.name}” created</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Alert severity="warning">
            Copy the key now: it will not be shown again. The service keeps only a hash of it; if it is lost, revoke it
            and create another.
          </Alert>
          <MuiTextField
            label="API key"
            value={made.key}
            fullWidth
            onFocus={(e) => e.target.select()}
            slotProps={{
              htmlInput: { readOnly: true, spellCheck: false, style: { fontFamily: 'monospace' } },
              input: {
                endAdornment: (
                  <InputAdornment position="end">
                    <Tooltip title="Copy the key">
                      <IconButton aria-label="Copy the key" onClick={() => void copy()} edge="end">
                        <ContentCopyIcon />
                      </IconButton>
                    </Tooltip>
                  </InputAdornment>
                ),
              },
            }}
          />
          <Alert severity="info" variant="outlined">
            Programs send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </Alert>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose}>
          I have copied it, close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKey }) {
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  async function revoke() {
    setBusy(true);
    try {
      await dataProvider.delete('api-keys', { id: apiKey.id, previousData: { ...apiKey } });
      notify(`Key ${apiKey.name} revoked`, { type: 'success' });
      refresh();
    } catch (error) {
      notify(messageOf(error), { type: 'error' });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  }
  return (
    <>
      <Button size="small" color="error" startIcon={<BlockIcon />} aria-label={`Revoke ${apiKey.name}`} onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <Confirm
        isOpen={open}
        loading={busy}
        title={`Revoke the API key ${apiKey.name}?`}
        content="Every program using it is refused at once. Revoking cannot be undone."
        confirm="Revoke"
        confirmColor="warning"
        onConfirm={() => void revoke()}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

export function ApiKeyList() {
  const { isAdmin } = useSession();
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<{ name: string; key: string } | null>(null);
  if (!isAdmin) return <AdminOnly title="API keys" what="API keys" />;
  return (
    <>
      <List
        title="API keys"
        empty={false}
        sort={{ field: 'created_at', order: 'DESC' }}
        exporter={false}
        actions={
          <TopToolbar>
            <Button startIcon={<AddIcon />} onClick={() => setCreating(true)}>
              Create key
            </Button>
          </TopToolbar>
        }
      >
        <Datagrid bulkActionButtons={false} rowClick={false} sx={{ '& td': { verticalAlign: 'middle' } }}>
          <TextField source="name" label="Name" />
          <TextField source="prefix" label="Starts with" sortable={false} sx={{ fontFamily: 'monospace' }} />
          <TextField source="role" label="Role" sortable={false} />
          <DateField source="created_at" label="Created" showTime options={{ dateStyle: 'short', timeStyle: 'short' }} />
          <DateField
            source="last_used_at"
            label="Last used"
            showTime
            options={{ dateStyle: 'short', timeStyle: 'short' }}
            emptyText="never"
            sortable={false}
          />
          <FunctionField<ApiKey>
            label="State"
            sortable={false}
            render={(k) =>
              keyState(k) === 'revoked' ? (
                <Chip size="small" label={`revoked ${new Date(k.revoked_at as string).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}`} />
              ) : (
                <Chip size="small" color="success" variant="outlined" label="active" />
              )
            }
          />
          <FunctionField<ApiKey>
            label="Actions"
            textAlign="right"
            render={(k) => (keyState(k) === 'active' ? <RevokeButton apiKey={k} /> : null)}
          />
        </Datagrid>
      </List>
      {creating && (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(m) => {
            setCreating(false);
            setMade(m);
          }}
        />
      )}
      {made && <KeyOnceDialog made={made} onClose={() => setMade(null)} />}
    </>
  );
}
