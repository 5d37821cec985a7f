import type { ReactElement } from 'react';
import { Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import ErrorIcon from '@mui/icons-material/ErrorOutline';
import SyncIcon from '@mui/icons-material/Sync';
import { ErrorList } from './ErrorList';
import { ErrorShow } from './ErrorShow';
import { SyncStatusList } from './SyncStatusList';

// The errors screens: their <Resource> elements and custom routes, registered by App.
// An error record's detail is at /error-records/:id (react-admin's own would be .../:id/show).
export const errorResources: ReactElement[] = [
  <Resource key="error-records" name="error-records" list={ErrorList} icon={ErrorIcon} options={{ label: 'Error records' }} />,
  <Resource key="sync-status" name="sync-status" list={SyncStatusList} icon={SyncIcon} options={{ label: 'Sync status' }} />,
];
export const errorRoutes: ReactElement[] = [
  <Route key="error-record" path="/error-records/:id" element={<ErrorShow />} />,
];
