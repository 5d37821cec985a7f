// The config screen's logic: how a row shows its value (a secret is write-only: "set", never
// the mask as if it were a value), and what a new or changed value sends.

// What the API answers for every secret value.
export const SECRET_MASK = '***';
export const MAX_KEY = 200;
export const MAX_VALUE = 10_000;

export interface ConfigEntry {
  key: string;
  value: string;
  is_secret: boolean;
  updated_at: string | null;
}

export type ConfigValueView =
  | { kind: 'secret'; set: boolean; text: string }
  | { kind: 'plain'; text: string; empty: boolean };

// A secret shows as "set" (the API masks every stored secret) or "not set" (an empty value,
// should the API ever tell it apart); a plain value as itself.
export function configValueView(entry: Pick<ConfigEntry, 'value' | 'is_secret'>): ConfigValueView {
  if (entry.is_secret) {
    const set = entry.value !== '';
    return { kind: 'secret', set, text: set ? 'set' : 'not set' };
  }
  return { kind: 'plain', text: entry.value === '' ? '(empty)' : entry.value, empty: entry.value === '' };
}

// The service seals a key named like a credential whatever is_secret says.
export function nameSaysSecret(key: string): boolean {
  const lower = key.toLowerCase();
  return ['password', 'secret', 'token'].some((word) => lower.includes(word));
}

// The problem with a key typed in the add dialog, or undefined.
export function checkKey(key: string, existing: readonly string[] = []): string | undefined {
  if (key.trim() === '') return 'the key is required';
  if (key !== key.trim()) return 'the key may not begin or end with spaces';
  if ([...key].length > MAX_KEY) return `the key may have at most ${MAX_KEY} characters`;
  if (existing.includes(key)) return `'${key}' is already set: change it in its row`;
  return undefined;
}

export function checkValue(value: string): string | undefined {
  if ([...value].length > MAX_VALUE) return `the value may have at most ${MAX_VALUE} characters`;
  return undefined;
}

// The body of `PUT /config/{key}`: a secret stays secret whatever its name.
export function putBody(value: string, isSecret: boolean, key: string): { value: string; is_secret: boolean } {
  return { value, is_secret: isSecret || nameSaysSecret(key) };
}
