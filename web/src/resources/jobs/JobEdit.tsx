// A job's schedule and settings (admins): cron with its reading and a live preview of the next
// fire times from the service (the same checks as the save), time zone, enabled, page size,
// longest run and health-check ping. A refusal shows the API's message, and under the field it
// names.
import { useEffect, useMemo, useState } from 'react';
import {
  BooleanInput,
  Edit,
  NumberInput,
  SaveButton,
  SimpleForm,
  TextInput,
  Toolbar,
  useNotify,
  useRecordContext,
  useRedirect,
  useUpdate,
} from 'react-admin';
import { useWatch } from 'react-hook-form';
import { Alert, Box, Typography } from '@mui/material';
import { api, ApiError } from '../../api/http';
import { useSession } from '../../api/useSession';
import { formatInZone, jobPatch, readCron } from './schedule';
import type { Job } from './types';

export function JobEdit() {
  return (
    <Edit mutationMode="pessimistic" title={<JobTitle />} actions={false}>
      <JobForm />
    </Edit>
  );
}

function JobTitle() {
  const job = useRecordContext<Job>();
  return <span>{job ? `Job ${job.name}` : 'Job'}</span>;
}

// The IANA zones the browser knows, offered as suggestions; the service checks the zone itself.
function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

function JobForm() {
  const job = useRecordContext<Job>();
  const { isAdmin } = useSession();
  const [update] = useUpdate();
  const notify = useNotify();
  const redirect = useRedirect();
  const zones = useMemo(timeZones, []);

  if (!job) return null;
  if (!isAdmin) {
    return <Alert severity="info">Only the tenant’s admins change a job’s schedule and settings.</Alert>;
  }

  // Saved, or the API's refusal: its message in a notification and under the field it names.
  const save = async (data: Record<string, unknown>) => {
    try {
      await update('jobs', { id: job.id, data: jobPatch(data), previousData: job }, { returnPromise: true });
      notify(`The ${job.name} job is saved`, { type: 'success' });
      redirect('list', 'jobs');
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const field = error instanceof ApiError ? error.field : undefined;
      notify(field && !message.startsWith(field) ? `${field}: ${message}` : message, { type: 'error' });
      return field ? { [field]: message } : undefined;
    }
  };

  return (
    <SimpleForm onSubmit={save} sx={{ maxWidth: 760 }} toolbar={<Toolbar><SaveButton alwaysEnable /></Toolbar>}>
      <Typography variant="h6" component="h2" gutterBottom>
        {job.name}
      </Typography>
      <TextInput
        source="cron"
        label="Cron"
        helperText="5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; ? allowed; - is off"
        fullWidth
        inputProps={{ spellCheck: false, style: { fontFamily: 'monospace' } }}
      />
      <TextInput
        source="timezone"
        label="Time zone"
        helperText="An IANA zone, such as UTC or Asia/Kolkata"
        inputProps={{ list: 'job-time-zones', spellCheck: false }}
      />
      <datalist id="job-time-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <SchedulePreview />
      <BooleanInput source="enabled" label="Enabled" helperText="A disabled job never fires and cannot be run" />
      <NumberInput
        source="settings.page_size"
        label="Page size"
        min={1}
        max={1000}
        helperText="Records read per page, 1 to 1000; empty for the service's default"
      />
      <NumberInput
        source="settings.max_run_minutes"
        label="Longest run (minutes)"
        min={1}
        max={1440}
        helperText="1 to 1440; empty for the service's default"
      />
      <TextInput
        source="settings.ping_url"
        label="Health-check ping URL"
        type="url"
        fullWidth
        helperText="Pinged after each run, such as https://hc-ping.com/<check-uuid>; empty for none"
      />
    </SimpleForm>
  );
}

interface Preview {
  state: 'idle' | 'loading' | 'ok' | 'refused' | 'unavailable';
  fires: string[];
  message?: string;
}

// The schedule as typed: its plain reading at once, and the service's next five fire times (or
// its refusal naming the field) shortly after typing stops.
function SchedulePreview() {
  const cron = (useWatch({ name: 'cron' }) as string | undefined) ?? '';
  const timezone = (useWatch({ name: 'timezone' }) as string | undefined) ?? '';
  const reading = readCron(cron);
  const [preview, setPreview] = useState<Preview>({ state: 'idle', fires: [] });

  useEffect(() => {
    const trimmed = cron.trim();
    if (!trimmed || trimmed === '-') {
      setPreview({ state: 'idle', fires: [] });
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      setPreview((p) => ({ ...p, state: 'loading' }));
      try {
        const answer = await api<{ next_fires: string[] }>('/cron/preview', {
          query: { cron: trimmed, timezone: timezone.trim() || 'UTC' },
          signal: controller.signal,
        });
        setPreview({ state: 'ok', fires: answer.next_fires ?? [] });
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 400) {
          const named = error.field && !error.message.startsWith(error.field) ? `${error.field}: ` : '';
          setPreview({ state: 'refused', fires: [], message: `${named}${error.message}` });
        } else {
          // An older service without the preview: the reading alone.
          setPreview({ state: 'unavailable', fires: [] });
        }
      }
    }, 400);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [cron, timezone]);

  return (
    <Box role="status" aria-live="polite" sx={{ mb: 2, maxWidth: 640 }}>
      <Typography variant="body2">
        <strong>Reads as:</strong>{' '}
        <Box component="span" sx={{ color: reading.ok ? 'text.primary' : 'error.main' }}>
          {reading.text}
        </Box>
      </Typography>
      {preview.state === 'refused' && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {preview.message}
        </Alert>
      )}
      {preview.state === 'ok' && (
        <Box sx={{ mt: 1 }}>
          <Typography variant="body2">
            <strong>Next fire times</strong> in {timezone || 'UTC'}:
          </Typography>
          {preview.fires.length ? (
            <Box component="ol" aria-label="Next fire times of this schedule" sx={{ m: 0, pl: 3 }}>
              {preview.fires.map((at) => (
                <Typography component="li" variant="body2" key={at}>
                  <time dateTime={at}>{formatInZone(at, timezone || 'UTC')}</time>
                </Typography>
              ))}
            </Box>
          ) : (
            <Typography variant="body2">none: this schedule never fires</Typography>
          )}
        </Box>
      )}
    </Box>
  );
}
