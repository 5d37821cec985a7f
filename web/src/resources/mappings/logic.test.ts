import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { listQuery } from '../../dataProvider';
import {
  conflictOf,
  exportQuery,
  filtersNotExported,
  formatBytes,
  previewOf,
  reportOf,
  utf8Length,
  type ImportReport,
} from './logic';

const good: ImportReport = {
  dry_run: true,
  created: 2,
  updated: 1,
  unchanged: 40,
  groups_created: 1,
  types_created: 0,
  errors: [],
};

// What the API answers for a file with errors: the report and the usual error beside it.
const badBody = {
  dry_run: true,
  created: 1,
  updated: 0,
  unchanged: 0,
  groups_created: 0,
  types_created: 0,
  errors: [
    { line: 7, field: 'data_type_hint', message: "data_type_hint must be one of Coded, ..., not 'Colour'" },
    { line: 3, field: 'avni_value', message: 'avni_value is empty' },
    { line: 3, field: '', message: 'the line has 5 fields, the header 6' },
  ],
  error: { code: 'invalid_argument', message: 'the CSV has 3 errors (the first: line 3: ...); nothing was written' },
};

describe('reportOf', () => {
  it('reads the report of a 200', () => {
    expect(reportOf(good)).toEqual(good);
  });

  it('reads the report a 400 carries beside its error', () => {
    const error = new ApiError(400, 'invalid_argument', badBody.error.message, 'body', badBody);
    const report = reportOf(error);
    expect(report?.errors).toHaveLength(3);
    expect(report?.created).toBe(1);
  });

  it('is null for a refusal that is no report', () => {
    const refused = new ApiError(403, 'forbidden', 'editors only', undefined, {
      error: { code: 'forbidden', message: 'editors only' },
    });
    expect(reportOf(refused)).toBeNull();
    expect(reportOf(new ApiError(413, 'too_large', 'the body is over 32 MiB'))).toBeNull();
    expect(reportOf(undefined)).toBeNull();
  });

  it('fills counts an older server leaves out', () => {
    const { groups_created: _g, types_created: _t, ...old } = good;
    expect(reportOf(old)?.groups_created).toBe(0);
  });
});

describe('previewOf', () => {
  it('lists every error by line, keeping the order within a line, and forbids confirming', () => {
    const preview = previewOf(reportOf(badBody)!);
    expect(preview.errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'avni_value'],
      [3, ''],
      [7, 'data_type_hint'],
    ]);
    expect(new Set(preview.errors.map((e) => e.key)).size).toBe(3);
    expect(preview.canConfirm).toBe(false);
    expect(preview.summary).toMatch(/3 errors; nothing was written/);
  });

  it('offers to confirm a clean dry run, with its counts', () => {
    const preview = previewOf(good);
    expect(preview.canConfirm).toBe(true);
    expect(preview.counts).toEqual([
      { label: 'Created', value: 2 },
      { label: 'Updated', value: 1 },
      { label: 'Unchanged', value: 40 },
      { label: 'Groups created', value: 1 },
      { label: 'Types created', value: 0 },
    ]);
    expect(preview.summary).toBe('The file is good: 2 mappings created, 1 updated, 40 unchanged when you confirm.');
  });

  it('says what a real import did and offers no second confirmation', () => {
    const preview = previewOf({ ...good, dry_run: false, created: 1 });
    expect(preview.canConfirm).toBe(false);
    expect(preview.summary).toBe('Imported: 1 mapping created, 1 updated, 40 unchanged.');
  });

  it('says "error" for one', () => {
    const one = { ...good, errors: [{ line: 2, field: 'group', message: 'group is empty' }] };
    expect(previewOf(one).summary).toMatch(/has 1 error; .*Fix it/);
  });
});

describe('export', () => {
  it('asks for CSV whatever the filter (the export route takes none)', () => {
    expect(exportQuery({ group_id: 3, q: 'blood', avni_value: '', include_voided: true })).toEqual({
      format: 'csv',
      group_id: 3,
      q: 'blood',
    });
    expect(exportQuery()).toEqual({ format: 'csv' });
  });

  it('names the active filters the export leaves out, once each', () => {
    expect(filtersNotExported({ group_id: 3, q: 'blood', avni_value: '', include_voided: false })).toEqual([]);
    expect(filtersNotExported({ include_voided: true, data_type_hint: 'Coded' })).toEqual(['include voided']);
    expect(filtersNotExported({})).toEqual([]);
  });

});

describe('conflictOf', () => {
  it('keeps the message and finds the mapping in the way', () => {
    const message =
      "avni_value 'A+' is already mapped in this group and type by mapping 12 (avni_value 'A+', int_system_value 'uuid-1'); change or void that mapping first";
    expect(conflictOf(new ApiError(409, 'conflict', message))).toEqual({ message, mappingId: 12 });
  });

  it('is null for anything but a 409', () => {
    expect(conflictOf(new ApiError(400, 'invalid_argument', 'avni_value is required'))).toBeNull();
    expect(conflictOf(new Error('network'))).toBeNull();
  });

  it('keeps a 409 that names no mapping', () => {
    expect(conflictOf(new ApiError(409, 'conflict', 'try again'))).toEqual({ message: 'try again', mappingId: null });
  });
});

describe('the mappings list query', () => {
  it('sends the filters and only the sorts the API takes', () => {
    expect(
      listQuery('mappings', {
        pagination: { page: 2, perPage: 25 },
        sort: { field: 'avni_value', order: 'DESC' },
        filter: { group_id: 4, q: 'blood', include_voided: true, avni_value: '' },
      }),
    ).toEqual({ page: 1, size: 25, sort: '-avni_value', group_id: 4, q: 'blood', include_voided: 'true' });
    // group and type are not sorted by the API: no sort is sent
    expect(listQuery('mappings', { sort: { field: 'group', order: 'ASC' } })).toEqual({});
    expect(listQuery('mapping-groups', { sort: { field: 'name', order: 'ASC' } })).toEqual({ sort: 'name' });
  });
});

describe('sizes', () => {
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024 + 1)).toBe('5.0 MB');
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
  });
});
