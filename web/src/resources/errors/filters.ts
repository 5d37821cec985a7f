// The error records' filters as the screens hold them, and as the API wants them: query
// parameters for the list (GET error-records) and the "filter" object of a bulk action (POST
// error-records/actions). Dates are picked as days in the browser's time zone; the API takes
// instants (ISO 8601) on last seen, `from` inclusive and `to` exclusive, so "to" a day means
// "before the next day starts".
import type { Query } from '../../api/http';

// What records of no type are called, in the list and in a filter.
export const UNCLASSIFIED = 'Unclassified';

export type ErrorAction = 'reprocess' | 'disable' | 'enable' | 'delete';

export const ACTIONS: ErrorAction[] = ['reprocess', 'disable', 'enable', 'delete'];

// The filter form's values: text fields, days as YYYY-MM-DD, disabled as a boolean or its text.
export interface ErrorFilter {
  entity_type?: string;
  error_type?: string;
  text?: string;
  from?: string;
  to?: string;
  disabled?: boolean | 'true' | 'false';
}

// The filter of a bulk action, as the API reads it.
export interface ActionFilter {
  entity_type?: string;
  error_type?: string;
  text?: string;
  from?: string;
  to?: string;
  disabled?: boolean;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// The instant a day starts in the browser's time zone, as ISO 8601 (undefined when `day` is no
// YYYY-MM-DD date). `offsetDays` moves it: 1 gives the start of the next day.
export function dayStart(day: string | undefined, offsetDays = 0): string | undefined {
  const match = day ? DAY.exec(day.trim()) : null;
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new Date(year, month - 1, date);
  // No such date (2026-02-30 rolls over): not a day.
  if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== date) {
    return undefined;
  }
  if (offsetDays) start.setDate(start.getDate() + offsetDays);
  return start.toISOString();
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

// The filter as the API reads it: empty values left out, text trimmed, days as instants (to
// inclusive: the end of that day), disabled as a boolean. Anything else in the form (react-admin's
// own keys) is left out.
export function actionFilter(values: ErrorFilter | Record<string, unknown> | undefined): ActionFilter {
  const v = (values ?? {}) as Record<string, unknown>;
  const out: ActionFilter = {};
  const entityType = text(v.entity_type);
  if (entityType) out.entity_type = entityType;
  const errorType = text(v.error_type);
  if (errorType) out.error_type = errorType;
  const search = text(v.text);
  if (search) out.text = search;
  const from = dayStart(text(v.from));
  if (from) out.from = from;
  const to = dayStart(text(v.to), 1);
  if (to) out.to = to;
  const disabled = flag(v.disabled);
  if (disabled !== undefined) out.disabled = disabled;
  return out;
}

// The list's query parameters for the filter (paging and sort are added by the data provider).
export function listFilterQuery(values: ErrorFilter | Record<string, unknown> | undefined): Query {
  const filter = actionFilter(values);
  const query: Query = {};
  for (const [key, value] of Object.entries(filter)) query[key] = typeof value === 'boolean' ? String(value) : value;
  return query;
}

export function isEmptyFilter(filter: ActionFilter): boolean {
  return Object.keys(filter).length === 0;
}

// The API refuses a filter that matches every record of the tenant unless `all: true` comes
// with it (an empty filter, or any other that happens to match them all): the list's total
// against the tenant's.
export function needsAll(filter: ActionFilter, matching: number, tenantTotal: number): boolean {
  return isEmptyFilter(filter) || (tenantTotal > 0 && matching >= tenantTotal);
}

// What a bulk action acts on: the selected ids, or every record the filter matches.
export type ActionTarget =
  | { kind: 'ids'; ids: (string | number)[] }
  | { kind: 'filter'; filter: ActionFilter; matching: number; tenantTotal: number };

export interface ActionBody {
  action: ErrorAction;
  ids?: number[];
  filter?: ActionFilter;
  all?: true;
}

export function actionBody(action: ErrorAction, target: ActionTarget): ActionBody {
  if (target.kind === 'ids') return { action, ids: target.ids.map((id) => Number(id)) };
  const body: ActionBody = { action, filter: target.filter };
  if (needsAll(target.filter, target.matching, target.tenantTotal)) body.all = true;
  return body;
}

export function targetCount(target: ActionTarget): number {
  return target.kind === 'ids' ? target.ids.length : target.matching;
}

export function records(n: number): string {
  return `${n} error record${n === 1 ? '' : 's'}`;
}

const VERBS: Record<ErrorAction, string> = {
  reprocess: 'Reprocess',
  disable: 'Disable',
  enable: 'Enable',
  delete: 'Delete',
};

const CONSEQUENCES: Record<ErrorAction, string> = {
  reprocess:
    'They become due now: the errors job retries them at its next run (disabled records and those of a Terminal type are left alone).',
  disable: 'They are not retried until enabled again.',
  enable: 'They are retried again by the errors job.',
  delete: 'They are removed for good; a record that fails again comes back as a new error record.',
};

export function actionLabel(action: ErrorAction): string {
  return VERBS[action];
}

// The confirmation's title and text: how many records the action affects, and what it does.
export function confirmation(action: ErrorAction, target: ActionTarget): { title: string; content: string } {
  const n = targetCount(target);
  let which: string;
  if (target.kind === 'ids') {
    which = `the ${n === 1 ? 'selected error record' : `${n} selected error records`}`;
  } else if (needsAll(target.filter, target.matching, target.tenantTotal)) {
    which = `all ${records(n)} of the tenant`;
  } else {
    which = `all ${records(n)} matching this filter`;
  }
  return {
    title: `${VERBS[action]} ${records(n)}?`,
    content: `This will ${action} ${which}. ${CONSEQUENCES[action]}`,
  };
}

// The notification once the API has answered.
export function outcome(action: ErrorAction, affected: number): string {
  const done: Record<ErrorAction, string> = {
    reprocess: 'scheduled for reprocessing',
    disable: 'disabled',
    enable: 'enabled',
    delete: 'deleted',
  };
  return `${records(affected)} ${done[action]}`;
}
