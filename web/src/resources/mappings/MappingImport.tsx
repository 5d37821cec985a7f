import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { Title, useNotify } from 'react-admin';
import { Link as RouterLink } from 'react-router-dom';
import {
  Alert,
  AlertTitle,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import UploadIcon from '@mui/icons-material/UploadFile';
import { api } from '../../api/http';
import { basePath } from '../../dataProvider';
import { useSession } from '../../api/useSession';
import {
  CSV_COLUMNS,
  formatBytes,
  messageOf,
  previewOf,
  reportOf,
  utf8Length,
  type ImportReport,
} from './logic';

// What is imported: a file picked, or text pasted.
type Source = { kind: 'file'; file: File } | { kind: 'text'; text: string };

function sizeOf(source: Source | null): number {
  if (!source) return 0;
  return source.kind === 'file' ? source.file.size : utf8Length(source.text);
}

// Posts the CSV (a dry run or for real) and answers the report, also when the file has errors
// (the API answers those with 400 and the report); anything else is thrown.
async function postCsv(source: Source, dryRun: boolean): Promise<ImportReport> {
  try {
    const answer = await api<unknown>(`${basePath('mappings')}/import`, {
      method: 'POST',
      query: dryRun ? { dry_run: 'true' } : undefined,
      body: source.kind === 'file' ? source.file : source.text,
      contentType: 'text/csv',
    });
    const report = reportOf(answer);
    if (!report) throw new Error('the service answered the import without a report');
    return report;
  } catch (error) {
    const report = reportOf(error);
    if (report) return report;
    throw error;
  }
}

// A busy line while the file travels and is checked: its size and the seconds so far.
function Busy({ what, bytes }: { what: string; bytes: number }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, []);
  return (
    <Box role="status" aria-live="polite" sx={{ my: 2 }}>
      <Typography variant="body2" gutterBottom>
        {what} {formatBytes(bytes)}
        {seconds > 0 ? ` (${seconds} s)` : ''}…
      </Typography>
      <LinearProgress aria-label={what} />
    </Box>
  );
}

function Counts({ report }: { report: ImportReport }) {
  const preview = previewOf(report);
  return (
    <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', gap: 1, my: 1 }} aria-label="Counts">
      {preview.counts.map((count) => (
        <Chip
          key={count.label}
          label={`${count.label}: ${count.value.toLocaleString('en')}`}
          variant={count.value > 0 ? 'filled' : 'outlined'}
          color={count.value > 0 && count.label === 'Created' ? 'primary' : 'default'}
        />
      ))}
    </Stack>
  );
}

// Every error, a page of them at a time (a file may have thousands).
function ErrorsTable({ report }: { report: ImportReport }) {
  const { errors } = previewOf(report);
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(100);
  if (errors.length === 0) return null;
  const shown = errors.slice(page * perPage, (page + 1) * perPage);
  return (
    <Box sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
      <TableContainer sx={{ maxHeight: 420 }}>
        <Table size="small" stickyHeader aria-label="Errors in the file">
          <TableHead>
            <TableRow>
              <TableCell sx={{ width: 80 }}>Line</TableCell>
              <TableCell sx={{ width: 160 }}>Column</TableCell>
              <TableCell>Problem</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map((row) => (
              <TableRow key={row.key}>
                <TableCell>{row.line}</TableCell>
                <TableCell>{row.column || '—'}</TableCell>
                <TableCell>{row.message}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {errors.length > 100 && (
        <TablePagination
          component="div"
          count={errors.length}
          page={page}
          onPageChange={(_, next) => setPage(next)}
          rowsPerPage={perPage}
          rowsPerPageOptions={[100, 500, 1000]}
          onRowsPerPageChange={(event) => {
            setPerPage(Number(event.target.value));
            setPage(0);
          }}
          labelRowsPerPage="Errors per page"
        />
      )}
    </Box>
  );
}

// CSV import: pick a file or paste the text, check it with a dry run (the counts and every
// error with its line), then, only when it has no error, confirm to import it for real.
export function MappingImport() {
  const { canEdit, tenant } = useSession();
  const notify = useNotify();
  const [source, setSource] = useState<Source | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [outcome, setOutcome] = useState<ImportReport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  if (!canEdit) {
    return (
      <Card sx={{ mt: 2 }}>
        <Title title="Import mappings" />
        <CardContent>
          <Alert severity="info">A viewer cannot import mappings; ask an editor or an administrator.</Alert>
        </CardContent>
      </Card>
    );
  }

  const reset = (next: Source | null) => {
    setSource(next);
    setPreview(null);
    setOutcome(null);
    setFailure(null);
  };

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setText('');
    reset({ kind: 'file', file });
  };

  const onText = (value: string) => {
    setText(value);
    if (fileInput.current) fileInput.current.value = '';
    reset(value.trim() ? { kind: 'text', text: value } : null);
  };

  const send = async (dryRun: boolean) => {
    if (!source) return;
    setBusy(dryRun ? 'check' : 'import');
    setFailure(null);
    setOutcome(null);
    try {
      const report = await postCsv(source, dryRun);
      if (dryRun) {
        setPreview(report);
      } else if (report.errors.length > 0) {
        // The tenant's mappings changed since the check: the import wrote nothing.
        setPreview(report);
      } else {
        setOutcome(report);
        setPreview(null);
        notify(previewOf(report).summary, { type: 'success' });
      }
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(null);
    }
  };

  const bytes = sizeOf(source);
  const checked = preview ? previewOf(preview) : null;
  const done = outcome ? previewOf(outcome) : null;

  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Import mappings" />
      <CardContent>
        <Typography variant="body1" gutterBottom>
          Import mappings into {tenant?.name ?? 'the tenant'} from a CSV file whose header names the columns{' '}
          <code>{CSV_COLUMNS.join(',')}</code> (group, type, avni_value and int_system_value are required; an empty
          hint is NA). A line is matched to a live mapping by its group, type and Avni value: new ones are created,
          changed ones updated. The import is all or nothing: check the file first, then confirm.
        </Typography>
        <Typography variant="body2" color="text.secondary" gutterBottom>
          The CSV that <RouterLink to="/mappings">the list's</RouterLink> Export CSV writes is a good start.
        </Typography>

        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ my: 2 }} alignItems="flex-start">
          <Box>
            <Button
              variant="outlined"
              startIcon={<UploadIcon />}
              disabled={busy !== null}
              onClick={() => fileInput.current?.click()}
            >
              Choose a CSV file
            </Button>
            <input
              ref={fileInput}
              hidden
              type="file"
              accept=".csv,text/csv,text/plain"
              aria-label="CSV file"
              onChange={onFile}
            />
            {source?.kind === 'file' && (
              <Typography variant="body2" sx={{ mt: 1 }}>
                {source.file.name} ({formatBytes(source.file.size)})
              </Typography>
            )}
          </Box>
          <TextField
            label="Or paste the CSV here"
            multiline
            minRows={4}
            maxRows={12}
            value={text}
            onChange={(event) => onText(event.target.value)}
            disabled={busy !== null}
            sx={{ flex: 1, width: '100%' }}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
          />
        </Stack>

        <Stack direction="row" spacing={2}>
          <Button variant="contained" onClick={() => void send(true)} disabled={!source || busy !== null}>
            Check the file
          </Button>
          {checked?.canConfirm && (
            <Button variant="contained" color="success" onClick={() => void send(false)} disabled={busy !== null}>
              Confirm import
            </Button>
          )}
        </Stack>

        {busy && <Busy what={busy === 'check' ? 'Checking' : 'Importing'} bytes={bytes} />}

        {failure && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }}>
            <AlertTitle>The service refused the file</AlertTitle>
            {failure}
          </Alert>
        )}

        {preview && checked && (
          <Box sx={{ mt: 3 }} aria-label="Preview" role="region">
            <Typography variant="h6" component="h2">
              {preview.dry_run ? 'Preview (nothing written yet)' : 'Not imported'}
            </Typography>
            <Alert severity={checked.errors.length > 0 ? 'error' : 'success'} sx={{ my: 1 }}>
              {checked.summary}
            </Alert>
            <Counts report={preview} />
            <ErrorsTable report={preview} />
          </Box>
        )}

        {outcome && done && (
          <Box sx={{ mt: 3 }} aria-label="Outcome" role="region">
            <Typography variant="h6" component="h2">
              Imported
            </Typography>
            <Alert severity="success" sx={{ my: 1 }}>
              {done.summary}
            </Alert>
            <Counts report={outcome} />
            <Button component={RouterLink} to="/mappings">
              Back to the mappings
            </Button>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
