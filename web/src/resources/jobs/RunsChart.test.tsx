import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { ListContextProvider, type ListControllerResult } from 'react-admin';
import { RunsChart } from './RunsChart';
import type { Run } from './types';

const run = (id: number, minute: number, written: number, failed: number): Run => ({
  id,
  job: 'main',
  status: failed ? 'failed' : 'succeeded',
  started_at: `2026-12-06T10:0${minute}:00Z`,
  finished_at: `2026-12-06T10:0${minute}:05Z`,
  duration_ms: 5000,
  counts: { read: written + failed, written, skipped: 0, failed },
  message: '',
  instance: 'host-1',
});

function renderChart(data: Run[]) {
  const context = { data, isPending: false, total: data.length } as unknown as ListControllerResult;
  return render(
    <MemoryRouter>
      <ListContextProvider value={context}>
        <RunsChart />
      </ListContextProvider>
    </MemoryRouter>,
  );
}

describe('RunsChart', () => {
  it('draws one bar per run, labelled, with a summary and a table of the same numbers', async () => {
    const { container } = renderChart([run(3, 2, 0, 0), run(2, 1, 4, 3), run(1, 0, 12, 0)]);
    const chart = screen.getByRole('img', { name: /Records written and failed per run/ });
    expect(chart).toHaveAccessibleName(/3 runs from .*: 16 records written, 3 failed in all; the most in one run 12\./);
    const bars = container.querySelectorAll('g.run-bar');
    expect([...bars].map((b) => b.getAttribute('data-run'))).toEqual(['1', '2', '3']);
    expect(bars[1].querySelector('title')?.textContent).toMatch(/4 written, 3 failed$/);

    await userEvent.click(screen.getByRole('button', { name: 'Show as a table' }));
    const table = screen.getByRole('table', { name: /as a table/ });
    const rows = table.querySelectorAll('tbody tr');
    // In the chart's order, oldest first.
    expect([...rows].map((r) => r.querySelector('td')?.textContent)).toEqual(['1', '2', '3']);
    expect(rows[0].querySelectorAll('td')[3].textContent).toBe('12');
    expect(rows[1].querySelectorAll('td')[4].textContent).toBe('3');
  });

  it('draws nothing when there are no runs (the list says so)', () => {
    const { container } = renderChart([]);
    expect(container.querySelector('svg')).toBeNull();
  });
});
