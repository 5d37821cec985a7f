// The tenant's error types: the rules that classify error messages, tried in this order (the
// first that matches wins). Admins add, edit, remove and reorder them here, then Save sends
// the whole set; the service reclassifies every error record and says how many changed type.
// Viewers and editors read.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Title, useNotify } from 'react-admin';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  LinearProgress,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import SaveIcon from '@mui/icons-material/Save';
import UndoIcon from '@mui/icons-material/Undo';
import { api } from '../../api/http';
import { tenantPath } from '../../api/session';
import { useSession } from '../../api/useSession';
import {
  changed,
  checkType,
  FOLLOW_UP_STEPS,
  FOLLOW_UP_TEXT,
  fromApi,
  MATCH_KIND_TEXT,
  MATCH_KINDS,
  move,
  newKey,
  savedText,
  toPayload,
  validate,
  type ApiErrorType,
  type ErrorType,
} from './errorTypes';
import { messageOf } from './common';

type Draft = Omit<ErrorType, 'key'> & { key?: string };

const EMPTY: Draft = { name: '', operator: 'CONTAINS', value: '', follow_up_step: 'Process' };

function TypeDialog({
  initial,
  others,
  onClose,
  onDone,
}: {
  initial: Draft;
  others: string[];
  onClose: () => void;
  onDone: (t: Draft) => void;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [touched, setTouched] = useState(false);
  const problems = checkType(draft, others);
  const problemOf = (field: string) => (touched ? problems.find((p) => p.field === field)?.message : undefined);
  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problems.length) return;
    onDone({ ...draft, name: draft.name.trim() });
  }
  const adding = initial.key === undefined;
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="type-dialog-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="type-dialog-title">{adding ? 'Add an error type' : `Edit ${initial.name}`}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Name"
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              required
              autoFocus
              error={!!problemOf('name')}
              helperText={problemOf('name')}
            />
            <TextField
              select
              label="Match"
              value={draft.operator}
              onChange={(e) => setDraft({ ...draft, operator: e.target.value as ErrorType['operator'] })}
              helperText="Case is ignored; only the first 4 KiB of a message is compared"
            >
              {MATCH_KINDS.map((k) => (
                <MenuItem key={k} value={k}>
                  {k}: the message {MATCH_KIND_TEXT[k]}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label={draft.operator === 'MATCHES' ? 'Pattern (RE2)' : 'Text'}
              value={draft.value}
              onChange={(e) => setDraft({ ...draft, value: e.target.value })}
              required
              error={!!problemOf('value')}
              helperText={
                problemOf('value') ??
                (draft.operator === 'MATCHES'
                  ? 'Searched anywhere in the message; anchor with ^ and $. No backreferences or lookaround.'
                  : undefined)
              }
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <TextField
              select
              label="Follow-up step"
              value={draft.follow_up_step}
              onChange={(e) => setDraft({ ...draft, follow_up_step: e.target.value as ErrorType['follow_up_step'] })}
            >
              {FOLLOW_UP_STEPS.map((s) => (
                <MenuItem key={s} value={s}>
                  {s}: {FOLLOW_UP_TEXT[s]}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained">
            {adding ? 'Add' : 'Done'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

// A fresh editor per tenant: a working copy never outlives the tenant it was loaded from.
export function ErrorTypesPage() {
  const { tenant } = useSession();
  return <ErrorTypesEditor key={tenant?.id ?? 'none'} />;
}

function ErrorTypesEditor() {
  const { tenant, isAdmin } = useSession();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const queryKey = ['settings', 'error-types', tenant?.id];
  const loaded = useQuery({
    queryKey,
    enabled: !!tenant,
    refetchOnWindowFocus: false, // a refetch would replace unsaved edits
    queryFn: async () => fromApi((await api<{ error_types: ApiErrorType[] }>(`${tenantPath()}/error-types`)).error_types),
  });
  const [list, setList] = useState<ErrorType[] | null>(null);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ severity: 'success' | 'error' | 'warning'; text: string } | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement | null>());
  const [focusAfterMove, setFocusAfterMove] = useState<string | null>(null);

  // A fresh load (first time, another tenant, after a save) replaces the working copy.
  useEffect(() => {
    if (loaded.data) setList(loaded.data);
  }, [loaded.data]);

  // Keyboard users keep their place: the moved row's same button keeps the focus.
  useEffect(() => {
    if (!focusAfterMove) return;
    const button = buttons.current.get(focusAfterMove);
    if (button && !button.disabled) button.focus();
    else {
      const [key] = focusAfterMove.split('|');
      buttons.current.get(`${key}|${focusAfterMove.endsWith('up') ? 'down' : 'up'}`)?.focus();
    }
    setFocusAfterMove(null);
  }, [focusAfterMove, list]);

  const working = list ?? [];
  const original = loaded.data ?? [];
  const dirty = changed(working, original);
  const problems = validate(working);

  function moveRow(index: number, delta: number, which: 'up' | 'down') {
    const key = working[index].key;
    setList(move(working, index, delta));
    setFocusAfterMove(`${key}|${which}`);
    setOutcome(null);
  }

  async function save() {
    setSaving(true);
    setOutcome(null);
    try {
      const answer = await api<{ error_types: ApiErrorType[]; reclassified: number; superseded: boolean }>(
        `${tenantPath()}/error-types`,
        { method: 'PUT', json: toPayload(working) },
      );
      const fresh = fromApi(answer.error_types);
      queryClient.setQueryData(queryKey, fresh);
      setList(fresh);
      setOutcome({ severity: answer.superseded ? 'warning' : 'success', text: savedText(answer) });
      // Other screens (error records by type) read the new classification.
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'settings' });
    } catch (error) {
      const message = messageOf(error);
      setOutcome({ severity: 'error', text: message });
      notify(message, { type: 'error' });
    } finally {
      setSaving(false);
    }
  }

  function done(t: Draft) {
    if (t.key === undefined) {
      setList([...working, { ...t, key: newKey() }]);
    } else {
      setList(working.map((o) => (o.key === t.key ? ({ ...o, ...t } as ErrorType) : o)));
    }
    setEditing(null);
    setOutcome(null);
  }

  const setButton = (id: string) => (el: HTMLButtonElement | null) => {
    buttons.current.set(id, el);
  };

  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Error types" />
      <CardContent>
        <Typography variant="h5" component="h2" gutterBottom>
          Error types
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Each error record takes the first type, from the top, whose rule matches its latest message; a message
          no type matches is Unclassified. The follow-up step says what happens next: Process types are retried
          by the errors job, Terminal ones never.
        </Typography>
        {loaded.isPending && tenant && <LinearProgress aria-label="Loading the error types" />}
        {loaded.error && <Alert severity="error">{messageOf(loaded.error)}</Alert>}
        {list && (
          <>
            {isAdmin && (
              <Stack direction="row" spacing={1} sx={{ mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
                <Button startIcon={<AddIcon />} onClick={() => setEditing({ ...EMPTY })}>
                  Add error type
                </Button>
                <Button
                  variant="contained"
                  startIcon={<SaveIcon />}
                  disabled={!dirty || saving || problems.length > 0}
                  onClick={() => void save()}
                >
                  Save
                </Button>
                <Button startIcon={<UndoIcon />} disabled={!dirty || saving} onClick={() => setList(original)}>
                  Discard changes
                </Button>
                {dirty && (
                  <Typography variant="body2" color="warning.main" role="status">
                    Unsaved changes
                  </Typography>
                )}
              </Stack>
            )}
            {saving && <LinearProgress aria-label="Saving and reclassifying" sx={{ mb: 1 }} />}
            {outcome && (
              <Alert severity={outcome.severity} sx={{ mb: 2 }} onClose={() => setOutcome(null)}>
                {outcome.text}
              </Alert>
            )}
            {problems.length > 0 && (
              <Alert severity="error" sx={{ mb: 2 }}>
                {problems.map((p) => (
                  <div key={`${p.index}-${p.field}`}>
                    Row {p.index + 1}: {p.message}
                  </div>
                ))}
              </Alert>
            )}
            <TableContainer>
              <Table size="small" aria-label="Error types, in the order tried">
                <TableHead>
                  <TableRow>
                    <TableCell>#</TableCell>
                    <TableCell>Name</TableCell>
                    <TableCell>Match</TableCell>
                    <TableCell>Pattern</TableCell>
                    <TableCell>Follow-up</TableCell>
                    {isAdmin && <TableCell align="right">Actions</TableCell>}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {working.length === 0 && (
                    <TableRow>
                      <TableCell colSpan={isAdmin ? 6 : 5}>
                        No error types: every error record is Unclassified.
                      </TableCell>
                    </TableRow>
                  )}
                  {working.map((t, index) => (
                    <TableRow key={t.key}>
                      <TableCell>{index + 1}</TableCell>
                      <TableCell>{t.name}</TableCell>
                      <TableCell>
                        <Chip size="small" label={t.operator} variant="outlined" />
                      </TableCell>
                      <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{t.value}</TableCell>
                      <TableCell>{t.follow_up_step}</TableCell>
                      {isAdmin && (
                        <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                          <Box sx={{ display: 'inline-flex' }}>
                            <Tooltip title="Move up">
                              <span>
                                <IconButton
                                  ref={setButton(`${t.key}|up`)}
                                  aria-label={`Move ${t.name} up`}
                                  disabled={index === 0}
                                  onClick={() => moveRow(index, -1, 'up')}
                                >
                                  <ArrowUpwardIcon fontSize="small" />
                                </IconButton>
                              </span>
                            </Tooltip>
                            <Tooltip title="Move down">
                              <span>
                                <IconButton
                                  ref={setButton(`${t.key}|down`)}
                                  aria-label={`Move ${t.name} down`}
                                  disabled={index === working.length - 1}
                                  onClick={() => moveRow(index, 1, 'down')}
                                >
                                  <ArrowDownwardIcon fontSize="small" />
                                </IconButton>
                              </span>
                            </Tooltip>
                            <Tooltip title="Edit">
                              <IconButton aria-label={`Edit ${t.name}`} onClick={() => setEditing(t)}>
                                <EditIcon fontSize="small" />
                              </IconButton>
                            </Tooltip>
                            <Tooltip title="Remove">
                              <IconButton
                                aria-label={`Remove ${t.name}`}
                                onClick={() => {
                                  setList(working.filter((o) => o.key !== t.key));
                                  setOutcome(null);
                                }}
                              >
                                <DeleteIcon fontSize="small" />
                              </IconButton>
                            </Tooltip>
                          </Box>
                        </TableCell>
                      )}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
            {isAdmin && dirty && (
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                Changes take effect when saved; saving reclassifies every error record of the tenant.
              </Typography>
            )}
          </>
        )}
      </CardContent>
      {editing && (
        <TypeDialog
          initial={editing}
          others={working.filter((o) => o.key !== editing.key).map((o) => o.name)}
          onClose={() => setEditing(null)}
          onDone={done}
        />
      )}
    </Card>
  );
}
