import {
  BooleanField,
  Create,
  CreateButton,
  DataTable,
  DateField,
  Edit,
  EditButton,
  List,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  TopToolbar,
  required,
  useDataProvider,
  useNotify,
  useRecordContext,
  useRedirect,
  useRefresh,
} from 'react-admin';
import BlockIcon from '@mui/icons-material/Block';
import CheckCircleIcon from '@mui/icons-material/CheckCircleOutline';
import { Box, Typography } from '@mui/material';
import { loadSession, type Tenant } from '../../api/session';
import { useSession } from '../../api/useSession';
import { ConfirmButton, NotAllowed, errorMessage, fieldErrors } from './common';

// The integrations the service runs (src/integrations/registry.cpp); the API takes any slug,
// but a tenant of another type runs no flows.
export const tenantTypes = [
  { id: 'bahmni', name: 'bahmni: Avni and Bahmni (OpenMRS)' },
  { id: 'demo', name: 'demo: simulated records, to try the service' },
];

function superAdminOnly(superAdmin: boolean) {
  return superAdmin ? null : (
    <NotAllowed>Only a super-admin manages tenants; the tenant switcher in the top bar lists yours.</NotAllowed>
  );
}

// A tenant's switch between active and deactivated, asked first. A deactivated tenant's jobs
// do not run; it stays reachable so that it can be fixed.
function ActiveToggle() {
  const tenant = useRecordContext<Tenant & { created_at: string }>();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!tenant) return null;
  const deactivate = tenant.active;
  return (
    <ConfirmButton
      label={deactivate ? 'Deactivate' : 'Activate'}
      startIcon={deactivate ? <BlockIcon /> : <CheckCircleIcon />}
      color={deactivate ? 'warning' : 'primary'}
      title={`${deactivate ? 'Deactivate' : 'Activate'} ${tenant.name}?`}
      content={
        deactivate
          ? `Its jobs stop running until it is activated again. Its members keep their access, and its mappings, error records and settings stay as they are.`
          : `Its jobs run on their schedules again.`
      }
      confirm={deactivate ? 'Deactivate' : 'Activate'}
      action={async () => {
        await dataProvider.update('tenants', {
          id: tenant.id,
          data: { active: !tenant.active },
          previousData: tenant,
        });
        await loadSession();
        notify(`${tenant.name} ${deactivate ? 'deactivated' : 'activated'}`, { type: 'success' });
        refresh();
      }}
    />
  );
}

export function TenantList() {
  const { superAdmin } = useSession();
  return (
    superAdminOnly(superAdmin) ?? (
      <List
        title="Tenants"
        sort={{ field: 'name', order: 'ASC' }}
        perPage={25}
        actions={
          <TopToolbar>
            <CreateButton label="New tenant" />
          </TopToolbar>
        }
      >
        <DataTable bulkActionButtons={false} rowClick={false}>
          <DataTable.Col source="name" label="Name" field={TextField} />
          <DataTable.Col source="type" label="Type" field={TextField} />
          <DataTable.Col source="active" label="Active" field={BooleanField} disableSort />
          <DataTable.Col source="created_at" label="Created">
            <DateField source="created_at" showTime />
          </DataTable.Col>
          <DataTable.Col label="Actions" disableSort>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              <EditButton label="Rename" />
              <ActiveToggle />
            </Box>
          </DataTable.Col>
        </DataTable>
      </List>
    )
  );
}

export function TenantCreate() {
  const { superAdmin } = useSession();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const redirect = useRedirect();
  async function submit(values: Record<string, unknown>) {
    try {
      const { data } = await dataProvider.create('tenants', { data: { name: values.name, type: values.type } });
      await loadSession(); // the tenant switcher lists it
      notify(`Tenant ${data.name} created; add its members and config to run it`, { type: 'success' });
      redirect('list', 'tenants');
      return undefined;
    } catch (error) {
      notify(errorMessage(error), { type: 'error', messageArgs: { _: errorMessage(error) } });
      return fieldErrors(error);
    }
  }
  return (
    superAdminOnly(superAdmin) ?? (
      <Create title="New tenant" redirect={false}>
        <SimpleForm onSubmit={submit} defaultValues={{ type: 'bahmni' }}>
          <Typography variant="body2" color="text.secondary">
            You become its admin (a super-admin is admin everywhere). Its config and members are set
            under Config and Members once you open it in the tenant switcher.
          </Typography>
          <TextInput source="name" label="Name" validate={required()} autoFocus />
          <SelectInput source="type" label="Type" choices={tenantTypes} validate={required()} />
        </SimpleForm>
      </Create>
    )
  );
}

function RenameToolbar() {
  return (
    <Toolbar>
      <SaveButton label="Rename" />
    </Toolbar>
  );
}

export function TenantEdit() {
  const { superAdmin } = useSession();
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    superAdminOnly(superAdmin) ?? (
      <Edit
        title="Rename tenant"
        mutationMode="pessimistic"
        transform={(data: Record<string, unknown>) => ({ name: data.name })}
        mutationOptions={{
          onSuccess: async (data: { id: unknown; name?: unknown }) => {
            await loadSession(); // the tenant switcher shows the new name
            notify(`Tenant renamed to ${String(data.name)}`, { type: 'success' });
            redirect('list', 'tenants');
          },
          onError: (error: unknown) => {
            notify(errorMessage(error), { type: 'error', messageArgs: { _: errorMessage(error) } });
          },
        }}
      >
        <SimpleForm toolbar={<RenameToolbar />}>
          <TextInput source="name" label="Name" validate={required()} />
          <TextField source="type" label="Type" />
        </SimpleForm>
      </Edit>
    )
  );
}
