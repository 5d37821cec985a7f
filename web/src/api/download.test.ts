import { describe, expect, it } from 'vitest';
import { fileNameOf } from './download';

describe('fileNameOf', () => {
  it('reads the name the service gives, the encoded form first', () => {
    expect(fileNameOf('attachment; filename="mappings-tenant-4.csv"', 'x.csv')).toBe('mappings-tenant-4.csv');
    expect(fileNameOf("attachment; filename*=UTF-8''m%C3%A9.csv", 'x.csv')).toBe('mé.csv');
    expect(fileNameOf('attachment; filename=plain.csv', 'x.csv')).toBe('plain.csv');
  });
  it('adds the extension when asked and missing', () => {
    expect(fileNameOf('attachment; filename="demo-bahmni.zip"', 'x.zip', '.zip')).toBe('demo-bahmni.zip');
    expect(fileNameOf('attachment; filename=plain', 'x.zip', '.zip')).toBe('plain.zip');
  });
  it('falls back without a name, and never gives a path', () => {
    expect(fileNameOf(null, 'tenant-3.zip')).toBe('tenant-3.zip');
    expect(fileNameOf('attachment', 'x.csv')).toBe('x.csv');
    expect(fileNameOf('attachment; filename="../a.zip"', 'x.zip', '.zip')).toBe('.._a.zip');
  });
});
