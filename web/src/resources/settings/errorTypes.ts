// The error-types screen's logic: the list is the priority order (first tried first), moved
// item by item; it is checked before Save, and sent whole with priorities that keep the order.

export const MATCH_KINDS = ['EQUALS', 'CONTAINS', 'MATCHES'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];
export const FOLLOW_UP_STEPS = ['Process', 'Terminal', 'Internal', 'External'] as const;
export type FollowUpStep = (typeof FOLLOW_UP_STEPS)[number];

// What the API answers, plus `key`: a stable local id for rows not saved yet.
export interface ErrorType {
  key: string;
  id?: number;
  uuid?: string;
  name: string;
  operator: MatchKind;
  value: string;
  follow_up_step: FollowUpStep;
  priority?: number;
}

export interface ApiErrorType {
  id?: number;
  uuid?: string;
  name: string;
  operator: string;
  value: string;
  follow_up_step: string;
  priority: number;
}

// The name the service gives errors no type matches; no type may take it.
export const UNCLASSIFIED = 'Unclassified';
export const MAX_NAME = 200;
export const MAX_TEXT_BYTES = 4096; // EQUALS, CONTAINS: a longer value could never match
export const MAX_PATTERN = 1000; // MATCHES

export const MATCH_KIND_TEXT: Record<MatchKind, string> = {
  EQUALS: 'is exactly',
  CONTAINS: 'contains',
  MATCHES: 'matches the pattern',
};

export const FOLLOW_UP_TEXT: Record<FollowUpStep, string> = {
  Process: 'retried by the errors job',
  Terminal: 'never retried',
  Internal: 'for the integration team',
  External: 'for the other system’s team',
};

let made = 0;
export function newKey(): string {
  made += 1;
  return `new-${made}`;
}

// The API's list in the order tried (lowest priority first; ties as the API listed them).
export function fromApi(types: readonly ApiErrorType[]): ErrorType[] {
  return types
    .map((t, index) => ({ t, index }))
    .sort((a, b) => a.t.priority - b.t.priority || a.index - b.index)
    .map(({ t }) => ({
      key: t.uuid ?? (t.id !== undefined ? `id-${t.id}` : newKey()),
      id: t.id,
      uuid: t.uuid,
      name: t.name,
      operator: t.operator as MatchKind,
      value: t.value,
      follow_up_step: t.follow_up_step as FollowUpStep,
      priority: t.priority,
    }));
}

// The list with the item at `index` moved by `delta` places (clamped to the list's ends); the
// same list when it cannot move.
export function move<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = Math.min(list.length - 1, Math.max(0, index + delta));
  if (index < 0 || index >= list.length || to === index) return [...list];
  const out = [...list];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item);
  return out;
}

export interface Problem {
  index: number; // -1: the whole list
  field: 'name' | 'operator' | 'value' | 'follow_up_step' | 'list';
  message: string;
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

// One type's problems (for the edit dialog) with `others` the other types' names.
export function checkType(t: Omit<ErrorType, 'key'>, others: readonly string[] = [], index = 0): Problem[] {
  const problems: Problem[] = [];
  const at = (field: Problem['field'], message: string) => problems.push({ index, field, message });
  const name = t.name.trim();
  if (name === '') at('name', 'a name is required');
  else if (name.toLowerCase() === UNCLASSIFIED.toLowerCase())
    at('name', `'${UNCLASSIFIED}' is kept for errors that match no type`);
  else if ([...name].length > MAX_NAME) at('name', `a name may have at most ${MAX_NAME} characters`);
  else if (others.includes(name)) at('name', `another type is named '${name}'`);
  if (!MATCH_KINDS.includes(t.operator)) at('operator', 'the match must be EQUALS, CONTAINS or MATCHES');
  if (!FOLLOW_UP_STEPS.includes(t.follow_up_step))
    at('follow_up_step', 'the follow-up must be Process, Terminal, Internal or External');
  if (t.value === '') {
    at('value', 'a value is required (to match every message, use MATCHES with .*)');
  } else if (t.operator === 'MATCHES') {
    if ([...t.value].length > MAX_PATTERN) at('value', `a pattern may have at most ${MAX_PATTERN} characters`);
    else if (/\\[1-9]/.test(t.value)) at('value', 'a pattern may not use backreferences such as \\1');
    else if (/\(\?<?[=!]/.test(t.value)) at('value', 'a pattern may not use lookaround such as (?= or (?!');
  } else if (utf8Bytes(t.value) > MAX_TEXT_BYTES) {
    at('value', `the text may have at most ${MAX_TEXT_BYTES} bytes (only that much of a message is compared)`);
  }
  return problems;
}

// Every problem of the list, each naming its row, checked as the API will.
export function validate(list: readonly ErrorType[]): Problem[] {
  const problems: Problem[] = [];
  list.forEach((t, index) => {
    const earlier = list.slice(0, index).map((o) => o.name.trim());
    problems.push(...checkType(t, earlier, index));
  });
  return problems;
}

// Priorities for the list's order: those it has when they already rise strictly down the list
// (so that an unchanged list sends what it got), else 10, 20, 30...
export function priorities(list: readonly Pick<ErrorType, 'priority'>[]): number[] {
  const kept = list.map((t) => t.priority);
  const rising = kept.every(
    (p, i) => p !== undefined && Number.isInteger(p) && (i === 0 || (kept[i - 1] as number) < p),
  );
  return rising ? (kept as number[]) : list.map((_, i) => (i + 1) * 10);
}

// The body of `PUT /error-types`: the whole set, in order.
export function toPayload(list: readonly ErrorType[]): { error_types: ApiErrorType[] } {
  const p = priorities(list);
  return {
    error_types: list.map((t, i) => {
      const out: ApiErrorType = {
        name: t.name.trim(),
        operator: t.operator,
        value: t.value,
        follow_up_step: t.follow_up_step,
        priority: p[i],
      };
      if (t.uuid) out.uuid = t.uuid;
      return out;
    }),
  };
}

// Whether the list differs from what was loaded (what Save would change).
export function changed(list: readonly ErrorType[], loaded: readonly ErrorType[]): boolean {
  return JSON.stringify(toPayload(list)) !== JSON.stringify(toPayload(loaded));
}

// What a save did, in a sentence.
export function savedText(answer: { reclassified?: number; superseded?: boolean }): string {
  const n = answer.reclassified ?? 0;
  const records = n === 1 ? '1 error record changed type' : `${n} error records changed type`;
  const base = `Saved. ${records}.`;
  return answer.superseded
    ? `${base} The error types were changed again meanwhile, so the reclassification stopped; the later change reclassifies the records in its turn.`
    : base;
}
