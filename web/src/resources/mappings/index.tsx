import type { ReactElement } from 'react';
import { Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { MappingList } from './MappingList';
import { MappingCreate, MappingEdit } from './MappingForms';
import { MappingImport } from './MappingImport';
import { NameCreate, NameEdit, NamesScreen } from './NamesScreen';

// The mappings screens: their <Resource> elements and custom routes, registered by App.
export const mappingResources: ReactElement[] = [
  <Resource
    key="mappings"
    name="mappings"
    options={{ label: 'Mappings' }}
    list={MappingList}
    edit={MappingEdit}
    create={MappingCreate}
    recordRepresentation="avni_value"
  />,
  <Resource
    key="mapping-groups"
    name="mapping-groups"
    options={{ label: 'Mapping groups' }}
    list={NamesScreen}
    edit={NameEdit}
    create={NameCreate}
    recordRepresentation="name"
  />,
  <Resource
    key="mapping-types"
    name="mapping-types"
    options={{ label: 'Mapping types' }}
    list={NamesScreen}
    edit={NameEdit}
    create={NameCreate}
    recordRepresentation="name"
  />,
];

export const mappingRoutes: ReactElement[] = [
  <Route key="mappings-import" path="/mappings/import" element={<MappingImport />} />,
];
