// The tenant's bundle (admins): export downloads the zip (mapping groups, types, mappings,
// error types, config with secrets blanked) in the Java service's layout; import uploads one
// and shows what each file created, updated or left, or every problem when it is refused
// (nothing is written then).
import { useRef, useState } from 'react';
import { Confirm, Title, useNotify } from 'react-admin';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  LinearProgress,
  List,
  ListItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import UploadIcon from '@mui/icons-material/Upload';
import { ApiError, apiRaw } from '../../api/http';
import { tenantPath } from '../../api/session';
import { useSession } from '../../api/useSession';
import { saveDownload } from '../../api/download';
import { importSummary, looksLikeZip, problemsOf, type BundleProblem, type ImportReport } from './bundle';
import { AdminOnly, messageOf } from './common';

function ExportCard() {
  const { tenant } = useSession();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    try {
      const response = await apiRaw(`${tenantPath()}/bundle`, { method: 'GET' });
      const name = await saveDownload(response, `${tenant?.name ?? 'tenant'}.zip`, '.zip');
      notify(`${name} downloaded`, { type: 'success' });
    } catch (error) {
      notify(messageOf(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          Export
        </Typography>
        <Typography variant="body2" sx={{ mb: 2 }}>
          One zip with the tenant’s mapping groups, mapping types, mappings, error types and config, in the Java
          integration service’s layout. Secret values are left blank: set them again after importing elsewhere.
        </Typography>
        <Button variant="contained" startIcon={<DownloadIcon />} disabled={busy} onClick={() => void download()}>
          Export bundle
        </Button>
        {busy && <LinearProgress aria-label="Exporting" sx={{ mt: 2 }} />}
      </CardContent>
    </Card>
  );
}

type Outcome =
  | { kind: 'done'; report: ImportReport }
  | { kind: 'refused'; message: string; problems: BundleProblem[] };

function ImportCard() {
  const { tenant } = useSession();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function upload() {
    if (!file) return;
    setConfirming(false);
    setBusy(true);
    setOutcome(null);
    try {
      const response = await apiRaw(`${tenantPath()}/bundle`, {
        method: 'POST',
        body: file,
        contentType: 'application/zip',
      });
      const report = (await response.json()) as ImportReport;
      setOutcome({ kind: 'done', report });
      // Mappings, error types and config may all have changed.
      void queryClient.invalidateQueries();
    } catch (error) {
      setOutcome({
        kind: 'refused',
        message: messageOf(error),
        problems: error instanceof ApiError ? problemsOf(error.body) : [],
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          Import
        </Typography>
        <Typography variant="body2" sx={{ mb: 2 }}>
          Rows are matched by uuid: existing ones are updated, new ones created, none deleted. The import is all or
          nothing; a blank secret never overwrites a stored one.
        </Typography>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Button variant="outlined" component="label" startIcon={<UploadIcon />}>
            Choose a zip
            <input
              ref={input}
              hidden
              type="file"
              accept=".zip,application/zip"
              aria-label="Bundle file"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setOutcome(null);
              }}
            />
          </Button>
          <Typography variant="body2">{file ? `${file.name} (${Math.ceil(file.size / 1024)} KiB)` : 'No file chosen'}</Typography>
          <Button variant="contained" disabled={!file || busy} onClick={() => setConfirming(true)}>
            Import bundle
          </Button>
        </Stack>
        {file && !looksLikeZip(file) && (
          <Alert severity="warning" sx={{ mt: 2 }}>
            {file.name} does not look like a zip; the service will say what is wrong with it.
          </Alert>
        )}
        {busy && <LinearProgress aria-label="Importing" sx={{ mt: 2 }} />}
        {outcome?.kind === 'done' && (
          <Box sx={{ mt: 2 }}>
            <Alert severity="success">{importSummary(outcome.report)}</Alert>
            <Table size="small" aria-label="What the import did, per file" sx={{ mt: 1 }}>
              <TableHead>
                <TableRow>
                  <TableCell>File</TableCell>
                  <TableCell align="right">Created</TableCell>
                  <TableCell align="right">Updated</TableCell>
                  <TableCell align="right">Unchanged</TableCell>
                  <TableCell align="right">Skipped</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {outcome.report.files.map((f) => (
                  <TableRow key={f.file}>
                    <TableCell>{f.file}</TableCell>
                    <TableCell align="right">{f.created}</TableCell>
                    <TableCell align="right">{f.updated}</TableCell>
                    <TableCell align="right">{f.unchanged}</TableCell>
                    <TableCell align="right">{f.skipped}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {outcome.report.secrets_to_set.length > 0 && (
              <Alert severity="info" sx={{ mt: 1 }}>
                Secrets to set under Config (the bundle carries none): {outcome.report.secrets_to_set.join(', ')}
              </Alert>
            )}
          </Box>
        )}
        {outcome?.kind === 'refused' && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {outcome.message}
            {outcome.problems.length > 1 && (
              <List dense>
                {outcome.problems.map((p, i) => (
                  <ListItem key={i} disableGutters>
                    {p.file}
                    {p.field}: {p.message}
                  </ListItem>
                ))}
              </List>
            )}
          </Alert>
        )}
      </CardContent>
      <Confirm
        isOpen={confirming}
        title={`Import ${file?.name ?? 'the bundle'} into ${tenant?.name ?? 'this tenant'}?`}
        content="Its mappings, error types and config are written over this tenant’s rows with the same uuids."
        confirm="Import"
        onConfirm={() => void upload()}
        onClose={() => setConfirming(false)}
      />
    </Card>
  );
}

export function BundlePage() {
  const { isAdmin, tenant } = useSession();
  if (!isAdmin) return <AdminOnly title="Bundle" what="Bundles" />;
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Bundle" />
      <Stack spacing={2}>
        <ExportCard />
        <ImportCard key={tenant?.id ?? 'none'} />
      </Stack>
    </Box>
  );
}
