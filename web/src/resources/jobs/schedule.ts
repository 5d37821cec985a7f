// The jobs screens' logic, apart from React: reading a cron in plain language, formatting an
// instant in a time zone, a job's next fire times, run durations, the runs filter and the
// chart's geometry.
import cronstrue from 'cronstrue';

// A cron as the service takes it: 5 fields (minute hour day-of-month month day-of-week) or 6
// with seconds first, `?` allowed, `-` meaning off.
export interface CronReading {
  ok: boolean;
  text: string; // the reading, or why there is none
}

export function readCron(expression: string | null | undefined): CronReading {
  const cron = (expression ?? '').trim();
  if (cron === '') return { ok: false, text: 'no schedule given' };
  if (cron === '-') return { ok: true, text: 'never (off)' };
  const fields = cron.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return {
      ok: false,
      text: `a cron has 5 fields, or 6 with seconds first; this one has ${fields}`,
    };
  }
  try {
    const text = cronstrue.toString(cron, {
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
      verbose: false,
    });
    return { ok: true, text };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, text: `cannot be read: ${why.replace(/^Error:\s*/, '')}` };
  }
}

// The time zone's short name at that instant ("IST", "GMT+5:30", "UTC").
function zoneName(date: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

// An ISO instant as a wall-clock time in `timeZone`: "Sun 6 Dec 2026, 22:05:00 IST". A zone
// the browser does not know falls back to UTC, saying so.
export function formatInZone(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let zone = timeZone || 'UTC';
  let note = '';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    note = ` (the browser does not know ${zone})`;
    zone = 'UTC';
  }
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return `${text} ${zoneName(date, zone)}${note}`;
}

// An ISO instant in the browser's own zone, shorter: "6 Dec 2026, 16:05:00".
export function formatLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

export interface JobState {
  cron: string;
  enabled: boolean;
  paused: boolean;
  next_fire_at?: string | null;
  next_fires?: string[] | null;
}

// The job's next fire times: the service's `next_fires` when it sends them, else its one
// `next_fire_at` (an older service), else none.
export function nextFires(job: JobState): string[] {
  if (Array.isArray(job.next_fires)) return job.next_fires.slice(0, 5);
  return job.next_fire_at ? [job.next_fire_at] : [];
}

// Why a job has no fire times ahead, when it has none.
export function whyNoFires(job: JobState): string {
  if (!job.enabled) return 'none: the job is disabled';
  if (job.paused) return 'none: the job is paused';
  if (job.cron.trim() === '-') return 'none: the schedule is off (-)';
  return 'none within the schedule’s horizon';
}

// A run's duration: "850 ms", "12 s", "3 min 5 s", "2 h 4 min"; empty while it runs.
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

// A datetime-local field's value ("2026-12-06T10:30", the browser's zone) as the API's ISO
// instant; empty stays empty.
export function localToIso(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export interface RunCounts {
  read: number;
  written: number;
  skipped: number;
  failed: number;
}

export interface RunSummary {
  id: number;
  job: string;
  status: string;
  started_at: string;
  counts: RunCounts;
}

export interface ChartBar {
  id: number;
  x: number;
  width: number;
  writtenY: number;
  writtenHeight: number;
  failedY: number;
  failedHeight: number;
  label: string;
}

export interface ChartGeometry {
  bars: ChartBar[];
  max: number;
  first?: RunSummary;
  last?: RunSummary;
}

// Bars for the runs (oldest on the left): written stacked under failed, on one linear scale
// from 0 to the largest total, in a plot of `width` x `height`.
export function chartGeometry(runs: RunSummary[], width: number, height: number): ChartGeometry {
  const ordered = [...runs].sort(
    (a, b) => Date.parse(a.started_at) - Date.parse(b.started_at) || a.id - b.id,
  );
  const max = Math.max(1, ...ordered.map((r) => r.counts.written + r.counts.failed));
  const slot = ordered.length ? width / ordered.length : width;
  const barWidth = Math.max(1, Math.min(40, slot * 0.7));
  const bars = ordered.map((run, i) => {
    const writtenHeight = (run.counts.written / max) * height;
    const failedHeight = (run.counts.failed / max) * height;
    return {
      id: run.id,
      x: i * slot + (slot - barWidth) / 2,
      width: barWidth,
      writtenY: height - writtenHeight,
      writtenHeight,
      failedY: height - writtenHeight - failedHeight,
      failedHeight,
      label: `Run ${run.id} (${run.job}, ${run.status}) at ${formatLocal(run.started_at)}: ${run.counts.written} written, ${run.counts.failed} failed`,
    };
  });
  return { bars, max, first: ordered[0], last: ordered[ordered.length - 1] };
}

// The job form's values, loosely typed as a form holds them (numbers may be '' or text).
export interface JobForm {
  cron?: string;
  timezone?: string;
  enabled?: boolean;
  settings?: { page_size?: unknown; max_run_minutes?: unknown; ping_url?: unknown } | null;
}

// What the form sends: the four things a PATCH changes, an emptied ping URL as null (removed).
export function jobPatch(data: JobForm): Record<string, unknown> {
  const settings = data.settings ?? {};
  const number = (value: unknown) => (value === '' || value === undefined || value === null ? null : Number(value));
  return {
    cron: (data.cron ?? '').trim(),
    timezone: (data.timezone ?? '').trim(),
    enabled: Boolean(data.enabled),
    settings: {
      page_size: number(settings.page_size),
      max_run_minutes: number(settings.max_run_minutes),
      ping_url: settings.ping_url ? String(settings.ping_url).trim() || null : null,
    },
  };
}
