// The error records list: counts by type at the top, filters (entity type, error type, text,
// last seen from/until, disabled), the records in the order first seen, and for editors the
// bulk actions over selected rows or all matching the filter.
import { useMemo } from 'react';
import {
  DataProviderContext,
  DataTable,
  DateInput,
  FilterButton,
  List,
  SelectInput,
  TextInput,
  TopToolbar,
} from 'react-admin';
import { Box, Chip, Link, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { useSession } from '../../api/useSession';
import { errorsDataProvider, useErrorTypes, type ErrorRecord } from './api';
import { AllMatchingProvider, ErrorBulkToolbar } from './ErrorActions';
import { ErrorSummaryPanel } from './ErrorSummary';
import { UNCLASSIFIED } from './filters';
import { formatTime } from './format';

const Col = DataTable.Col<ErrorRecord>;

function useFilters() {
  const types = useErrorTypes();
  const choices = useMemo(
    () => [
      { id: UNCLASSIFIED, name: UNCLASSIFIED },
      ...(types.data?.error_types ?? []).map((t) => ({ id: t.name, name: `${t.name} (${t.follow_up_step})` })),
    ],
    [types.data],
  );
  return [
    <TextInput key="text" source="text" label="Search messages" alwaysOn resettable />,
    <TextInput key="entity_type" source="entity_type" label="Entity type" alwaysOn />,
    <SelectInput
      key="error_type"
      source="error_type"
      label="Error type"
      choices={choices}
      isPending={types.isPending}
      emptyText="Any"
      alwaysOn
    />,
    <SelectInput
      key="disabled"
      source="disabled"
      label="Disabled"
      choices={[
        { id: 'false', name: 'No' },
        { id: 'true', name: 'Yes' },
      ]}
      emptyText="Any"
      alwaysOn
    />,
    <DateInput key="from" source="from" label="Last seen from" alwaysOn />,
    <DateInput key="to" source="to" label="Last seen until" alwaysOn />,
  ];
}

function TypeCell({ record }: { record: ErrorRecord }) {
  return (
    <Box>
      <Typography variant="body2" component="span">
        {record.error_type.name}
      </Typography>
      <Typography variant="caption" component="div" color="text.secondary">
        {record.error_type.follow_up_step}
      </Typography>
    </Box>
  );
}

// The message in at most three lines (the whole of it on hover and in the detail).
function MessageCell({ record }: { record: ErrorRecord }) {
  return (
    <Typography
      variant="body2"
      title={record.message}
      sx={{
        minWidth: 220,
        maxWidth: 420,
        overflow: 'hidden',
        display: '-webkit-box',
        WebkitLineClamp: 3,
        WebkitBoxOrient: 'vertical',
        wordBreak: 'break-word',
      }}
    >
      {record.message}
    </Typography>
  );
}

// A time in two short lines: the day, then the time of day.
function TimeCell({ iso }: { iso: string | null }) {
  const text = formatTime(iso);
  const [day, time] = text.split(' ');
  return (
    <Box component="span" sx={{ whiteSpace: 'nowrap', display: 'inline-block' }}>
      {day}
      {time && (
        <>
          <br />
          {time}
        </>
      )}
    </Box>
  );
}

// The entity id, shortened (a uuid is long); whole on hover and in the detail.
function EntityIdCell({ id }: { id: string }) {
  const short = id.length > 13 ? `${id.slice(0, 8)}…` : id;
  return (
    <Box component="span" title={id} sx={{ fontFamily: 'monospace', fontSize: '0.8rem', whiteSpace: 'nowrap' }}>
      {short}
    </Box>
  );
}

// The table scrolls sideways within the page on a narrow screen (a tablet) rather than widening
// the whole page: its wrapper takes no width of its own from the table.
export const tableSx = {
  '& .RaDataTable-tableWrapper': { overflowX: 'auto', contain: 'inline-size' },
  '& th': { whiteSpace: 'nowrap' },
};

const Empty = () => (
  <Box sx={{ p: 3 }}>
    <Typography>No error records match: every record was processed, or the filter leaves none.</Typography>
  </Box>
);

export function ErrorList() {
  const { canEdit } = useSession();
  const filters = useFilters();
  return (
    <AllMatchingProvider>
      <ErrorSummaryPanel />
      <DataProviderContext.Provider value={errorsDataProvider}>
        <List
          resource="error-records"
          title="Error records"
          filters={filters}
          sort={{ field: 'first_seen_at', order: 'DESC' }}
          perPage={25}
          actions={
            <TopToolbar>
              <FilterButton />
            </TopToolbar>
          }
          empty={false}
        >
          <DataTable
            rowClick={(id) => `/error-records/${id}`}
            bulkActionButtons={canEdit ? <></> : false}
            bulkActionsToolbar={canEdit ? <ErrorBulkToolbar /> : undefined}
            empty={<Empty />}
            sx={tableSx}
          >
            <Col
              source="entity_type"
              label="Entity type and id"
              disableSort
              render={(r) => (
                <Box>
                  <Link
                    component={RouterLink}
                    to={`/error-records/${r.id}`}
                    variant="body2"
                    underline="hover"
                    color="inherit"
                    aria-label={`Open error record ${r.id} (${r.entity_type})`}
                    onClick={(event) => event.stopPropagation()}
                  >
                    {r.entity_type}
                  </Link>
                  <Box>
                    <EntityIdCell id={r.entity_id} />
                  </Box>
                </Box>
              )}
            />
            <Col source="error_type.name" label="Error type" disableSort render={(r) => <TypeCell record={r} />} />
            <Col source="message" label="Latest message" disableSort render={(r) => <MessageCell record={r} />} />
            <DataTable.NumberCol source="attempts" label="Attempts" disableSort />
            <DataTable.NumberCol source="occurrences" label="Occurrences" disableSort />
            <Col source="first_seen_at" label="First seen" render={(r) => <TimeCell iso={r.first_seen_at} />} />
            <Col source="last_seen_at" label="Last seen" disableSort render={(r) => <TimeCell iso={r.last_seen_at} />} />
            <Col
              source="next_attempt_at"
              label="Next attempt"
              disableSort
              render={(r) => <TimeCell iso={r.next_attempt_at} />}
            />
            <Col
              source="processing_disabled"
              label="Disabled"
              disableSort
              render={(r) => (r.processing_disabled ? <Chip size="small" label="Disabled" color="warning" /> : 'No')}
            />
          </DataTable>
        </List>
      </DataProviderContext.Provider>
    </AllMatchingProvider>
  );
}
