import { describe, expect, it } from 'vitest';
import { listQuery } from '../../dataProvider';
import {
  chartGeometry,
  formatDuration,
  formatInZone,
  jobPatch,
  localToIso,
  nextFires,
  readCron,
  whyNoFires,
  type RunSummary,
} from './schedule';

describe('readCron', () => {
  it('reads a 6-field cron with seconds first and ?', () => {
    expect(readCron('0 */5 * * * ?')).toEqual({ ok: true, text: 'Every 5 minutes' });
    expect(readCron('0 * * * * ?').text).toBe('Every minute');
  });

  it('reads a 5-field cron', () => {
    expect(readCron('0 2 * * 1-5')).toEqual({ ok: true, text: 'At 02:00, Monday through Friday' });
  });

  it('reads - as off', () => {
    expect(readCron('-')).toEqual({ ok: true, text: 'never (off)' });
    expect(readCron(' - ').text).toBe('never (off)');
  });

  it('says why it cannot read a cron', () => {
    expect(readCron('')).toEqual({ ok: false, text: 'no schedule given' });
    expect(readCron('1 2 3 4 5 6 7')).toEqual({
      ok: false,
      text: 'a cron has 5 fields, or 6 with seconds first; this one has 7',
    });
    const bad = readCron('0 61 * * *');
    expect(bad.ok).toBe(false);
    expect(bad.text).toMatch(/hours part must be >= 0 and <= 23/);
  });
});

describe('formatInZone', () => {
  it('shows an instant in Asia/Kolkata (UTC+5:30)', () => {
    expect(formatInZone('2026-12-06T16:35:00Z', 'Asia/Kolkata')).toBe('Sun, 6 Dec 2026, 22:05:00 GMT+5:30');
  });

  it('follows daylight saving in the zone', () => {
    expect(formatInZone('2026-07-06T16:35:00Z', 'Europe/London')).toBe('Mon, 6 Jul 2026, 17:35:00 BST');
    expect(formatInZone('2026-12-06T16:35:00Z', 'Europe/London')).toBe('Sun, 6 Dec 2026, 16:35:00 GMT');
  });

  it('falls back to UTC for a zone the browser does not know, saying so', () => {
    expect(formatInZone('2026-12-06T16:35:00Z', 'Mars/Base')).toBe(
      'Sun, 6 Dec 2026, 16:35:00 UTC (the browser does not know Mars/Base)',
    );
  });

  it('leaves nothing for no time', () => {
    expect(formatInZone(null, 'UTC')).toBe('');
  });
});

describe('nextFires', () => {
  const job = { cron: '0 * * * * ?', enabled: true, paused: false };

  it('takes the service’s next_fires, at most five', () => {
    const fires = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(nextFires({ ...job, next_fires: fires, next_fire_at: 'a' })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('falls back to next_fire_at alone when the service sends no next_fires', () => {
    expect(nextFires({ ...job, next_fire_at: '2026-12-06T16:35:00Z' })).toEqual(['2026-12-06T16:35:00Z']);
    expect(nextFires({ ...job, next_fire_at: null })).toEqual([]);
  });

  it('says why there are none', () => {
    expect(whyNoFires({ ...job, paused: true })).toBe('none: the job is paused');
    expect(whyNoFires({ ...job, enabled: false })).toBe('none: the job is disabled');
    expect(whyNoFires({ ...job, cron: '-' })).toBe('none: the schedule is off (-)');
  });
});

describe('formatDuration', () => {
  it('reads milliseconds to hours', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(7_440_000)).toBe('2 h 4 min');
    expect(formatDuration(null)).toBe('');
  });
});

describe('localToIso', () => {
  it('turns a datetime-local value into the API’s ISO instant', () => {
    const value = '2026-12-06T10:30';
    expect(localToIso(value)).toBe(new Date(value).toISOString());
    expect(localToIso('')).toBeNull();
    expect(localToIso('not a time')).toBeNull();
  });
});

describe('chartGeometry', () => {
  const run = (id: number, started: string, written: number, failed: number): RunSummary => ({
    id,
    job: 'main',
    status: 'succeeded',
    started_at: started,
    counts: { read: written + failed, written, skipped: 0, failed },
  });

  it('draws one bar per run, oldest on the left, written under failed on one scale', () => {
    // Newest first, as the API lists them.
    const runs = [run(3, '2026-12-06T10:02:00Z', 0, 0), run(2, '2026-12-06T10:01:00Z', 5, 5), run(1, '2026-12-06T10:00:00Z', 20, 0)];
    const g = chartGeometry(runs, 300, 100);
    expect(g.max).toBe(20);
    expect(g.bars.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(g.bars[0].writtenHeight).toBe(100);
    expect(g.bars[0].writtenY).toBe(0);
    expect(g.bars[1].writtenHeight).toBe(25);
    expect(g.bars[1].failedHeight).toBe(25);
    expect(g.bars[1].failedY).toBe(50);
    expect(g.bars[2].writtenHeight).toBe(0);
    expect(g.bars[0].x).toBeLessThan(g.bars[1].x);
    expect(g.bars[1].label).toMatch(/^Run 2 \(main, succeeded\) at .*: 5 written, 5 failed$/);
    expect(g.first?.id).toBe(1);
    expect(g.last?.id).toBe(3);
  });

  it('draws nothing for no runs', () => {
    expect(chartGeometry([], 300, 100)).toEqual({ bars: [], max: 1, first: undefined, last: undefined });
  });
});

describe('jobPatch', () => {
  it('sends the cron, zone, enabled and settings, empty settings as null (the default)', () => {
    expect(
      jobPatch({
        cron: ' 0 */5 * * * ? ',
        timezone: 'Asia/Kolkata',
        enabled: true,
        settings: { page_size: '200', max_run_minutes: null, ping_url: '  ' },
      }),
    ).toEqual({
      cron: '0 */5 * * * ?',
      timezone: 'Asia/Kolkata',
      enabled: true,
      settings: { page_size: 200, max_run_minutes: null, ping_url: null },
    });
  });

  it('keeps a ping URL', () => {
    const patch = jobPatch({ cron: '-', timezone: 'UTC', enabled: false, settings: { ping_url: 'https://hc-ping.com/x' } });
    expect(patch.settings).toEqual({ page_size: null, max_run_minutes: null, ping_url: 'https://hc-ping.com/x' });
  });
});

describe('the runs filter as the API query', () => {
  it('sends job, status and the range, never a sort (the API lists newest first only)', () => {
    expect(
      listQuery('runs', {
        pagination: { page: 2, perPage: 25 },
        sort: { field: 'started_at', order: 'DESC' },
        filter: { job: 'main', status: 'failed', from: '2026-12-06T10:00:00.000Z', to: '' },
      }),
    ).toEqual({ page: 1, size: 25, job: 'main', status: 'failed', from: '2026-12-06T10:00:00.000Z' });
  });
});
