// The tenant's config, one row per key. Secrets are write-only: the API answers "***" for
// them, shown here as "set"; an admin replaces one through a password field. Admins add,
// change and delete keys; viewers and editors read.
import { useState, type FormEvent } from 'react';
import {
  Datagrid,
  DateField,
  DeleteWithConfirmButton,
  FunctionField,
  List,
  TextField,
  TopToolbar,
  useDataProvider,
  useListContext,
  useNotify,
  useRefresh,
} from 'react-admin';
import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControlLabel,
  Stack,
  Switch,
  TextField as MuiTextField,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import EditIcon from '@mui/icons-material/Edit';
import LockIcon from '@mui/icons-material/Lock';
import LockResetIcon from '@mui/icons-material/LockReset';
import { useSession } from '../../api/useSession';
import { checkKey, checkValue, configValueView, nameSaysSecret, putBody, type ConfigEntry } from './config';
import { messageOf } from './common';

export function ConfigValue({ entry }: { entry: Pick<ConfigEntry, 'value' | 'is_secret'> }) {
  const view = configValueView(entry);
  if (view.kind === 'secret') {
    return (
      <Chip
        size="small"
        icon={<LockIcon />}
        label={view.text}
        color={view.set ? 'success' : 'default'}
        variant="outlined"
      />
    );
  }
  return (
    <Typography
      component="span"
      variant="body2"
      sx={{ fontFamily: 'monospace', wordBreak: 'break-all', color: view.empty ? 'text.secondary' : undefined }}
    >
      {view.text}
    </Typography>
  );
}

type Mode = { kind: 'add' } | { kind: 'edit'; entry: ConfigEntry } | { kind: 'replace'; entry: ConfigEntry };

// Add a key, change a plain value, or replace a secret: each one `PUT /config/{key}`.
function ConfigDialog({ mode, onClose }: { mode: Mode; onClose: () => void }) {
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data } = useListContext<ConfigEntry & { id: string }>();
  const entry = mode.kind === 'add' ? undefined : mode.entry;
  const [key, setKey] = useState(entry?.key ?? '');
  const [value, setValue] = useState(mode.kind === 'edit' ? mode.entry.value : '');
  const [secret, setSecret] = useState(mode.kind === 'replace');
  const [touched, setTouched] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const forced = nameSaysSecret(key);
  const isSecret = secret || forced;
  const keyProblem = mode.kind === 'add' ? checkKey(key, (data ?? []).map((e) => e.key)) : undefined;
  const valueProblem = checkValue(value);
  const title =
    mode.kind === 'add' ? 'Add a config key' : mode.kind === 'edit' ? `Change ${mode.entry.key}` : `Replace secret ${mode.entry.key}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (keyProblem || valueProblem) return;
    setBusy(true);
    setFailure(null);
    try {
      await dataProvider.update('config', {
        id: key,
        data: putBody(value, isSecret, key),
        previousData: (entry ?? { key }) as never,
      });
      notify(
        mode.kind === 'add' ? `${key} added` : mode.kind === 'replace' ? `secret ${key} replaced` : `${key} changed`,
        { type: 'success' },
      );
      refresh();
      onClose();
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="config-dialog-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="config-dialog-title">{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {mode.kind === 'replace' && (
              <DialogContentText>
                The stored value is never shown. What you type replaces it; nobody can read it back.
              </DialogContentText>
            )}
            {mode.kind === 'add' && (
              <MuiTextField
                label="Key"
                value={key}
                onChange={(e) => setKey(e.target.value)}
                required
                autoFocus
                error={touched && !!keyProblem}
                helperText={(touched && keyProblem) || 'e.g. avni_api_url; a key naming password, secret or token is always secret'}
                slotProps={{ htmlInput: { spellCheck: false } }}
              />
            )}
            <MuiTextField
              label={mode.kind === 'replace' ? 'New value' : 'Value'}
              type={isSecret ? 'password' : 'text'}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              autoFocus={mode.kind !== 'add'}
              autoComplete={isSecret ? 'new-password' : 'off'}
              multiline={!isSecret && mode.kind === 'edit' && value.length > 80}
              error={touched && !!valueProblem}
              helperText={touched && valueProblem}
              slotProps={{ htmlInput: { spellCheck: false } }}
            />
            {mode.kind !== 'replace' && (
              <FormControlLabel
                control={<Switch checked={isSecret} disabled={forced} onChange={(e) => setSecret(e.target.checked)} />}
                label={forced ? 'Secret (its name says so)' : 'Secret: write-only, never shown again'}
              />
            )}
            {failure && <Alert severity="error">{failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy}>
            {mode.kind === 'add' ? 'Add' : mode.kind === 'replace' ? 'Replace' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function RowActions({ entry, onOpen }: { entry: ConfigEntry; onOpen: (mode: Mode) => void }) {
  const notify = useNotify();
  return (
    <Box sx={{ display: 'flex', gap: 1, justifyContent: 'flex-end', whiteSpace: 'nowrap' }}>
      {entry.is_secret ? (
        <Button
          size="small"
          startIcon={<LockResetIcon />}
          aria-label={`Replace ${entry.key}`}
          onClick={() => onOpen({ kind: 'replace', entry })}
        >
          Replace
        </Button>
      ) : (
        <Button size="small" startIcon={<EditIcon />} aria-label={`Change ${entry.key}`} onClick={() => onOpen({ kind: 'edit', entry })}>
          Change
        </Button>
      )}
      <DeleteWithConfirmButton
        record={{ ...entry, id: entry.key }}
        resource="config"
        mutationMode="pessimistic"
        redirect={false}
        aria-label={`Delete ${entry.key}`}
        confirmTitle={`Delete config key ${entry.key}?`}
        confirmContent={
          entry.is_secret
            ? 'The secret is removed for good; the integration no longer has it.'
            : 'The integration no longer sees this value.'
        }
        mutationOptions={{ onSuccess: () => notify(`${entry.key} deleted`, { type: 'info' }) }}
      />
    </Box>
  );
}

function ConfigBody() {
  const { isAdmin } = useSession();
  const [mode, setMode] = useState<Mode | null>(null);
  return (
    <>
      {isAdmin && (
        <TopToolbar sx={{ px: 2 }}>
          <Button startIcon={<AddIcon />} onClick={() => setMode({ kind: 'add' })}>
            Add key
          </Button>
        </TopToolbar>
      )}
      <Datagrid bulkActionButtons={false} rowClick={false} sx={{ '& td': { verticalAlign: 'middle' } }}>
        <TextField source="key" label="Key" sortable={false} sx={{ fontFamily: 'monospace' }} />
        <FunctionField<ConfigEntry> label="Value" sortable={false} render={(r) => <ConfigValue entry={r} />} />
        <FunctionField<ConfigEntry> label="Secret" sortable={false} render={(r) => (r.is_secret ? 'yes' : 'no')} />
        <DateField
          source="updated_at"
          label="Updated"
          showTime
          options={{ dateStyle: 'short', timeStyle: 'short' }}
          sortable={false}
          sx={{ whiteSpace: 'nowrap' }}
        />
        {isAdmin && (
          <FunctionField<ConfigEntry>
            label="Actions"
            textAlign="right"
            render={(r) => <RowActions entry={r} onOpen={setMode} />}
          />
        )}
      </Datagrid>
      {mode && <ConfigDialog mode={mode} onClose={() => setMode(null)} />}
    </>
  );
}

export function ConfigList() {
  return (
    <List title="Config" empty={false} pagination={false} perPage={500} actions={false} exporter={false} disableSyncWithLocation>
      <ConfigBody />
    </List>
  );
}
