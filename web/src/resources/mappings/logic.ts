// The mappings screens' logic, kept apart from React so that it can be tested on its own:
// the CSV import's answer as preview rows, the export's query, a conflict's row in the way.
import { ApiError, type Query } from '../../api/http';

// The hints the API accepts (src/api/handlers/mapping_common.hpp).
export const DATA_TYPE_HINTS = ['Coded', 'Date', 'DateTime', 'Numeric', 'Text', 'Boolean', 'NA'] as const;
export const hintChoices = DATA_TYPE_HINTS.map((hint) => ({ id: hint, name: hint }));

// The columns of the CSV, in the order the export writes them.
export const CSV_COLUMNS = ['group', 'type', 'avni_value', 'int_system_value', 'data_type_hint', 'about'];

// The list's filters, as a person reads them.
export const FILTER_LABELS: Record<string, string> = {
  group_id: 'group',
  group: 'group',
  type_id: 'type',
  type: 'type',
  avni_value: 'Avni value',
  int_system_value: 'other-system value',
  data_type_hint: 'data type hint',
  q: 'text search',
  include_voided: 'include voided',
};

function isActive(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== false && typeof value !== 'object';
}

// What `POST /mappings/import` answers (src/api/handlers/mapping_transfer.cpp), on success
// (200) and on a file with errors (400, the report beside the usual error).
export interface ImportError {
  line: number;
  field: string;
  message: string;
}

export interface ImportReport {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  groups_created: number;
  types_created: number;
  errors: ImportError[];
}

function isReport(value: unknown): value is ImportReport {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.created === 'number' && typeof v.updated === 'number' && Array.isArray(v.errors);
}

// The report an import answered: the body of a 200, or the report a 400 carries beside its
// error. Null when the answer is no report (a refusal, a 413 for a file too large, ...).
export function reportOf(answer: unknown): ImportReport | null {
  if (answer instanceof ApiError) return isReport(answer.body) ? normalise(answer.body) : null;
  return isReport(answer) ? normalise(answer) : null;
}

function normalise(report: ImportReport): ImportReport {
  return {
    dry_run: Boolean(report.dry_run),
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    groups_created: report.groups_created ?? 0,
    types_created: report.types_created ?? 0,
    errors: report.errors.map((e) => ({
      line: Number(e.line) || 0,
      field: String(e.field ?? ''),
      message: String(e.message ?? ''),
    })),
  };
}

export interface PreviewRow {
  key: string;
  line: number;
  column: string; // '' when the problem is not in one column
  message: string;
}

export interface Preview {
  counts: { label: string; value: number }[];
  errors: PreviewRow[];
  // True when the dry run found nothing wrong: the import may then be confirmed.
  canConfirm: boolean;
  // One sentence saying what the file would do (or did).
  summary: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

// The import's answer as what the preview shows: the counts, every error with its line (in
// line order), and whether it may be confirmed.
export function previewOf(report: ImportReport): Preview {
  const errors = report.errors
    .map((e, index) => ({ ...e, index }))
    .sort((a, b) => a.line - b.line || a.index - b.index)
    .map((e) => ({ key: `${e.line}-${e.index}`, line: e.line, column: e.field, message: e.message }));
  const counts = [
    { label: 'Created', value: report.created },
    { label: 'Updated', value: report.updated },
    { label: 'Unchanged', value: report.unchanged },
    { label: 'Groups created', value: report.groups_created },
    { label: 'Types created', value: report.types_created },
  ];
  let summary: string;
  if (errors.length > 0) {
    summary = `The file has ${plural(errors.length, 'error')}; nothing was written. Fix ${
      errors.length === 1 ? 'it' : 'them'
    } and check the file again.`;
  } else {
    const what = `${plural(report.created, 'mapping')} created, ${report.updated.toLocaleString(
      'en',
    )} updated, ${report.unchanged.toLocaleString('en')} unchanged`;
    summary = report.dry_run ? `The file is good: ${what} when you confirm.` : `Imported: ${what}.`;
  }
  return { counts, errors, canConfirm: report.dry_run && errors.length === 0, summary };
}

// `1.5 MB` for a file's size.
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// The bytes of a text as UTF-8 (what the upload sends).
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

// The filters `GET /mappings/export` takes, as the list names them.
const EXPORTED_FILTERS = ['group_id', 'type_id', 'avni_value', 'int_system_value', 'data_type_hint', 'q'];

// The export's query: the list's filters, so that the file holds what the list shows. Voided
// mappings are never exported (the file is for importing back), whatever the list shows.
export function exportQuery(filter: Record<string, unknown> = {}): Query {
  const query: Query = { format: 'csv' };
  for (const key of EXPORTED_FILTERS) {
    const value = filter[key];
    if (isActive(value) && (typeof value === 'string' || typeof value === 'number')) query[key] = value;
  }
  return query;
}

// The list's active filters that the export does not apply, as a person reads them (to say so
// beside the export button): only "include voided".
export function filtersNotExported(filter: Record<string, unknown> = {}): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (!isActive(value) || EXPORTED_FILTERS.includes(key)) continue;
    const label = FILTER_LABELS[key] ?? key;
    if (!names.includes(label)) names.push(label);
  }
  return names;
}

// A refusal because another mapping holds one of the values: the service's message (which
// names that row) and the row's id, to link to it.
export interface Conflict {
  message: string;
  mappingId: number | null;
}

export function conflictOf(error: unknown): Conflict | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const match = /\bmapping (\d+)\b/.exec(error.message);
  return { message: error.message, mappingId: match ? Number(match[1]) : null };
}

// The message to show for any failed request: the service's own when it gave one.
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'the request failed';
}
