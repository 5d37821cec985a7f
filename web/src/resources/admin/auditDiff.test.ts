import { describe, expect, it } from 'vitest';
import { deepEqual, diffStates, prettyLines, shortValue } from './auditDiff';

describe('diffStates', () => {
  it('finds a changed key and leaves the rest', () => {
    const before = { id: 3, name: 'north', active: true };
    const after = { id: 3, name: 'south', active: true };
    expect(diffStates(before, after)).toEqual([{ path: 'name', kind: 'changed', before: 'north', after: 'south' }]);
  });

  it('tells added keys from removed ones', () => {
    expect(diffStates({ a: 1, gone: 'x' }, { a: 1, fresh: [1] })).toEqual([
      { path: 'gone', kind: 'removed', before: 'x' },
      { path: 'fresh', kind: 'added', after: [1] },
    ]);
  });

  it('goes into nested objects and arrays, naming the path', () => {
    const before = { config: { url: 'http://a', retries: 3 }, steps: ['a', 'b'], 'odd key': 1 };
    const after = { config: { url: 'http://b', retries: 3, timeout: 5 }, steps: ['a', 'c', 'd'], 'odd key': 2 };
    expect(diffStates(before, after)).toEqual([
      { path: 'config.url', kind: 'changed', before: 'http://a', after: 'http://b' },
      { path: 'config.timeout', kind: 'added', after: 5 },
      { path: 'steps[1]', kind: 'changed', before: 'b', after: 'c' },
      { path: 'steps[2]', kind: 'added', after: 'd' },
      { path: '["odd key"]', kind: 'changed', before: 1, after: 2 },
    ]);
  });

  it('reports a shorter array as removed items, and a changed type as changed', () => {
    expect(diffStates({ l: [1, 2, 3], v: { x: 1 } }, { l: [1], v: 'x' })).toEqual([
      { path: 'l[1]', kind: 'removed', before: 2 },
      { path: 'l[2]', kind: 'removed', before: 3 },
      { path: 'v', kind: 'changed', before: { x: 1 }, after: 'x' },
    ]);
  });

  it('shows a creation as every key added and a deletion as every key removed', () => {
    expect(diffStates(null, { name: 'n', type: 'demo' }).map((c) => `${c.kind} ${c.path}`)).toEqual([
      'added name',
      'added type',
    ]);
    expect(diffStates({ name: 'n' }, null)).toEqual([{ path: 'name', kind: 'removed', before: 'n' }]);
  });

  it('compares whole values that are not objects', () => {
    expect(diffStates('old text', 'new text')).toEqual([{ path: '', kind: 'changed', before: 'old text', after: 'new text' }]);
    expect(diffStates(null, null)).toEqual([]);
    expect(diffStates({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual([]);
  });
});

describe('prettyLines', () => {
  it('prints as JSON.stringify with two spaces would', () => {
    const value = { name: 'x', nested: { list: [1, 'two', null], empty: {} }, none: [] };
    const lines = prettyLines(value, [], 'after');
    const text = lines.map((l) => '  '.repeat(l.indent) + l.text).join('\n');
    expect(text).toBe(JSON.stringify(value, null, 2));
    expect(lines.every((l) => l.mark === null)).toBe(true);
  });

  it('marks changed and removed values on the before side, changed and added on the after side', () => {
    const before = { name: 'north', old: 1, same: true };
    const after = { name: 'south', same: true, fresh: 2 };
    const changes = diffStates(before, after);
    const marked = (side: 'before' | 'after', value: unknown) =>
      prettyLines(value, changes, side)
        .filter((l) => l.mark)
        .map((l) => `${l.mark} ${l.text}`);
    expect(marked('before', before)).toEqual(['changed "name": "north",', 'removed "old": 1,']);
    expect(marked('after', after)).toEqual(['changed "name": "south",', 'added "fresh": 2']);
  });

  it('marks every line of a nested value that was added whole', () => {
    const after = { a: 1, config: { url: 'u', list: [1] } };
    const lines = prettyLines(after, diffStates({ a: 1 }, after), 'after');
    expect(lines.map((l) => l.mark)).toEqual([null, null, 'added', 'added', 'added', 'added', 'added', 'added', null]);
    expect(lines[5]).toMatchObject({ path: 'config.list[0]', text: '1', indent: 3 });
  });

  it('marks a nested key deep inside, not its parents', () => {
    const before = { config: { url: 'a', n: 1 } };
    const after = { config: { url: 'b', n: 1 } };
    const lines = prettyLines(after, diffStates(before, after), 'after');
    expect(lines.filter((l) => l.mark).map((l) => l.path)).toEqual(['config.url']);
  });

  it('prints nothing for an absent state', () => {
    expect(prettyLines(undefined, [], 'before')).toEqual([]);
    expect(prettyLines(null, [], 'before')).toEqual([{ indent: 0, text: 'null', path: '', mark: null }]);
  });
});

describe('deepEqual and shortValue', () => {
  it('compares by value', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });

  it('keeps a value to one short line', () => {
    expect(shortValue('north')).toBe('"north"');
    expect(shortValue(undefined)).toBe('(none)');
    expect(shortValue({ a: 'x'.repeat(100) }, 20)).toHaveLength(20);
  });
});
