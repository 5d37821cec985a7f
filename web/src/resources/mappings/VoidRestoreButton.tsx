import { useState, type MouseEvent } from 'react';
import { Button, Confirm, useNotify, useRecordContext, useRefresh } from 'react-admin';
import BlockIcon from '@mui/icons-material/Block';
import RestoreIcon from '@mui/icons-material/Restore';
import { IconButton, Tooltip } from '@mui/material';
import { api } from '../../api/http';
import { basePath } from '../../dataProvider';
import { ConflictDialog } from './ConflictAlert';
import { conflictOf, messageOf, type Conflict } from './logic';

export interface MappingRecord {
  id: number;
  group: string;
  type: string;
  avni_value: string;
  int_system_value: string;
  data_type_hint: string;
  about: string;
  voided: boolean;
}

// Voids a live mapping (after a confirmation) or restores a voided one. A restore that another
// live mapping blocks shows the service's message, naming that mapping, in a dialog.
export function VoidRestoreButton({
  onDone,
  compact = false,
}: {
  onDone?: (record: MappingRecord) => void;
  // An icon with a tooltip (in a list row) rather than a labelled button.
  compact?: boolean;
}) {
  const record = useRecordContext<MappingRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  if (!record) return null;

  const run = async (voiding: boolean) => {
    setBusy(true);
    try {
      const path = `${basePath('mappings')}/${record.id}`;
      const changed = voiding
        ? await api<MappingRecord>(path, { method: 'DELETE' })
        : await api<MappingRecord>(`${path}/restore`, { method: 'POST' });
      notify(voiding ? `Mapping ${record.id} voided` : `Mapping ${record.id} restored`, { type: 'info' });
      refresh();
      onDone?.(changed ?? { ...record, voided: voiding });
    } catch (error) {
      const found = conflictOf(error);
      if (found) setConflict(found);
      else notify(messageOf(error), { type: 'error' });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const stop = (event: MouseEvent) => event.stopPropagation();
  const label = `${record.avni_value} -> ${record.int_system_value}`;
  return (
    <span onClick={stop}>
      {compact ? (
        <Tooltip title={record.voided ? 'Restore' : 'Void'}>
          <span>
            <IconButton
              size="small"
              color={record.voided ? 'primary' : 'error'}
              aria-label={`${record.voided ? 'Restore' : 'Void'} mapping ${record.id} (${label})`}
              disabled={busy}
              onClick={() => (record.voided ? void run(false) : setConfirming(true))}
            >
              {record.voided ? <RestoreIcon fontSize="small" /> : <BlockIcon fontSize="small" />}
            </IconButton>
          </span>
        </Tooltip>
      ) : record.voided ? (
        <Button
          label="Restore"
          aria-label={`Restore mapping ${record.id} (${label})`}
          disabled={busy}
          onClick={() => void run(false)}
        >
          <RestoreIcon />
        </Button>
      ) : (
        <Button
          label="Void"
          aria-label={`Void mapping ${record.id} (${label})`}
          color="error"
          disabled={busy}
          onClick={() => setConfirming(true)}
        >
          <BlockIcon />
        </Button>
      )}
      <Confirm
        isOpen={confirming}
        loading={busy}
        title={`Void mapping ${record.id}?`}
        content={
          <span>
            {record.group} / {record.type}: &quot;{record.avni_value}&quot; -&gt; &quot;{record.int_system_value}&quot;
            stops being used by the integration. It can be restored later.
          </span>
        }
        confirm="Void"
        onConfirm={() => void run(true)}
        onClose={() => setConfirming(false)}
      />
      <ConflictDialog conflict={conflict} onClose={() => setConflict(null)} />
    </span>
  );
}
