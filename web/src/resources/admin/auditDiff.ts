// An audit entry's `before` and `after`: which keys changed, and each side pretty-printed line
// by line with those keys marked, for the side-by-side view.
//
// A path names a value inside a state: `name`, `config.url`, `steps[2]`; the whole state is ''.

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A key as it is written in a path: plain names as they are, anything else quoted.
function keyPath(parent: string, key: string): string {
  const plain = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key);
  const part = plain ? key : `[${JSON.stringify(key)}]`;
  if (!parent) return plain ? key : part;
  return plain ? `${parent}.${key}` : `${parent}${part}`;
}

function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

// What changed between two states, down to the smallest value that differs: a key only after
// is added, only before removed; objects and arrays are compared member by member (arrays by
// position). A state that is absent (null: a creation's before, a deletion's after) counts as
// an empty object when the other side is one, so each of its keys shows as added or removed.
export function diffStates(before: unknown, after: unknown): Change[] {
  const changes: Change[] = [];
  const absent = (v: unknown) => v === null || v === undefined;
  if (absent(before) && isObject(after)) before = {};
  if (absent(after) && isObject(before)) after = {};
  walk(before, after, '', changes);
  return changes;
}

function walk(before: unknown, after: unknown, path: string, out: Change[]): void {
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      const at = keyPath(path, key);
      if (!(key in after)) out.push({ path: at, kind: 'removed', before: before[key] });
      else walk(before[key], after[key], at, out);
    }
    for (const key of Object.keys(after)) {
      if (!(key in before)) out.push({ path: keyPath(path, key), kind: 'added', after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) walk(before[i], after[i], indexPath(path, i), out);
    for (let i = common; i < before.length; i++) out.push({ path: indexPath(path, i), kind: 'removed', before: before[i] });
    for (let i = common; i < after.length; i++) out.push({ path: indexPath(path, i), kind: 'added', after: after[i] });
    return;
  }
  if (before === undefined && after !== undefined) {
    out.push({ path, kind: 'added', after });
    return;
  }
  if (after === undefined && before !== undefined) {
    out.push({ path, kind: 'removed', before });
    return;
  }
  if (!deepEqual(before, after)) out.push({ path, kind: 'changed', before, after });
}

// One line of a pretty-printed state: its indent (in levels), its text, the path of the value it
// shows, and how that value changed (null: it did not).
export interface Line {
  indent: number;
  text: string;
  path: string;
  mark: ChangeKind | null;
}

// The state pretty-printed as JSON.stringify(value, null, 2) would, one Line per line, each
// marked when its value (or a value it sits inside) is one of `changes` on this side: the
// before side shows what was removed or changed, the after side what was added or changed.
export function prettyLines(value: unknown, changes: Change[], side: 'before' | 'after'): Line[] {
  const marks = new Map<string, ChangeKind>();
  for (const change of changes) {
    if (side === 'before' && change.kind === 'added') continue;
    if (side === 'after' && change.kind === 'removed') continue;
    marks.set(change.path, change.kind);
  }
  const lines: Line[] = [];
  if (value === undefined) return lines;
  emit(value as Json, '', 0, '', '', null, marks, lines);
  return lines;
}

function emit(
  value: Json,
  path: string,
  indent: number,
  prefix: string, // `"key": ` inside an object
  suffix: string, // `,` when more members follow
  inherited: ChangeKind | null,
  marks: Map<string, ChangeKind>,
  out: Line[],
): void {
  const mark = marks.get(path) ?? inherited;
  if (Array.isArray(value) || isObject(value)) {
    const entries: [string, Json, string][] = Array.isArray(value)
      ? value.map((item, i) => ['', item, indexPath(path, i)])
      : Object.entries(value).map(([key, item]) => [`${JSON.stringify(key)}: `, item, keyPath(path, key)]);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      out.push({ indent, text: `${prefix}${open}${close}${suffix}`, path, mark });
      return;
    }
    out.push({ indent, text: `${prefix}${open}`, path, mark });
    entries.forEach(([key, item, at], i) =>
      emit(item, at, indent + 1, key, i < entries.length - 1 ? ',' : '', mark, marks, out),
    );
    out.push({ indent, text: `${close}${suffix}`, path, mark });
    return;
  }
  out.push({ indent, text: `${prefix}${JSON.stringify(value)}${suffix}`, path, mark });
}

// A value in one short line, for the list of changes ("name: 'a' -> 'b'").
export function shortValue(value: unknown, max = 80): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
