import { describe, expect, it } from 'vitest';
import { checkKeyName, keyState, rolesUpTo } from './apiKeys';

describe('api keys', () => {
  it('tells revoked keys', () => {
    expect(keyState({ revoked_at: null })).toBe('active');
    expect(keyState({ revoked_at: '2026-01-01T00:00:00Z' })).toBe('revoked');
  });
  it('caps the roles at the caller’s', () => {
    expect(rolesUpTo('admin')).toEqual(['viewer', 'editor', 'admin']);
    expect(rolesUpTo('editor')).toEqual(['viewer', 'editor']);
    expect(rolesUpTo(null)).toEqual([]);
  });
  it('wants a name', () => {
    expect(checkKeyName(' ')).toMatch(/required/);
    expect(checkKeyName('x'.repeat(201))).toMatch(/200/);
    expect(checkKeyName('nightly export')).toBeUndefined();
  });
});
