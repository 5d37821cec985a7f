import { describe, expect, it } from 'vitest';
import { changed, checkType, fromApi, move, priorities, savedText, toPayload, validate, type ErrorType } from './errorTypes';

const type = (name: string, extra: Partial<ErrorType> = {}): ErrorType => ({
  key: name,
  name,
  operator: 'CONTAINS',
  value: name.toLowerCase(),
  follow_up_step: 'Process',
  ...extra,
});

describe('move', () => {
  const list = ['a', 'b', 'c'];
  it('moves up and down', () => {
    expect(move(list, 1, -1)).toEqual(['b', 'a', 'c']);
    expect(move(list, 1, 1)).toEqual(['a', 'c', 'b']);
    expect(move(list, 0, 2)).toEqual(['b', 'c', 'a']);
  });
  it('stays put at the ends and leaves the original alone', () => {
    expect(move(list, 0, -1)).toEqual(list);
    expect(move(list, 2, 1)).toEqual(list);
    expect(move(list, 5, -1)).toEqual(list);
    move(list, 1, 1);
    expect(list).toEqual(['a', 'b', 'c']);
  });
});

describe('fromApi', () => {
  it('orders by priority, ties as listed', () => {
    const got = fromApi([
      { id: 1, uuid: 'u1', name: 'B', operator: 'EQUALS', value: 'b', follow_up_step: 'Terminal', priority: 20 },
      { id: 2, uuid: 'u2', name: 'A', operator: 'MATCHES', value: 'a', follow_up_step: 'Process', priority: 10 },
      { id: 3, uuid: 'u3', name: 'C', operator: 'CONTAINS', value: 'c', follow_up_step: 'External', priority: 20 },
    ]);
    expect(got.map((t) => t.name)).toEqual(['A', 'B', 'C']);
    expect(got[0].key).toBe('u2');
  });
});

describe('validate', () => {
  it('accepts a good list', () => {
    expect(validate([type('A'), type('B', { operator: 'MATCHES', value: '^http 4\\d{2}' })])).toEqual([]);
  });
  it('names the row and field of each problem', () => {
    const problems = validate([
      type('A'),
      type('A'),
      type(' '),
      type('unclassified'),
      type('E', { value: '' }),
      type('F', { operator: 'MATCHES', value: '(a)\\1' }),
      type('G', { operator: 'MATCHES', value: 'x(?=y)' }),
      type('H', { operator: 'MATCHES', value: 'x'.repeat(1001) }),
      type('I', { operator: 'EQUALS', value: 'é'.repeat(2049) }),
    ]);
    expect(problems.map((p) => [p.index, p.field])).toEqual([
      [1, 'name'],
      [2, 'name'],
      [3, 'name'],
      [4, 'value'],
      [5, 'value'],
      [6, 'value'],
      [7, 'value'],
      [8, 'value'],
    ]);
    expect(problems[0].message).toMatch(/another type is named 'A'/);
    expect(problems[2].message).toMatch(/Unclassified/);
  });
  it('checks one type against the others', () => {
    expect(checkType(type('X'), ['X'])).toHaveLength(1);
    expect(checkType(type('X'), ['Y'])).toHaveLength(0);
  });
});

describe('priorities and toPayload', () => {
  it('keeps priorities that already rise', () => {
    expect(priorities([{ priority: 1 }, { priority: 5 }, { priority: 7 }])).toEqual([1, 5, 7]);
  });
  it('renumbers after a move or with a new type', () => {
    expect(priorities([{ priority: 5 }, { priority: 1 }])).toEqual([10, 20]);
    expect(priorities([{ priority: 5 }, {}])).toEqual([10, 20]);
  });
  it('sends the whole set in order, with uuids, without local keys or ids', () => {
    const body = toPayload([
      type('B', { uuid: 'u-b', id: 4, priority: 3 }),
      type('A', { priority: 1 }),
      type(' New '),
    ]);
    expect(body).toEqual({
      error_types: [
        { uuid: 'u-b', name: 'B', operator: 'CONTAINS', value: 'b', follow_up_step: 'Process', priority: 10 },
        { name: 'A', operator: 'CONTAINS', value: 'a', follow_up_step: 'Process', priority: 20 },
        { name: 'New', operator: 'CONTAINS', value: ' new ', follow_up_step: 'Process', priority: 30 },
      ],
    });
  });
  it('tells a changed list from the loaded one', () => {
    const loaded = [type('A', { priority: 1 }), type('B', { priority: 2 })];
    expect(changed([...loaded], loaded)).toBe(false);
    expect(changed(move(loaded, 0, 1), loaded)).toBe(true);
    expect(changed(loaded.slice(1), loaded)).toBe(true);
  });
});

describe('savedText', () => {
  it('says how many records changed type, and when it was superseded', () => {
    expect(savedText({ reclassified: 3, superseded: false })).toBe('Saved. 3 error records changed type.');
    expect(savedText({ reclassified: 1 })).toBe('Saved. 1 error record changed type.');
    expect(savedText({ reclassified: 0, superseded: true })).toMatch(/changed again meanwhile/);
  });
});
