// How the error and sync screens show times, lags, cursors and payloads.

// A time as the API gives it (ISO 8601), in the browser's time zone: "2026-12-06 16:40:05";
// "-" when there is none.
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ` +
    `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// A duration in words: "45 s", "12 min", "3 h 12 min", "2 d 3 h".
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const min = Math.floor((ms % HOUR) / MINUTE);
    return min ? `${h} h ${min} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

// How far a cursor is behind now: "3 h 12 min"; "-" when the cursor has no time; "ahead of
// this clock" when its time is later than now (a source whose clock runs ahead).
export function formatLag(cursorTime: string | null | undefined, now: number): string {
  if (!cursorTime) return '-';
  const t = new Date(cursorTime).getTime();
  if (Number.isNaN(t)) return '-';
  const lag = now - t;
  if (lag < -MINUTE) return 'ahead of this clock';
  return formatDuration(Math.max(0, lag));
}

// A flow's cursor, as GET sync-status answers it.
export interface SyncStatus {
  entity_type: string;
  read_upto_time: string | null;
  read_upto_id: string;
  read_upto_numeric: number | null;
  read_upto_marker: string | null;
  updated_at: string | null;
  running: boolean;
}

// The cursor in a line: whichever of its parts are set ("-" when none is).
export function cursorText(s: Pick<SyncStatus, 'read_upto_time' | 'read_upto_id' | 'read_upto_numeric' | 'read_upto_marker'>): string {
  const parts: string[] = [];
  if (s.read_upto_time) parts.push(s.read_upto_id ? `${s.read_upto_time} (id ${s.read_upto_id})` : s.read_upto_time);
  if (s.read_upto_numeric !== null && s.read_upto_numeric !== undefined) parts.push(`number ${s.read_upto_numeric}`);
  if (s.read_upto_marker) parts.push(`marker ${s.read_upto_marker}`);
  return parts.length ? parts.join(', ') : '-';
}

// The fields of the "Set cursor" dialog.
export interface CursorForm {
  read_upto_time?: string | null;
  read_upto_id?: string | null;
  read_upto_numeric?: string | number | null;
  read_upto_marker?: string | null;
}

export interface CursorBody {
  read_upto_time?: string;
  read_upto_id?: string;
  read_upto_numeric?: number;
  read_upto_marker?: string;
}

// The PUT body: the cursor whole, empty fields left out (the API clears them). Errors: a text
// saying what is wrong, before anything is sent.
export function cursorBody(form: CursorForm): { body: CursorBody } | { error: string } {
  const body: CursorBody = {};
  const time = form.read_upto_time?.trim();
  const id = form.read_upto_id?.trim();
  const marker = form.read_upto_marker?.trim();
  const numericText = form.read_upto_numeric === null || form.read_upto_numeric === undefined ? '' : String(form.read_upto_numeric).trim();
  if (time) body.read_upto_time = time;
  if (id) {
    if (!time) return { error: 'An id breaks ties among records of the cursor time: give the time with it.' };
    body.read_upto_id = id;
  }
  if (numericText) {
    if (!/^-?\d+$/.test(numericText)) return { error: `The number must be a whole number, not '${numericText}'.` };
    body.read_upto_numeric = Number(numericText);
  }
  if (marker) body.read_upto_marker = marker;
  if (!time && !numericText && !marker) {
    return { error: 'Give the cursor: a time (with an id), a number or a marker. To read from the start, rewind instead.' };
  }
  return { body };
}

// A failed payload for reading: JSON indented, anything else as it is.
export function prettyBody(body: string | null | undefined): { text: string; json: boolean } {
  if (body === null || body === undefined || body === '') return { text: '', json: false };
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object') return { text: JSON.stringify(parsed, null, 2), json: true };
  } catch {
    // not JSON: shown as it is
  }
  return { text: body, json: false };
}
