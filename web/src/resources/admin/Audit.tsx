import { DataTable, DateField, List, TextField, useRecordContext } from 'react-admin';
import { Box, Typography } from '@mui/material';
import { useSession } from '../../api/useSession';
import { ExpandButton, NotAllowed } from './common';
import { diffStates, prettyLines, shortValue, type Change, type ChangeKind } from './auditDiff';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
}

const markStyle: Record<ChangeKind, { bg: string; sign: string; word: string }> = {
  added: { bg: '#e6f4ea', sign: '+', word: 'added' },
  removed: { bg: '#fce8e6', sign: '-', word: 'removed' },
  changed: { bg: '#fff4d6', sign: '~', word: 'changed' },
};

// One side of an entry, pretty-printed, with its changed lines marked (by colour and by a sign
// in the gutter, so that the change does not rest on colour alone).
function StatePane({ label, value, changes, side }: { label: string; value: unknown; changes: Change[]; side: 'before' | 'after' }) {
  const lines = prettyLines(value ?? undefined, changes, side);
  return (
    <Box component="section" aria-label={label} sx={{ minWidth: 0 }}>
      <Typography variant="subtitle2" component="h3">
        {label}
      </Typography>
      {lines.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          (none)
        </Typography>
      ) : (
        <Box
          sx={{
            fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
            fontSize: 13,
            border: '1px solid #e0e0e0',
            borderRadius: 1,
            py: 0.5,
            overflowX: 'auto',
            maxHeight: 420,
            overflowY: 'auto',
            bgcolor: '#fafafa',
          }}
        >
          {lines.map((line, i) => {
            const mark = line.mark ? markStyle[line.mark] : null;
            return (
              <Box
                key={i}
                data-mark={line.mark ?? undefined}
                title={mark ? `${line.path || 'the whole state'}: ${mark.word}` : undefined}
                sx={{ display: 'flex', whiteSpace: 'pre', bgcolor: mark?.bg, px: 0.5 }}
              >
                <Box component="span" aria-hidden sx={{ width: '1.2em', flex: 'none', color: 'text.secondary' }}>
                  {mark?.sign ?? ' '}
                </Box>
                <span>{'  '.repeat(line.indent) + line.text}</span>
              </Box>
            );
          })}
        </Box>
      )}
    </Box>
  );
}

// An entry's before and after side by side, and its changes in words.
export function AuditDetail() {
  const entry = useRecordContext<AuditEntry>();
  if (!entry) return null;
  const changes = diffStates(entry.before, entry.after);
  return (
    <Box sx={{ py: 1 }}>
      <Typography variant="subtitle2" component="h3">
        Changes
      </Typography>
      {changes.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No recorded state changed.
        </Typography>
      ) : (
        <Box component="ul" aria-label="Changes" sx={{ mt: 0, mb: 1, pl: 3, fontSize: 14 }}>
          {changes.slice(0, 50).map((change) => (
            <li key={`${change.kind} ${change.path}`}>
              <code>{change.path || '(whole state)'}</code> {markStyle[change.kind].word}
              {change.kind === 'changed' && (
                <>
                  : {shortValue(change.before)} → {shortValue(change.after)}
                </>
              )}
              {change.kind === 'added' && <>: {shortValue(change.after)}</>}
              {change.kind === 'removed' && <>: was {shortValue(change.before)}</>}
            </li>
          ))}
          {changes.length > 50 && <li>and {changes.length - 50} more</li>}
        </Box>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
        <StatePane label="Before" value={entry.before} changes={changes} side="before" />
        <StatePane label="After" value={entry.after} changes={changes} side="after" />
      </Box>
    </Box>
  );
}

// The open tenant's audit log, newest first (the API offers no other order and no filters).
export function AuditList() {
  const { tenant, isAdmin } = useSession();
  if (!tenant) return <NotAllowed>Open a tenant in the tenant switcher to read its audit log.</NotAllowed>;
  if (!isAdmin) return <NotAllowed>Only the tenant&apos;s admins read its audit log.</NotAllowed>;
  return (
    <List title={`Audit log of ${tenant.name}`} perPage={25} actions={false} sort={{ field: 'at', order: 'DESC' }}>
      <DataTable bulkActionButtons={false} rowClick="expand" expand={<AuditDetail />}>
        <DataTable.Col source="at" label="When" disableSort>
          <DateField source="at" showTime />
        </DataTable.Col>
        <DataTable.Col source="actor" label="Actor" field={TextField} disableSort />
        <DataTable.Col source="action" label="Action" field={TextField} disableSort />
        <DataTable.Col source="entity" label="Entity" field={TextField} disableSort />
        <DataTable.Col source="entity_id" label="Entity id" field={TextField} disableSort />
        <DataTable.Col label="Details" disableSort>
          <ExpandButton show="Show" hide="Hide" name="before and after" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
