import { describe, expect, it } from 'vitest';
import {
  actionBody,
  actionFilter,
  confirmation,
  dayStart,
  listFilterQuery,
  needsAll,
  outcome,
} from './filters';

const localMidnight = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();

describe('dayStart', () => {
  it('is the start of the day in the browser time zone', () => {
    expect(dayStart('2026-12-06')).toBe(localMidnight(2026, 12, 6));
  });
  it('moves by days, across a month and a year', () => {
    expect(dayStart('2026-12-31', 1)).toBe(localMidnight(2027, 1, 1));
    expect(dayStart('2026-02-28', 1)).toBe(localMidnight(2026, 3, 1));
  });
  it('is undefined for what is not a day', () => {
    expect(dayStart('2026-02-30')).toBeUndefined();
    expect(dayStart('06/12/2026')).toBeUndefined();
    expect(dayStart('')).toBeUndefined();
    expect(dayStart(undefined)).toBeUndefined();
  });
});

describe('the list query of a filter', () => {
  it('leaves out empty values and react-admin keys, trims text', () => {
    expect(listFilterQuery({ entity_type: ' Subject ', text: '   ', error_type: '', q: { x: 1 } })).toEqual({
      entity_type: 'Subject',
    });
    expect(listFilterQuery(undefined)).toEqual({});
  });
  it('passes the error type by name, Unclassified included', () => {
    expect(listFilterQuery({ error_type: 'Unclassified' })).toEqual({ error_type: 'Unclassified' });
  });
  it('sends disabled as text, whether the form holds a boolean or text', () => {
    expect(listFilterQuery({ disabled: true })).toEqual({ disabled: 'true' });
    expect(listFilterQuery({ disabled: 'false' })).toEqual({ disabled: 'false' });
    expect(listFilterQuery({ disabled: '' })).toEqual({});
  });
  it('makes the day range inclusive: to is the start of the day after', () => {
    expect(listFilterQuery({ from: '2026-12-01', to: '2026-12-06' })).toEqual({
      from: localMidnight(2026, 12, 1),
      to: localMidnight(2026, 12, 7),
    });
  });
  it('drops a day it cannot read rather than sending it', () => {
    expect(listFilterQuery({ from: '2026-13-01', text: 'O+' })).toEqual({ text: 'O+' });
  });
});

describe('the filter of a bulk action', () => {
  it('keeps disabled a boolean', () => {
    expect(actionFilter({ disabled: 'true', text: 'O+' })).toEqual({ disabled: true, text: 'O+' });
  });
});

describe('when all: true is needed', () => {
  it('is needed for the empty filter', () => {
    expect(needsAll({}, 3, 3)).toBe(true);
    expect(needsAll({}, 0, 0)).toBe(true);
  });
  it('is needed for a filter that matches every record of the tenant', () => {
    expect(needsAll({ text: 'O+' }, 3, 3)).toBe(true);
  });
  it('is not needed for a filter that narrows', () => {
    expect(needsAll({ text: 'O+' }, 2, 3)).toBe(false);
    expect(needsAll({ text: 'O+' }, 0, 0)).toBe(false);
  });
});

describe('actionBody', () => {
  it('sends ids as numbers', () => {
    expect(actionBody('disable', { kind: 'ids', ids: ['4', 7] })).toEqual({ action: 'disable', ids: [4, 7] });
  });
  it('sends a narrowing filter without all', () => {
    expect(
      actionBody('reprocess', { kind: 'filter', filter: { entity_type: 'Subject' }, matching: 2, tenantTotal: 5 }),
    ).toEqual({ action: 'reprocess', filter: { entity_type: 'Subject' } });
  });
  it('adds all: true when the filter matches everything', () => {
    expect(actionBody('delete', { kind: 'filter', filter: {}, matching: 5, tenantTotal: 5 })).toEqual({
      action: 'delete',
      filter: {},
      all: true,
    });
    expect(
      actionBody('reprocess', { kind: 'filter', filter: { text: 'O+' }, matching: 3, tenantTotal: 3 }),
    ).toEqual({ action: 'reprocess', filter: { text: 'O+' }, all: true });
  });
});

describe('the confirmation', () => {
  it('says how many selected records', () => {
    const c = confirmation('disable', { kind: 'ids', ids: [1] });
    expect(c.title).toBe('Disable 1 error record?');
    expect(c.content).toContain('the selected error record.');
    expect(confirmation('delete', { kind: 'ids', ids: [1, 2] }).content).toContain('the 2 selected error records');
  });
  it('says how many records the filter matches', () => {
    const c = confirmation('reprocess', { kind: 'filter', filter: { text: 'O+' }, matching: 3, tenantTotal: 9 });
    expect(c.title).toBe('Reprocess 3 error records?');
    expect(c.content).toContain('all 3 error records matching this filter');
  });
  it('says when that is every record of the tenant', () => {
    const c = confirmation('reprocess', { kind: 'filter', filter: {}, matching: 9, tenantTotal: 9 });
    expect(c.content).toContain('all 9 error records of the tenant');
  });
});

it('the outcome names the affected count', () => {
  expect(outcome('reprocess', 3)).toBe('3 error records scheduled for reprocessing');
  expect(outcome('enable', 1)).toBe('1 error record enabled');
});
