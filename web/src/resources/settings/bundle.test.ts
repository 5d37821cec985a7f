import { describe, expect, it } from 'vitest';
import { importSummary, looksLikeZip, problemsOf } from './bundle';

describe('importSummary', () => {
  it('adds up the files', () => {
    expect(
      importSummary({
        files: [
          { file: 'mappingMetadata.json', created: 2, updated: 1, unchanged: 5, skipped: 0 },
          { file: 'errorTypes.json', created: 0, updated: 0, unchanged: 1, skipped: 0 },
        ],
        secrets_to_set: [],
      }),
    ).toBe('Imported: 2 created, 1 updated, 6 unchanged.');
    expect(
      importSummary({ files: [{ file: 'a', created: 0, updated: 0, unchanged: 0, skipped: 2 }], secrets_to_set: [] }),
    ).toMatch(/2 skipped/);
  });
});

describe('problemsOf', () => {
  it('lists details.errors, and nothing for another shape', () => {
    const body = {
      error: {
        code: 'invalid_argument',
        message: 'the bundle was not imported: x',
        details: { field: 'errorTypes.json[0].name', errors: [{ file: 'errorTypes.json', field: '[0].name', message: 'x' }] },
      },
    };
    expect(problemsOf(body)).toEqual([{ file: 'errorTypes.json', field: '[0].name', message: 'x' }]);
    expect(problemsOf(undefined)).toEqual([]);
    expect(problemsOf({ error: { details: {} } })).toEqual([]);
  });
});

describe('looksLikeZip', () => {
  it('knows a zip', () => {
    expect(looksLikeZip({ name: 'b.ZIP', type: '' })).toBe(true);
    expect(looksLikeZip({ name: 'b', type: 'application/zip' })).toBe(true);
    expect(looksLikeZip({ name: 'b.csv', type: 'text/csv' })).toBe(false);
  });
});
