import { describe, expect, it, vi, afterEach } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { ErrorSummaryPanel, filterLink } from './ErrorSummary';

vi.mock('../../api/session', () => ({
  currentTenantId: () => 7,
  tenantPath: () => '/tenants/7',
}));

function Where() {
  const location = useLocation();
  return <div data-testid="where">{location.pathname + location.search}</div>;
}

function renderPanel() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={['/error-records']}>
        <Routes>
          <Route path="*" element={<><ErrorSummaryPanel /><Where /></>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => vi.unstubAllGlobals());

describe('the counts by type', () => {
  it('says the counts are unavailable when the server has no summary (404)', async () => {
    const fetch = answer(404, { error: { code: 'not_found', message: 'no route' } });
    vi.stubGlobal('fetch', fetch);
    renderPanel();
    expect(await screen.findByText(/Counts unavailable/)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith('/api/v1/tenants/7/error-records/summary', expect.anything());
  });

  it('shows another refusal with its message', async () => {
    vi.stubGlobal('fetch', answer(500, { error: { code: 'internal', message: 'the database is locked' } }));
    renderPanel();
    expect(await screen.findByText(/the database is locked/)).toBeInTheDocument();
  });

  it('lists each type with its count; clicking one filters the list by it', async () => {
    vi.stubGlobal(
      'fetch',
      answer(200, {
        total: 5,
        disabled: 1,
        by_type: [
          { error_type: 'Unclassified', follow_up_step: 'Process', count: 3 },
          { error_type: 'Missing mapping', follow_up_step: 'Terminal', count: 2 },
        ],
      }),
    );
    renderPanel();
    expect(await screen.findByText('5 error records, 1 of them disabled.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show the 2 error records of type Missing mapping' }));
    expect(screen.getByTestId('where').textContent).toBe(filterLink('Missing mapping'));
    const query = new URLSearchParams(filterLink('Missing mapping').split('?')[1]);
    expect(JSON.parse(query.get('filter') ?? '')).toEqual({ error_type: 'Missing mapping' });
  });
});
