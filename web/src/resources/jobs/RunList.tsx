// The tenant's runs, newest first (the only order the API keeps), filtered by job, status and
// start time; the chart of the page's runs above; a run's counts per entity type on its page.
import {
  Datagrid,
  DateTimeInput,
  FunctionField,
  ListButton,
  List,
  NumberField,
  ReferenceInput,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useRecordContext,
} from 'react-admin';
import { Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { formatDuration, formatLocal, localToIso } from './schedule';
import { RunsChart } from './RunsChart';
import type { Run } from './types';

const statuses = ['running', 'succeeded', 'failed', 'cancelled'].map((s) => ({ id: s, name: s }));

const runFilters = [
  <ReferenceInput source="job" reference="jobs" key="job" alwaysOn>
    <SelectInput optionText="name" label="Job" />
  </ReferenceInput>,
  <SelectInput source="status" choices={statuses} key="status" label="Status" alwaysOn />,
  <DateTimeInput source="from" label="Started from" parse={localToIso} key="from" alwaysOn />,
  <DateTimeInput source="to" label="Started before" parse={localToIso} key="to" alwaysOn />,
];

const statusColour: Record<string, 'success' | 'error' | 'info' | 'default'> = {
  succeeded: 'success',
  failed: 'error',
  running: 'info',
  cancelled: 'default',
};

export function RunStatus(_props: { label?: string }) {
  const run = useRecordContext<Run>();
  if (!run) return null;
  return <Chip size="small" label={run.status} color={statusColour[run.status] ?? 'default'} />;
}

export function RunList() {
  return (
    <List
      title="Runs"
      filters={runFilters}
      sort={{ field: 'started_at', order: 'DESC' }}
      perPage={25}
      exporter={false}
      queryOptions={{ refetchInterval: 15_000 }}
    >
      <RunsChart />
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="id" label="Run" sortable={false} />
        <TextField source="job" sortable={false} />
        <RunStatus label="Status" />
        <FunctionField<Run> label="Started" sortable={false} render={(r) => formatLocal(r.started_at)} />
        <FunctionField<Run>
          label="Duration"
          sortable={false}
          render={(r) => (r.status === 'running' ? 'running' : formatDuration(r.duration_ms))}
        />
        <NumberField source="counts.read" label="Read" sortable={false} />
        <NumberField source="counts.written" label="Written" sortable={false} />
        <NumberField source="counts.skipped" label="Skipped" sortable={false} />
        <NumberField source="counts.failed" label="Failed" sortable={false} />
        <TextField source="message" sortable={false} sx={{ display: 'block', maxWidth: 360, overflowWrap: 'anywhere' }} />
        <TextField source="instance" sortable={false} />
      </Datagrid>
    </List>
  );
}

function RunTitle() {
  const run = useRecordContext<Run>();
  return <span>{run ? `Run ${run.id} of ${run.job}` : 'Run'}</span>;
}

function EntityTypeCounts(_props: { label?: string }) {
  const run = useRecordContext<Run>();
  const rows = run?.entity_types ?? [];
  if (!rows.length) return <Typography variant="body2">No records were read in this run.</Typography>;
  return (
    <Table size="small" aria-label="Counts per entity type" sx={{ maxWidth: 720 }}>
      <TableHead>
        <TableRow>
          <TableCell>Entity type</TableCell>
          <TableCell align="right">Read</TableCell>
          <TableCell align="right">Written</TableCell>
          <TableCell align="right">Skipped</TableCell>
          <TableCell align="right">Failed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.entity_type}>
            <TableCell component="th" scope="row">
              {row.entity_type}
            </TableCell>
            <TableCell align="right">{row.read.toLocaleString()}</TableCell>
            <TableCell align="right">{row.written.toLocaleString()}</TableCell>
            <TableCell align="right">{row.skipped.toLocaleString()}</TableCell>
            <TableCell align="right">{row.failed.toLocaleString()}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function RunShow() {
  return (
    <Show
      title={<RunTitle />}
      actions={
        <TopToolbar>
          <ListButton label="All runs" />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <TextField source="id" label="Run" />
        <TextField source="job" />
        <RunStatus label="Status" />
        <FunctionField<Run> label="Started" render={(r) => formatLocal(r.started_at)} />
        <FunctionField<Run> label="Finished" render={(r) => (r.finished_at ? formatLocal(r.finished_at) : 'still running')} />
        <FunctionField<Run> label="Duration" render={(r) => formatDuration(r.duration_ms) || 'running'} />
        <FunctionField<Run>
          label="Counts"
          render={(r) =>
            `${r.counts.read.toLocaleString()} read, ${r.counts.written.toLocaleString()} written, ${r.counts.skipped.toLocaleString()} skipped, ${r.counts.failed.toLocaleString()} failed`
          }
        />
        <TextField source="message" emptyText="no message" />
        <TextField source="instance" />
        <EntityTypeCounts label="Counts per entity type" />
      </SimpleShowLayout>
    </Show>
  );
}
