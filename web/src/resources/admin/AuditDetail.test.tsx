import { render, screen, within } from '@testing-library/react';
import { RecordContextProvider } from 'react-admin';
import { describe, expect, it } from 'vitest';
import { AuditDetail, type AuditEntry } from './Audit';

function entry(before: unknown, after: unknown): AuditEntry {
  return { id: 1, at: '2026-12-06T10:00:00Z', actor: 'user:1', action: 'tenant.update', entity: 'tenant', entity_id: '7', before, after };
}

describe('AuditDetail', () => {
  it('shows before and after side by side with the changed key marked on each side', () => {
    const { container } = render(
      <RecordContextProvider value={entry({ id: 7, name: 'north', active: true }, { id: 7, name: 'south', active: true })}>
        <AuditDetail />
      </RecordContextProvider>,
    );
    const before = screen.getByRole('region', { name: 'Before' });
    const after = screen.getByRole('region', { name: 'After' });
    expect(within(before).getByText('"name": "north",')).toBeInTheDocument();
    expect(within(after).getByText('"name": "south",')).toBeInTheDocument();
    const marked = Array.from(container.querySelectorAll('[data-mark]')).map((el) => el.textContent);
    expect(marked).toEqual(['~  "name": "north",', '~  "name": "south",']);
    expect(screen.getByRole('list', { name: 'Changes' })).toHaveTextContent('name changed: "north" → "south"');
  });

  it('shows a creation as none before and every key added after', () => {
    const { container } = render(
      <RecordContextProvider value={entry(null, { name: 'x', type: 'demo' })}>
        <AuditDetail />
      </RecordContextProvider>,
    );
    expect(within(screen.getByRole('region', { name: 'Before' })).getByText('(none)')).toBeInTheDocument();
    expect(container.querySelectorAll('[data-mark="added"]')).toHaveLength(2);
  });
});
