// One error record: what the list shows, its log (newest first) and, for editors and admins,
// the payload that failed (the API leaves it out for viewers), indented when it is JSON.
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import { Labeled, Show, TopToolbar, useRecordContext } from 'react-admin';
import {
  Box,
  Chip,
  Link,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useSession } from '../../api/useSession';
import type { ErrorRecord } from './api';
import { RecordActions } from './ErrorActions';
import { formatTime, prettyBody } from './format';

function Actions() {
  const record = useRecordContext<ErrorRecord>();
  const navigate = useNavigate();
  return (
    <TopToolbar sx={{ justifyContent: 'space-between' }}>
      <Link component={RouterLink} to="/error-records" sx={{ alignSelf: 'center' }}>
        Back to the list
      </Link>
      {record && (
        <Box>
          <RecordActions
            id={record.id}
            disabled={record.processing_disabled}
            onDeleted={() => navigate('/error-records')}
          />
        </Box>
      )}
    </TopToolbar>
  );
}

function ViewerActions() {
  return (
    <TopToolbar sx={{ justifyContent: 'flex-start' }}>
      <Link component={RouterLink} to="/error-records">
        Back to the list
      </Link>
    </TopToolbar>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Labeled label={label}>
      <Typography variant="body2" component="span">
        {children}
      </Typography>
    </Labeled>
  );
}

function Body({ body }: { body: string }) {
  const pretty = prettyBody(body);
  return (
    <Box
      component="pre"
      aria-label="Failed payload content"
      tabIndex={0}
      sx={{
        m: 0,
        p: 1.5,
        maxHeight: 480,
        overflow: 'auto',
        bgcolor: 'action.hover',
        borderRadius: 1,
        fontSize: '0.8rem',
        whiteSpace: pretty.json ? 'pre' : 'pre-wrap',
        wordBreak: 'break-word',
      }}
    >
      {pretty.text || '(empty)'}
    </Box>
  );
}

function Detail() {
  const record = useRecordContext<ErrorRecord>();
  const { canEdit } = useSession();
  if (!record) return null;
  const log = record.log ?? [];
  return (
    <Box sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box
        sx={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
          gap: 2,
        }}
      >
        <Field label="Entity type">{record.entity_type}</Field>
        <Field label="Entity id">
          <Box component="span" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
            {record.entity_id}
          </Box>
        </Field>
        <Field label="Error type">
          {record.error_type.name} ({record.error_type.follow_up_step})
        </Field>
        <Field label="Disabled">
          {record.processing_disabled ? <Chip size="small" label="Disabled" color="warning" /> : 'No'}
        </Field>
        <Field label="Attempts">{record.attempts}</Field>
        <Field label="Occurrences">{record.occurrences}</Field>
        <Field label="First seen">{formatTime(record.first_seen_at)}</Field>
        <Field label="Last seen">{formatTime(record.last_seen_at)}</Field>
        <Field label="Next attempt">{formatTime(record.next_attempt_at)}</Field>
      </Box>
      <Labeled label="Latest message">
        <Typography variant="body1" component="p" sx={{ wordBreak: 'break-word' }} data-testid="latest-message">
          {record.message}
        </Typography>
      </Labeled>

      <Box component="section" aria-labelledby="error-log-heading">
        <Typography variant="h6" component="h2" id="error-log-heading" gutterBottom>
          Log (newest first)
        </Typography>
        {log.length === 0 ? (
          <Typography color="text.secondary">No log entries.</Typography>
        ) : (
          <TableContainer>
            <Table size="small" aria-labelledby="error-log-heading">
              <TableHead>
                <TableRow>
                  <TableCell>Logged</TableCell>
                  <TableCell>First logged</TableCell>
                  <TableCell align="right">Times</TableCell>
                  <TableCell>Error type</TableCell>
                  <TableCell>Message</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {log.map((entry, i) => (
                  <TableRow key={i}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(entry.logged_at)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(entry.first_logged_at)}</TableCell>
                    <TableCell align="right">{entry.count}</TableCell>
                    <TableCell>{entry.error_type}</TableCell>
                    <TableCell sx={{ wordBreak: 'break-word' }}>{entry.message}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Box>

      <Box component="section" aria-labelledby="error-body-heading">
        <Typography variant="h6" component="h2" id="error-body-heading" gutterBottom>
          Failed payload
        </Typography>
        {canEdit && typeof record.body === 'string' ? (
          <Body body={record.body} />
        ) : (
          <Typography color="text.secondary">The failed payload is shown to editors and admins only.</Typography>
        )}
      </Box>
    </Box>
  );
}

export function ErrorShow() {
  const { id } = useParams();
  const { canEdit } = useSession();
  return (
    <Show
      resource="error-records"
      id={id}
      title={`Error record ${id ?? ''}`}
      actions={canEdit ? <Actions /> : <ViewerActions />}
    >
      <Detail />
    </Show>
  );
}
