import { describe, expect, it } from 'vitest';
import { checkKey, checkValue, configValueView, nameSaysSecret, putBody, SECRET_MASK } from './config';

describe('configValueView', () => {
  it('shows a stored secret as set, never the mask', () => {
    const view = configValueView({ value: SECRET_MASK, is_secret: true });
    expect(view).toEqual({ kind: 'secret', set: true, text: 'set' });
    expect(JSON.stringify(view)).not.toContain('***');
  });
  it('shows an empty secret as not set', () => {
    expect(configValueView({ value: '', is_secret: true })).toMatchObject({ set: false, text: 'not set' });
  });
  it('shows a plain value as it is, and an empty one as such', () => {
    expect(configValueView({ value: 'http://avni', is_secret: false })).toEqual({
      kind: 'plain',
      text: 'http://avni',
      empty: false,
    });
    expect(configValueView({ value: '', is_secret: false })).toMatchObject({ text: '(empty)', empty: true });
  });
  it('shows a plain value that happens to be three stars as a value', () => {
    expect(configValueView({ value: '***', is_secret: false })).toMatchObject({ kind: 'plain', text: '***' });
  });
});

describe('nameSaysSecret', () => {
  it('knows the words the service seals', () => {
    expect(nameSaysSecret('avni_password')).toBe(true);
    expect(nameSaysSecret('E2E_TOKEN')).toBe(true);
    expect(nameSaysSecret('client_Secret')).toBe(true);
    expect(nameSaysSecret('avni_api_url')).toBe(false);
  });
});

describe('checkKey and checkValue', () => {
  it('wants a key, trimmed, short enough and new', () => {
    expect(checkKey('')).toMatch(/required/);
    expect(checkKey(' a')).toMatch(/spaces/);
    expect(checkKey('x'.repeat(201))).toMatch(/200/);
    expect(checkKey('x'.repeat(200))).toBeUndefined();
    expect(checkKey('avni_user', ['avni_user'])).toMatch(/already set/);
    expect(checkKey('new_key', ['avni_user'])).toBeUndefined();
  });
  it('bounds a value', () => {
    expect(checkValue('x'.repeat(10_001))).toMatch(/10000/);
    expect(checkValue('')).toBeUndefined();
  });
});

describe('putBody', () => {
  it('keeps a credential-named key secret', () => {
    expect(putBody('v', false, 'e2e_token')).toEqual({ value: 'v', is_secret: true });
    expect(putBody('v', false, 'plain')).toEqual({ value: 'v', is_secret: false });
    expect(putBody('v', true, 'plain')).toEqual({ value: 'v', is_secret: true });
  });
});
