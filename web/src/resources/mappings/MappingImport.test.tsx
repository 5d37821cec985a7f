import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdminContext } from 'react-admin';
import { ApiError } from '../../api/http';
import { MappingImport } from './MappingImport';

// The screen against a stand-in for the API: what it posts, and what it shows of the answers.
const api = vi.fn();
vi.mock('../../api/http', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/http')>();
  return { ...actual, api: (...args: unknown[]) => api(...args) };
});
vi.mock('../../dataProvider', () => ({ basePath: (resource: string) => `/tenants/7/${resource}` }));
const session = { canEdit: true, tenant: { name: 'demo-bahmni' } };
vi.mock('../../api/useSession', () => ({ useSession: () => session }));

const HEADER = 'group,type,avni_value,int_system_value,data_type_hint,about';

function renderScreen() {
  return render(
    <AdminContext>
      <MappingImport />
    </AdminContext>,
  );
}

describe('the CSV import screen', () => {
  beforeEach(() => {
    api.mockReset();
    session.canEdit = true;
  });

  it('shows every error of a dry run with its line and offers no confirmation', async () => {
    const body = {
      dry_run: true,
      created: 1,
      updated: 0,
      unchanged: 0,
      groups_created: 0,
      types_created: 0,
      errors: [
        { line: 4, field: 'avni_value', message: 'avni_value is empty' },
        { line: 3, field: 'data_type_hint', message: "unknown data_type_hint 'Colour'" },
      ],
    };
    api.mockRejectedValueOnce(new ApiError(400, 'invalid_argument', 'the CSV has 2 errors', 'body', body));
    const user = userEvent.setup();
    renderScreen();
    await user.click(screen.getByLabelText('Or paste the CSV here'));
    await user.paste(`${HEADER}\na,b,c,d,Colour,\n`);
    await user.click(screen.getByRole('button', { name: 'Check the file' }));

    const table = await screen.findByRole('table', { name: 'Errors in the file' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0].textContent)).toEqual(['3', '4']);
    expect(rows[0]).toHaveTextContent("unknown data_type_hint 'Colour'");
    expect(screen.getByText(/has 2 errors; nothing was written/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Confirm import' })).toBeNull();

    const [path, options] = api.mock.calls[0];
    expect(path).toBe('/tenants/7/mappings/import');
    expect(options).toMatchObject({ method: 'POST', query: { dry_run: 'true' }, contentType: 'text/csv' });
    expect(options.body).toContain('a,b,c,d,Colour');
  });

  it('previews the counts of a good file, then imports it for real on confirmation', async () => {
    const counts = { updated: 1, unchanged: 5, groups_created: 1, types_created: 0, errors: [] };
    api.mockResolvedValueOnce({ dry_run: true, created: 2, ...counts });
    api.mockResolvedValueOnce({ dry_run: false, created: 2, ...counts });
    const user = userEvent.setup();
    renderScreen();
    await user.click(screen.getByLabelText('Or paste the CSV here'));
    await user.paste(`${HEADER}\nG,T,a,b,Coded,\n`);
    await user.click(screen.getByRole('button', { name: 'Check the file' }));

    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(within(preview).getByText('Created: 2')).toBeInTheDocument();
    expect(within(preview).getByText('Unchanged: 5')).toBeInTheDocument();
    expect(api).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Confirm import' }));
    const outcome = await screen.findByRole('region', { name: 'Outcome' });
    expect(within(outcome).getByText('Imported: 2 mappings created, 1 updated, 5 unchanged.')).toBeInTheDocument();
    expect(api.mock.calls[1][1].query).toBeUndefined();
    expect(screen.queryByRole('button', { name: 'Confirm import' })).toBeNull();
  });

  it('shows a refusal that is no report as the service said it', async () => {
    api.mockRejectedValueOnce(new ApiError(413, 'payload_too_large', 'the body is larger than 32 MiB'));
    const user = userEvent.setup();
    renderScreen();
    await user.click(screen.getByLabelText('Or paste the CSV here'));
    await user.paste(`${HEADER}\n`);
    await user.click(screen.getByRole('button', { name: 'Check the file' }));
    expect(await screen.findByText('the body is larger than 32 MiB')).toBeInTheDocument();
  });

  it('shows a viewer no import control', () => {
    session.canEdit = false;
    renderScreen();
    expect(screen.getByText(/A viewer cannot import mappings/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Check the file' })).toBeNull();
  });
});
