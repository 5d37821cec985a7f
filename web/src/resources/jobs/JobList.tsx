// The tenant's jobs (`main`, `errors`), one card each: the schedule and its plain reading, the
// next five fire times in the job's own zone, the scheduler's state, the last run, the settings,
// and what the caller may do (edit, pause and resume: admins; run now: editors).
import { useState } from 'react';
import {
  Button,
  EditButton,
  List,
  RecordContextProvider,
  useListContext,
  useNotify,
  useRefresh,
} from 'react-admin';
import { Link as RouterLink } from 'react-router-dom';
import { Box, Card, CardActions, CardContent, Chip, Link, Stack, Typography } from '@mui/material';
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import ReplayIcon from '@mui/icons-material/Replay';
import { api, ApiError } from '../../api/http';
import { tenantPath } from '../../api/session';
import { useSession } from '../../api/useSession';
import { formatInZone, formatLocal, nextFires, readCron, whyNoFires } from './schedule';
import type { Job } from './types';

export function JobList() {
  return (
    <List
      title="Jobs"
      pagination={false}
      exporter={false}
      actions={false}
      // The scheduler's state moves on its own (runs start and finish every minute).
      queryOptions={{ refetchInterval: 10_000 }}
    >
      <JobCards />
    </List>
  );
}

function JobCards() {
  const { data, isPending } = useListContext<Job>();
  if (isPending) return null;
  if (!data?.length) {
    return (
      <Typography sx={{ p: 2 }}>
        The tenant has no jobs yet: the service makes `main` and `errors` when the tenant is set up.
      </Typography>
    );
  }
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', lg: 'repeat(2, minmax(0, 1fr))' } }}>
      {data.map((job) => (
        <RecordContextProvider value={job} key={job.name}>
          <JobCard job={job} />
        </RecordContextProvider>
      ))}
    </Box>
  );
}

function StateChips({ job }: { job: Job }) {
  return (
    <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
      <Chip size="small" label={job.enabled ? 'enabled' : 'disabled'} color={job.enabled ? 'success' : 'default'} />
      {job.paused && <Chip size="small" label="paused" color="warning" />}
      {job.running && <Chip size="small" label="running" color="info" />}
      {job.run_requested && !job.running && <Chip size="small" label="run asked for" color="info" variant="outlined" />}
      {job.consecutive_failures > 0 && (
        <Chip size="small" color="error" label={`${job.consecutive_failures} failures in a row`} />
      )}
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Box component="div" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '9.5rem 1fr' }, gap: 1, py: 0.5 }}>
      <Typography component="dt" variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Box>
  );
}

function JobCard({ job }: { job: Job }) {
  const { canEdit, isAdmin } = useSession();
  const reading = readCron(job.cron);
  const fires = nextFires(job);
  const headingId = `job-${job.name}-heading`;
  const settings = job.settings ?? { page_size: null, max_run_minutes: null, ping_url: null };
  return (
    <Card component="section" aria-labelledby={headingId} variant="outlined">
      <CardContent>
        <Stack direction="row" spacing={2} alignItems="center" useFlexGap flexWrap="wrap" sx={{ mb: 1 }}>
          <Typography id={headingId} variant="h6" component="h2">
            {job.name}
          </Typography>
          <StateChips job={job} />
        </Stack>
        <Box component="dl" sx={{ m: 0 }}>
          <Row label="Schedule">
            <Box component="code" sx={{ fontFamily: 'monospace', mr: 1 }}>
              {job.cron}
            </Box>
            <Box component="span" sx={{ color: reading.ok ? 'text.primary' : 'error.main' }}>
              {reading.text}
            </Box>
          </Row>
          <Row label="Time zone">{job.timezone}</Row>
          {job.paused && <Row label="Paused">{job.pause_reason || 'paused (no reason recorded)'}</Row>}
          <Row label="Next fire times">
            {fires.length ? (
              <Box component="ol" aria-label={`Next fire times of ${job.name}`} sx={{ m: 0, pl: 2.5 }}>
                {fires.map((at) => (
                  <li key={at}>
                    <time dateTime={at}>{formatInZone(at, job.timezone)}</time>
                  </li>
                ))}
              </Box>
            ) : (
              whyNoFires(job)
            )}
          </Row>
          <Row label="Failures in a row">{job.consecutive_failures}</Row>
          <Row label="Last run">
            {job.last_run ? (
              <>
                <Link component={RouterLink} to={`/runs/${job.last_run.id}/show`}>
                  run {job.last_run.id}
                </Link>
                {`: ${job.last_run.status}, started ${formatLocal(job.last_run.started_at)}`}
                {job.last_run.message ? ` (${job.last_run.message})` : ''}
              </>
            ) : (
              'none yet'
            )}
          </Row>
          <Row label="Settings">
            {`page size ${settings.page_size ?? 'the default'}; longest run ${
              settings.max_run_minutes ? `${settings.max_run_minutes} min` : 'the default'
            }; health-check ping ${settings.ping_url ?? 'none'}`}
          </Row>
        </Box>
      </CardContent>
      {canEdit && (
        <CardActions sx={{ flexWrap: 'wrap', gap: 1 }}>
          {isAdmin && <EditButton label="Edit" />}
          {isAdmin && <PauseResumeButton job={job} />}
          <RunNowButton job={job} />
        </CardActions>
      )}
    </Card>
  );
}

// One POST on the job (pause, resume, run): the API's message on refusal, the list refreshed.
function useJobAction() {
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  const act = async (job: Job, action: 'pause' | 'resume' | 'run', done: string) => {
    setBusy(true);
    try {
      await api(`${tenantPath()}/jobs/${encodeURIComponent(job.name)}/${action}`, { method: 'POST' });
      notify(done, { type: 'success' });
    } catch (error) {
      notify(error instanceof ApiError || error instanceof Error ? error.message : String(error), {
        type: 'error',
      });
    } finally {
      setBusy(false);
      refresh();
    }
  };
  return { busy, act };
}

function PauseResumeButton({ job }: { job: Job }) {
  const { busy, act } = useJobAction();
  return job.paused ? (
    <Button
      label="Resume"
      disabled={busy}
      onClick={() => act(job, 'resume', `The ${job.name} job is resumed: it fires on its schedule again`)}
    >
      <PlayArrowIcon />
    </Button>
  ) : (
    <Button
      label="Pause"
      disabled={busy}
      onClick={() => act(job, 'pause', `The ${job.name} job is paused: it does not fire until resumed`)}
    >
      <PauseIcon />
    </Button>
  );
}

function RunNowButton({ job }: { job: Job }) {
  const { busy, act } = useJobAction();
  return (
    <Button
      label="Run now"
      disabled={busy}
      onClick={() => act(job, 'run', `A run of ${job.name} is asked for: it starts within a second`)}
    >
      <ReplayIcon />
    </Button>
  );
}
