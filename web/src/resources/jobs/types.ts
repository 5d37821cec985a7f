// The shapes of the API's jobs and runs (README "HTTP API", src/api/handlers/jobs.cpp, runs.cpp).
import type { RunCounts } from './schedule';

export interface JobSettings {
  page_size: number | null;
  max_run_minutes: number | null;
  ping_url: string | null; // "***" to non-admins when set
}

export interface LastRun {
  id: number;
  status: string;
  started_at: string;
  finished_at: string | null;
  message: string;
}

export interface Job {
  id: string; // the name, set by the data provider
  name: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  paused: boolean;
  pause_reason: string;
  consecutive_failures: number;
  run_requested: boolean;
  running: boolean;
  next_fire_at: string | null;
  next_fires?: string[]; // sent by newer services
  last_run: LastRun | null;
  settings: JobSettings;
}

export interface EntityTypeCounts extends RunCounts {
  entity_type: string;
}

export interface Run {
  id: number;
  job: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: RunCounts;
  message: string;
  instance: string;
  entity_types?: EntityTypeCounts[]; // on a run's own GET
}
