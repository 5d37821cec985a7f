// The bundle screen's logic: what an import answered.

export interface FileCounts {
  file: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface ImportReport {
  files: FileCounts[];
  secrets_to_set: string[];
}

export interface BundleProblem {
  file: string;
  field: string;
  message: string;
}

// The totals of an import, in a sentence.
export function importSummary(report: ImportReport): string {
  const sum = (field: keyof Omit<FileCounts, 'file'>) =>
    report.files.reduce((n, f) => n + (Number(f[field]) || 0), 0);
  const parts = [`${sum('created')} created`, `${sum('updated')} updated`, `${sum('unchanged')} unchanged`];
  const skipped = sum('skipped');
  if (skipped) parts.push(`${skipped} skipped`);
  return `Imported: ${parts.join(', ')}.`;
}

// The problems an import refusal lists (details.errors), from the error's body.
export function problemsOf(body: unknown): BundleProblem[] {
  const errors = (body as { error?: { details?: { errors?: unknown } } })?.error?.details?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({ file: String(e.file ?? ''), field: String(e.field ?? ''), message: String(e.message ?? '') }));
}

// A file the browser picked looks like a zip (by name or type): a cheap check before upload.
export function looksLikeZip(file: { name: string; type: string }): boolean {
  return /\.zip$/i.test(file.name) || /zip/.test(file.type);
}
