import {
  Button,
  Create,
  CreateButton,
  Datagrid,
  DeleteButton,
  Edit,
  EditButton,
  FunctionField,
  Labeled,
  List,
  SaveButton,
  SimpleForm,
  TextField,
  TextInput,
  Title,
  Toolbar,
  TopToolbar,
  required,
  useResourceContext,
} from 'react-admin';
import { Alert, Box, Card, CardContent, Typography } from '@mui/material';
import ListIcon from '@mui/icons-material/List';
import { useSession } from '../../api/useSession';

type NameResource = 'mapping-groups' | 'mapping-types';

const nouns: Record<NameResource, { one: string; many: string; filter: string }> = {
  'mapping-groups': { one: 'group', many: 'Mapping groups', filter: 'group_id' },
  'mapping-types': { one: 'type', many: 'Mapping types', filter: 'type_id' },
};

function nounOf(resource: string | undefined) {
  return nouns[(resource as NameResource) ?? 'mapping-groups'] ?? nouns['mapping-groups'];
}

// The mappings of one group or type: the mappings list filtered on it.
function MappingsLink({ resource, id }: { resource: NameResource; id: number }) {
  const filter = encodeURIComponent(JSON.stringify({ [nouns[resource].filter]: id }));
  return (
    <Button label="Mappings" to={`/mappings?filter=${filter}`} onClick={(e) => e.stopPropagation()}>
      <ListIcon />
    </Button>
  );
}

function NameList({ resource }: { resource: NameResource }) {
  const { canEdit } = useSession();
  const noun = nouns[resource];
  return (
    <Box sx={{ flex: '1 1 420px', minWidth: 0 }}>
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
        {noun.many}
      </Typography>
      <List
        resource={resource}
        title={false}
        disableSyncWithLocation
        storeKey={`${resource}.names`}
        perPage={100}
        sort={{ field: 'name', order: 'ASC' }}
        empty={false}
        actions={<TopToolbar>{canEdit && <CreateButton resource={resource} label={`New ${noun.one}`} />}</TopToolbar>}
      >
        <Datagrid rowClick={false} bulkActionButtons={false}>
          <TextField source="name" label="Name" />
          <TextField source="id" label="Id" sortable={false} />
          <TextField source="uuid" label="Uuid" sortable={false} />
          <FunctionField<{ id: number }>
            label="Mappings"
            sortable={false}
            render={(record) => <MappingsLink resource={resource} id={record.id} />}
          />
          {canEdit && <EditButton label="Rename" />}
        </Datagrid>
      </List>
    </Box>
  );
}

// Mapping groups and mapping types side by side (both /mapping-groups and /mapping-types show
// it): their names, and for editors new ones and renames.
export function NamesScreen() {
  return (
    <Box>
      <Title title="Groups and types" />
      <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
        Every mapping belongs to one group and one type. Renaming keeps the mappings; a group or type that mappings still
        use (voided ones included) cannot be deleted.
      </Typography>
      <Box sx={{ display: 'flex', gap: 3, flexWrap: 'wrap' }}>
        <NameList resource="mapping-groups" />
        <NameList resource="mapping-types" />
      </Box>
    </Box>
  );
}

function ViewerRefusal() {
  return (
    <Card sx={{ mt: 2 }}>
      <CardContent>
        <Alert severity="info">A viewer cannot change mapping groups or types; ask an editor or an administrator.</Alert>
      </CardContent>
    </Card>
  );
}

export function NameCreate() {
  const resource = useResourceContext();
  const { canEdit } = useSession();
  const noun = nounOf(resource);
  if (!canEdit) return <ViewerRefusal />;
  return (
    <Create title={`New mapping ${noun.one}`} redirect="list">
      <SimpleForm>
        <TextInput source="name" label="Name" validate={required()} />
        <TextInput
          source="uuid"
          label="Uuid (optional)"
          helperText="To match another system's; left empty, one is made"
          parse={(value: string) => (value === '' ? undefined : value)}
        />
      </SimpleForm>
    </Create>
  );
}

function NameToolbar() {
  return (
    <Toolbar sx={{ display: 'flex', justifyContent: 'space-between' }}>
      <SaveButton label="Rename" />
      <DeleteButton mutationMode="pessimistic" />
    </Toolbar>
  );
}

export function NameEdit() {
  const resource = useResourceContext();
  const { canEdit } = useSession();
  const noun = nounOf(resource);
  if (!canEdit) return <ViewerRefusal />;
  return (
    <Edit title={`Rename mapping ${noun.one}`} mutationMode="pessimistic" redirect="list">
      <SimpleForm toolbar={<NameToolbar />}>
        <Labeled label="Uuid">
          <TextField source="uuid" />
        </Labeled>
        <TextInput source="name" label="Name" validate={required()} />
      </SimpleForm>
    </Edit>
  );
}
