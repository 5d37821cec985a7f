// The bulk actions on error records (reprocess, disable, enable, delete), each behind a
// confirmation that says how many records it affects, over the selected rows or "all matching
// this filter"; and the same actions for one record on its detail screen.
import { createContext, useContext, useState, type ReactElement, type ReactNode } from 'react';
import { BulkActionsToolbar, Button, Confirm, useListContext, useNotify, useRefresh } from 'react-admin';
import ReplayIcon from '@mui/icons-material/Replay';
import BlockIcon from '@mui/icons-material/Block';
import CheckCircleIcon from '@mui/icons-material/CheckCircleOutline';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import {
  actionFilter,
  actionLabel,
  confirmation,
  outcome,
  type ActionTarget,
  type ErrorAction,
} from './filters';
import { runAction, tenantRecordCount } from './api';

const ICONS: Record<ErrorAction, ReactElement> = {
  reprocess: <ReplayIcon />,
  disable: <BlockIcon />,
  enable: <CheckCircleIcon />,
  delete: <DeleteIcon />,
};

// "All matching this filter" is chosen for one selection under one filter: changing either
// (selecting another row, unselecting, filtering) drops it.
interface AllMatching {
  chosenFor: string | null;
  choose: (key: string | null) => void;
}

const AllMatchingContext = createContext<AllMatching>({ chosenFor: null, choose: () => undefined });

export function AllMatchingProvider({ children }: { children: ReactNode }) {
  const [chosenFor, choose] = useState<string | null>(null);
  return <AllMatchingContext.Provider value={{ chosenFor, choose }}>{children}</AllMatchingContext.Provider>;
}

function selectionKey(selectedIds: unknown[], filterValues: unknown): string {
  return JSON.stringify([[...selectedIds].map(String).sort(), actionFilter(filterValues as Record<string, unknown>)]);
}

function useAllMatching() {
  const { selectedIds = [], filterValues, data, total } = useListContext();
  const { chosenFor, choose } = useContext(AllMatchingContext);
  const key = selectionKey(selectedIds, filterValues);
  const active = selectedIds.length > 0 && chosenFor === key;
  const pageSelected = !!data && data.length > 0 && data.every((record) => selectedIds.includes(record.id));
  return {
    active,
    // Offered once every row of the page is selected.
    offered: !active && pageSelected && (total ?? 0) > 0,
    total: total ?? 0,
    select: () => choose(key),
    clear: () => choose(null),
  };
}

function SelectAllMatchingButton() {
  const all = useAllMatching();
  if (all.active) return <Button label="Select only these rows" onClick={all.clear} />;
  if (!all.offered) return null;
  return <Button label={`Select all ${all.total} matching this filter`} onClick={all.select} />;
}

// A button, its confirmation, the call, the notification with the API's `affected` count.
function ActionWithConfirm({
  action,
  target,
  onDone,
}: {
  action: ErrorAction;
  target: () => Promise<ActionTarget>;
  onDone?: (action: ErrorAction) => void;
}) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [pending, setPending] = useState<ActionTarget | null>(null);
  const [busy, setBusy] = useState(false);
  const open = async () => {
    setBusy(true);
    try {
      setPending(await target());
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      const affected = await runAction(action, pending);
      notify(outcome(action, affected), { type: 'success' });
      setPending(null);
      onDone?.(action);
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const text = pending ? confirmation(action, pending) : { title: '', content: '' };
  return (
    <>
      <Button
        label={actionLabel(action)}
        onClick={() => void open()}
        disabled={busy}
        color={action === 'delete' ? 'error' : 'primary'}
      >
        {ICONS[action]}
      </Button>
      <Confirm
        isOpen={pending !== null}
        loading={busy}
        title={text.title}
        content={text.content}
        confirm={actionLabel(action)}
        confirmColor={action === 'delete' ? 'warning' : 'primary'}
        onConfirm={() => void confirm()}
        onClose={() => setPending(null)}
      />
    </>
  );
}

function BulkAction({ action }: { action: ErrorAction }) {
  const { selectedIds = [], filterValues, total, onUnselectItems } = useListContext();
  const all = useAllMatching();
  const target = async (): Promise<ActionTarget> => {
    if (!all.active) return { kind: 'ids', ids: [...selectedIds] };
    // The tenant's count decides whether the filter needs "all": true.
    const tenantTotal = await tenantRecordCount();
    return { kind: 'filter', filter: actionFilter(filterValues), matching: total ?? 0, tenantTotal };
  };
  return (
    <ActionWithConfirm
      action={action}
      target={target}
      onDone={() => {
        all.clear();
        onUnselectItems();
      }}
    />
  );
}

// The toolbar that shows over the list when rows are selected (editors only).
export function ErrorBulkToolbar() {
  const { selectedIds = [] } = useListContext();
  const all = useAllMatching();
  const label = all.active ? `All ${all.total} matching this filter selected` : `${selectedIds.length} selected`;
  return (
    <BulkActionsToolbar label={label} selectAllButton={<SelectAllMatchingButton />}>
      {(['reprocess', 'disable', 'enable', 'delete'] as ErrorAction[]).map((action) => (
        <BulkAction key={action} action={action} />
      ))}
    </BulkActionsToolbar>
  );
}

// The actions of one record's detail screen: the same calls, by its id.
export function RecordActions({
  id,
  disabled,
  onDeleted,
}: {
  id: number;
  disabled: boolean;
  onDeleted: () => void;
}) {
  const actions: ErrorAction[] = ['reprocess', disabled ? 'enable' : 'disable', 'delete'];
  return (
    <>
      {actions.map((action) => (
        <ActionWithConfirm
          key={action}
          action={action}
          target={async () => ({ kind: 'ids', ids: [id] })}
          onDone={(done) => {
            if (done === 'delete') onDeleted();
          }}
        />
      ))}
    </>
  );
}
