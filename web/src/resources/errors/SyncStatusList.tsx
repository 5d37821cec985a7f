// Sync status: per entity type, how far its source has been read (the cursor), how far behind
// now that is, whether its flow runs. Admins set a cursor or rewind it to the start, each behind
// a confirmation; the API refuses both (409) while the flow runs, and its message is shown.
import { useEffect, useState } from 'react';
import { Button, Confirm, DataTable, List, useNotify, useRefresh } from 'react-admin';
import {
  Alert,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Button as MuiButton,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import EditIcon from '@mui/icons-material/Edit';
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import { api } from '../../api/http';
import { tenantPath } from '../../api/session';
import { useSession } from '../../api/useSession';
import { tableSx } from './ErrorList';
import { cursorBody, cursorText, formatLag, formatTime, type CursorForm, type SyncStatus } from './format';

const Col = DataTable.Col<SyncStatus & { id: string }>;

// Now, moving every 30 seconds, for the lag.
function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

function statusPath(entityType: string): string {
  return `${tenantPath()}/sync-status/${encodeURIComponent(entityType)}`;
}

function formOf(s: SyncStatus): Record<keyof CursorForm, string> {
  return {
    read_upto_time: s.read_upto_time ?? '',
    read_upto_id: s.read_upto_id ?? '',
    read_upto_numeric: s.read_upto_numeric === null ? '' : String(s.read_upto_numeric),
    read_upto_marker: s.read_upto_marker ?? '',
  };
}

const FIELDS: { key: keyof CursorForm; label: string; help: string }[] = [
  { key: 'read_upto_time', label: 'Read up to time', help: 'ISO 8601, such as 2026-12-01T00:00:00Z' },
  { key: 'read_upto_id', label: 'Read up to id', help: 'Breaks ties among records of that time (needs the time)' },
  { key: 'read_upto_numeric', label: 'Read up to number', help: 'For sources read by a number' },
  { key: 'read_upto_marker', label: 'Read up to marker', help: 'For sources read by a marker' },
];

export function SetCursorButton({ status }: { status: SyncStatus }) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(() => formOf(status));
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const entity = status.entity_type;
  const built = cursorBody(form);

  const start = () => {
    setForm(formOf(status));
    setProblem(null);
    setOpen(true);
  };
  const review = (event: React.FormEvent) => {
    event.preventDefault();
    if ('error' in built) {
      setProblem(built.error);
      return;
    }
    setProblem(null);
    setConfirming(true);
  };
  const save = async () => {
    if (!('body' in built)) return;
    setBusy(true);
    try {
      await api(statusPath(entity), { method: 'PUT', json: built.body });
      notify(`The ${entity} cursor is set; its next run reads from there.`, { type: 'success' });
      setConfirming(false);
      setOpen(false);
      refresh();
    } catch (error) {
      setConfirming(false);
      setProblem((error as Error).message);
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button label="Set cursor" onClick={start} aria-label={`Set the ${entity} cursor`}>
        <EditIcon />
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={`set-${entity}-title`} fullWidth maxWidth="sm">
        <form onSubmit={review} noValidate>
          <DialogTitle id={`set-${entity}-title`}>Set the {entity} cursor</DialogTitle>
          <DialogContent>
            <Typography variant="body2" sx={{ mb: 2 }}>
              The next run of the {entity} flow reads the records after this point: records after it are read again,
              those before it are skipped. Fields left empty are cleared.
            </Typography>
            <Stack spacing={2}>
              {FIELDS.map((f) => (
                <TextField
                  key={f.key}
                  label={f.label}
                  helperText={f.help}
                  value={form[f.key]}
                  onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
                  size="small"
                  fullWidth
                  slotProps={{ htmlInput: { inputMode: f.key === 'read_upto_numeric' ? 'numeric' : 'text' } }}
                />
              ))}
              {problem && (
                <Alert severity="error" role="alert">
                  {problem}
                </Alert>
              )}
            </Stack>
          </DialogContent>
          <DialogActions>
            <MuiButton onClick={() => setOpen(false)}>Cancel</MuiButton>
            <MuiButton type="submit" variant="contained">
              Set cursor
            </MuiButton>
          </DialogActions>
        </form>
      </Dialog>
      <Confirm
        isOpen={confirming}
        loading={busy}
        title={`Set the ${entity} cursor?`}
        content={`The ${entity} flow will read from ${'body' in built ? cursorText({ read_upto_time: null, read_upto_id: '', read_upto_numeric: null, read_upto_marker: null, ...built.body }) : ''}: records after it are read again (and written again to the other system), records before it are skipped.`}
        confirm="Set cursor"
        confirmColor="warning"
        onConfirm={() => void save()}
        onClose={() => setConfirming(false)}
      />
    </>
  );
}

export function RewindButton({ status }: { status: SyncStatus }) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const entity = status.entity_type;
  const rewind = async () => {
    setBusy(true);
    try {
      await api(statusPath(entity), { method: 'DELETE' });
      notify(`The ${entity} cursor is removed; its next run reads from the start.`, { type: 'success' });
      setOpen(false);
      refresh();
    } catch (error) {
      setOpen(false);
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button label="Rewind to start" onClick={() => setOpen(true)} aria-label={`Rewind the ${entity} cursor to the start`} color="warning">
        <RestartAltIcon />
      </Button>
      <Confirm
        isOpen={open}
        loading={busy}
        title={`Rewind ${entity} to the start?`}
        content={`The ${entity} cursor is removed: the next run of its flow reads every ${entity} record from the beginning again, and writes each of them again to the other system.`}
        confirm="Rewind"
        confirmColor="warning"
        onConfirm={() => void rewind()}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

export function SyncStatusList() {
  const { isAdmin } = useSession();
  const now = useNow();
  return (
    <List
      resource="sync-status"
      title="Sync status"
      sort={{ field: 'entity_type', order: 'ASC' }}
      perPage={500}
      pagination={false}
      actions={false}
      empty={false}
    >
      <DataTable
        bulkActionButtons={false}
        rowClick={false}
        sx={tableSx}
        empty={
          <Typography sx={{ p: 3 }}>No source has been read yet: a flow writes its cursor after its first run.</Typography>
        }
      >
        <Col source="entity_type" label="Entity type" />
        <Col label="Cursor" disableSort render={(s) => (
            <Typography variant="body2" component="span" sx={{ display: 'block', minWidth: 200, maxWidth: { xs: 280, lg: 440 }, wordBreak: 'break-all' }}>
              {cursorText(s)}
            </Typography>
          )} />
        <Col label="Lag" disableSort render={(s) => <span style={{ whiteSpace: 'nowrap' }}>{formatLag(s.read_upto_time, now)}</span>} />
        <Col
          source="running"
          label="Flow"
          disableSort
          render={(s) =>
            s.running ? <Chip size="small" color="success" label="Running" /> : <Chip size="small" label="Idle" variant="outlined" />
          }
        />
        <Col source="updated_at" label="Updated" render={(s) => formatTime(s.updated_at)} />
        {isAdmin && (
          <Col
            label="Actions"
            disableSort
            render={(s) => (
              <Stack direction={{ xs: 'column', lg: 'row' }} spacing={1} sx={{ whiteSpace: 'nowrap', alignItems: 'flex-start' }}>
                <SetCursorButton status={s} />
                <RewindButton status={s} />
              </Stack>
            )}
          />
        )}
      </DataTable>
    </List>
  );
}
