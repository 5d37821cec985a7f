import {
  BooleanInput,
  Button,
  CreateButton,
  Datagrid,
  EditButton,
  FilterButton,
  FunctionField,
  List,
  Pagination,
  ReferenceInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
} from 'react-admin';
import { Chip, Typography } from '@mui/material';
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
      sx={{ maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
    >
      {record.about}
    </Typography>
  );
}

const voidedRow = (record: MappingRecord) => (record.voided ? { opacity: 0.6 } : {});

// The tenant's mappings: filtered, sorted (on the columns the API sorts) and paged; editors
// edit, void and restore in the row.
export function MappingList() {
  const { canEdit } = useSession();
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
      <Datagrid
        rowClick={canEdit ? 'edit' : false}
        bulkActionButtons={false}
        rowSx={voidedRow}
        sx={{ '& .RaDatagrid-rowCell': { verticalAlign: 'middle' } }}
      >
        <TextField source="id" label="Id" sortable={false} />
        <TextField source="group" label="Group" sortable={false} />
        <TextField source="type" label="Type" sortable={false} />
        <TextField source="avni_value" label="Avni value" />
        <TextField source="int_system_value" label="Other-system value" />
        <TextField source="data_type_hint" label="Hint" />
        <FunctionField<MappingRecord> label="About" sortable={false} render={(record) => <About record={record} />} />
        <FunctionField<MappingRecord>
          label="Voided"
          sortable={false}
          render={(record) => (record.voided ? <Chip size="small" label="voided" color="warning" /> : null)}
        />
        {canEdit && <EditButton />}
        {canEdit && <VoidRestoreButton />}
      </Datagrid>
    </List>
  );
}
