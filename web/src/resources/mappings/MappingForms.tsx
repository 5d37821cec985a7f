import { useState } from 'react';
import {
  Create,
  Edit,
  FunctionField,
  SaveButton,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  Toolbar,
  required,
  useGetList,
  useNotify,
  useRecordContext,
} from 'react-admin';
import { Alert, Typography } from '@mui/material';
import { useSession } from '../../api/useSession';
import { ConflictAlert } from './ConflictAlert';
import { VoidRestoreButton, type MappingRecord } from './VoidRestoreButton';
import { conflictOf, hintChoices, messageOf, type Conflict } from './logic';

// The choices of a group or type field: the tenant's names (the API takes a group or type by
// name on create and update).
function useNames(resource: 'mapping-groups' | 'mapping-types') {
  const { data, isPending } = useGetList<{ id: number; name: string }>(resource, {
    pagination: { page: 1, perPage: 500 },
    sort: { field: 'name', order: 'ASC' },
  });
  return { choices: (data ?? []).map((n) => ({ id: n.name, name: n.name })), isPending };
}

function MappingInputs() {
  const groups = useNames('mapping-groups');
  const types = useNames('mapping-types');
  return (
    <>
      <SelectInput
        source="group"
        label="Group"
        choices={groups.choices}
        isPending={groups.isPending}
        validate={required()}
      />
      <SelectInput source="type" label="Type" choices={types.choices} isPending={types.isPending} validate={required()} />
      <TextInput source="avni_value" label="Avni value" validate={required()} fullWidth />
      <TextInput source="int_system_value" label="Other-system value" validate={required()} fullWidth />
      <SelectInput source="data_type_hint" label="Data type hint" choices={hintChoices} validate={required()} />
      <TextInput source="about" label="About" multiline minRows={2} fullWidth />
      <Typography variant="caption" color="text.secondary">
        A group or type that is not listed is made under Groups and types. Within one group and type, each Avni value and
        each other-system value belongs to one live mapping.
      </Typography>
    </>
  );
}

// The mutation's error handler of a form: a conflict stays on the screen (it names the row in
// the way); anything else is the service's message in a notification.
function useFormErrors() {
  const notify = useNotify();
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const onError = (error: unknown) => {
    const found = conflictOf(error);
    setConflict(found);
    if (!found) notify(messageOf(error), { type: 'error' });
  };
  return { conflict, clear: () => setConflict(null), onError };
}

export function MappingCreate() {
  const { canEdit } = useSession();
  const errors = useFormErrors();
  if (!canEdit) {
    return <Alert severity="info">A viewer cannot create mappings; ask an editor or an administrator.</Alert>;
  }
  return (
    <Create title="New mapping" redirect="list" mutationOptions={{ onError: errors.onError }}>
      <SimpleForm defaultValues={{ data_type_hint: 'Coded', about: '' }}>
        {errors.conflict && <ConflictAlert conflict={errors.conflict} onClose={errors.clear} />}
        <MappingInputs />
      </SimpleForm>
    </Create>
  );
}

function EditToolbar() {
  return (
    <Toolbar sx={{ gap: 2 }}>
      <SaveButton />
      <VoidRestoreButton />
    </Toolbar>
  );
}

function VoidedNotice() {
  const record = useRecordContext<MappingRecord>();
  if (!record?.voided) return null;
  return (
    <Alert severity="warning" sx={{ mb: 2, width: '100%' }}>
      This mapping is voided: the integration does not use it. Restore it to use it again.
    </Alert>
  );
}

function MappingTitle() {
  const record = useRecordContext<MappingRecord>();
  return <span>Mapping {record ? `${record.id}: ${record.avni_value}` : ''}</span>;
}

// Editors change a mapping, void or restore it; a viewer who opens one sees it read-only.
export function MappingEdit() {
  const { canEdit } = useSession();
  const errors = useFormErrors();
  const notify = useNotify();
  if (!canEdit) {
    return (
      <Show title={<MappingTitle />} actions={false}>
        <SimpleShowLayout>
          <TextField source="id" />
          <TextField source="group" />
          <TextField source="type" />
          <TextField source="avni_value" label="Avni value" />
          <TextField source="int_system_value" label="Other-system value" />
          <TextField source="data_type_hint" label="Data type hint" />
          <TextField source="about" />
          <FunctionField<MappingRecord> label="Voided" render={(r) => (r.voided ? 'yes' : 'no')} />
        </SimpleShowLayout>
      </Show>
    );
  }
  return (
    <Edit
      title={<MappingTitle />}
      mutationMode="pessimistic"
      redirect={false}
      mutationOptions={{
        onError: errors.onError,
        onSuccess: () => {
          errors.clear();
          notify('Mapping saved', { type: 'info' });
        },
      }}
    >
      <SimpleForm toolbar={<EditToolbar />}>
        {errors.conflict && <ConflictAlert conflict={errors.conflict} onClose={errors.clear} />}
        <VoidedNotice />
        <MappingInputs />
      </SimpleForm>
    </Edit>
  );
}
