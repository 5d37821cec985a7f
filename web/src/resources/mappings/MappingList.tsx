import { useEffect, useRef } from 'react';
import {
  BooleanInput,
  Button,
  CreateButton,
  Datagrid,
  FilterButton,
  FunctionField,
  List,
  Pagination,
  ReferenceInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useListContext,
} from 'react-admin';
import { Box, Chip, IconButton, Tooltip, Typography, useMediaQuery, type Theme } from '@mui/material';
import EditIcon from '@mui/icons-material/Edit';
import { Link } from 'react-router-dom';
import UploadIcon from '@mui/icons-material/UploadFile';
import { useSession } from '../../api/useSession';
import { ExportButton } from './ExportButton';
import { VoidRestoreButton, type MappingRecord } from './VoidRestoreButton';
import { hintChoices } from './logic';

// The filters the API takes: group and type (by id, from the tenant's lists), the values (an
// exact match), the hint, a text search over both values and "about", and voided rows.
const filters = [
  <TextInput key="q" source="q" label="Search" alwaysOn resettable helperText={false} />,
  <ReferenceInput
    key="group_id"
    source="group_id"
    reference="mapping-groups"
    perPage={500}
    sort={{ field: 'name', order: 'ASC' }}
    alwaysOn
  >
    <SelectInput optionText="name" label="Group" helperText={false} sx={{ minWidth: 160 }} />
  </ReferenceInput>,
  <ReferenceInput
    key="type_id"
    source="type_id"
    reference="mapping-types"
    perPage={500}
    sort={{ field: 'name', order: 'ASC' }}
    alwaysOn
  >
    <SelectInput optionText="name" label="Type" helperText={false} sx={{ minWidth: 160 }} />
  </ReferenceInput>,
  <TextInput key="avni_value" source="avni_value" label="Avni value (exact)" helperText={false} />,
  <TextInput key="int_system_value" source="int_system_value" label="Other-system value (exact)" helperText={false} />,
  <SelectInput key="data_type_hint" source="data_type_hint" label="Data type hint" choices={hintChoices} helperText={false} />,
  <BooleanInput key="include_voided" source="include_voided" label="Include voided" alwaysOn helperText={false} />,
];

function ListActions() {
  const { canEdit } = useSession();
  return (
    <TopToolbar sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
      <FilterButton />
      {canEdit && <CreateButton label="New mapping" />}
      {canEdit && (
        <Button label="Import CSV" to="/mappings/import">
          <UploadIcon />
        </Button>
      )}
      <ExportButton />
    </TopToolbar>
  );
}

function About({ record }: { record: MappingRecord }) {
  if (!record.about) return null;
  return (
    <Typography
      variant="body2"
      title={record.about}
      sx={{ maxWidth: 200, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
    >
      {record.about}
    </Typography>
  );
}

// Group and type ids belong to one tenant: another tenant's list starts unfiltered.
function ClearFiltersOnTenantChange() {
  const { tenant } = useSession();
  const { setFilters } = useListContext();
  const seen = useRef(tenant?.id);
  useEffect(() => {
    if (seen.current === tenant?.id) return;
    seen.current = tenant?.id;
    setFilters({}, {});
  }, [tenant?.id, setFilters]);
  return null;
}

// Edit and void (or restore) as icons, so that the row fits a tablet's width.
function RowActions({ record }: { record: MappingRecord }) {
  const label = `${record.avni_value} -> ${record.int_system_value}`;
  return (
    <Box sx={{ display: 'flex', whiteSpace: 'nowrap' }} onClick={(event) => event.stopPropagation()}>
      <Tooltip title="Edit">
        <IconButton
          size="small"
          color="primary"
          component={Link}
          to={`/mappings/${record.id}`}
          aria-label={`Edit mapping ${record.id} (${label})`}
        >
          <EditIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      <VoidRestoreButton compact />
    </Box>
  );
}

const voidedRow = (record: MappingRecord) => (record.voided ? { opacity: 0.6 } : {});

// The tenant's mappings: filtered, sorted (on the columns the API sorts) and paged; editors
// edit, void and restore in the row.
export function MappingList() {
  const { canEdit } = useSession();
  // Below a laptop's width the id and "about" are left out (the edit view has them), so that a
  // row fits a tablet.
  const wide = useMediaQuery((theme: Theme) => theme.breakpoints.up('lg'));
  return (
    <List
      title="Mappings"
      filters={filters}
      actions={<ListActions />}
      perPage={25}
      pagination={<Pagination rowsPerPageOptions={[25, 50, 100, 500]} />}
      empty={false}
      storeKey="mappings.list"
    >
      <ClearFiltersOnTenantChange />
      <Datagrid
        rowClick={canEdit ? 'edit' : false}
        bulkActionButtons={false}
        rowSx={voidedRow}
        size="small"
        sx={{
          '& .RaDatagrid-rowCell': { verticalAlign: 'middle' },
          '& td, & th': { px: 1 },
          '& td.column-group': { whiteSpace: 'nowrap' },
          '& td.column-type': { overflowWrap: 'anywhere', minWidth: 120 },
          '& td.column-int_system_value': { overflowWrap: 'anywhere', minWidth: 120 },
        }}
      >
        {wide && <TextField source="id" label="Id" sortable={false} />}
        <TextField source="group" label="Group" sortable={false} />
        <TextField source="type" label="Type" sortable={false} />
        <TextField source="avni_value" label="Avni value" />
        <TextField source="int_system_value" label="Other-system value" />
        <TextField source="data_type_hint" label="Hint" />
        {wide && (
          <FunctionField<MappingRecord> label="About" sortable={false} render={(record) => <About record={record} />} />
        )}
        <FunctionField<MappingRecord>
          label="Voided"
          sortable={false}
          render={(record) => (record.voided ? <Chip size="small" label="voided" color="warning" /> : null)}
        />
        {canEdit && <FunctionField<MappingRecord> label="Actions" sortable={false} render={(record) => <RowActions record={record} />} />}
      </Datagrid>
    </List>
  );
}
