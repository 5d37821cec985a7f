import { describe, expect, it } from 'vitest';
import { cursorBody, cursorText, formatDuration, formatLag, formatTime, prettyBody } from './format';

const MIN = 60_000;
const H = 60 * MIN;

describe('formatLag', () => {
  const now = Date.parse('2026-12-06T16:00:00Z');
  it('is hours and minutes behind now', () => {
    expect(formatLag('2026-12-06T12:48:00Z', now)).toBe('3 h 12 min');
    expect(formatLag('2026-12-06T13:00:00Z', now)).toBe('3 h');
  });
  it('is minutes, seconds or days when that reads better', () => {
    expect(formatLag('2026-12-06T15:48:30Z', now)).toBe('11 min');
    expect(formatLag('2026-12-06T15:59:15Z', now)).toBe('45 s');
    expect(formatLag('2026-12-04T13:00:00Z', now)).toBe('2 d 3 h');
    expect(formatLag('2026-12-04T16:00:00Z', now)).toBe('2 d');
  });
  it('is "-" when the cursor has no time', () => {
    expect(formatLag(null, now)).toBe('-');
    expect(formatLag(undefined, now)).toBe('-');
    expect(formatLag('not a time', now)).toBe('-');
  });
  it('reads a time with an offset', () => {
    expect(formatLag('2026-12-06T18:00:00+05:30', now)).toBe('3 h 30 min');
  });
  it('says when the cursor is ahead of the clock, and is 0 s for a small skew', () => {
    expect(formatLag('2026-12-06T17:00:00Z', now)).toBe('ahead of this clock');
    expect(formatLag('2026-12-06T16:00:20Z', now)).toBe('0 s');
  });
});

it('formatDuration', () => {
  expect(formatDuration(0)).toBe('0 s');
  expect(formatDuration(59_999)).toBe('59 s');
  expect(formatDuration(MIN)).toBe('1 min');
  expect(formatDuration(25 * H + 5 * MIN)).toBe('1 d 1 h');
});

it('formatTime shows the local time, "-" for none', () => {
  expect(formatTime(new Date(2026, 11, 6, 9, 5, 3).toISOString())).toBe('2026-12-06 09:05:03');
  expect(formatTime(null)).toBe('-');
});

describe('cursorText', () => {
  const none = { read_upto_time: null, read_upto_id: '', read_upto_numeric: null, read_upto_marker: null };
  it('shows whichever part is set', () => {
    expect(cursorText({ ...none, read_upto_time: '2026-12-06T10:00:00.000Z' })).toBe('2026-12-06T10:00:00.000Z');
    expect(cursorText({ ...none, read_upto_time: '2026-12-06T10:00:00.000Z', read_upto_id: 'ab-1' })).toBe(
      '2026-12-06T10:00:00.000Z (id ab-1)',
    );
    expect(cursorText({ ...none, read_upto_numeric: 0 })).toBe('number 0');
    expect(cursorText({ ...none, read_upto_marker: 'page-7' })).toBe('marker page-7');
    expect(cursorText(none)).toBe('-');
  });
});

describe('cursorBody', () => {
  it('sends what is set, trimmed', () => {
    expect(cursorBody({ read_upto_time: ' 2026-12-06T10:00:00Z ', read_upto_id: 'x', read_upto_numeric: '', read_upto_marker: '' })).toEqual({
      body: { read_upto_time: '2026-12-06T10:00:00Z', read_upto_id: 'x' },
    });
    expect(cursorBody({ read_upto_numeric: '42' })).toEqual({ body: { read_upto_numeric: 42 } });
    expect(cursorBody({ read_upto_numeric: 0 })).toEqual({ body: { read_upto_numeric: 0 } });
  });
  it('refuses an id without a time, a number that is not whole, and nothing at all', () => {
    expect(cursorBody({ read_upto_id: 'x' })).toHaveProperty('error');
    expect(cursorBody({ read_upto_numeric: '4.5' })).toHaveProperty('error');
    expect(cursorBody({})).toEqual({ error: expect.stringContaining('rewind') });
  });
});

describe('prettyBody', () => {
  it('indents JSON', () => {
    expect(prettyBody('{"a":1,"b":[2]}')).toEqual({ text: '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}', json: true });
  });
  it('shows anything else as it is', () => {
    expect(prettyBody('not json')).toEqual({ text: 'not json', json: false });
    expect(prettyBody('42')).toEqual({ text: '42', json: false });
    expect(prettyBody(null)).toEqual({ text: '', json: false });
  });
});
