import type { ReactElement } from 'react';
import { Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { ConfigList } from './ConfigList';
import { MemberList } from './MemberList';
import { ApiKeyList } from './ApiKeyList';
import { ErrorTypesPage } from './ErrorTypesPage';
import { BundlePage } from './BundlePage';

// The settings screens: their <Resource> elements and custom routes, registered by App.
export const settingsResources: ReactElement[] = [
  <Resource key="config" name="config" list={ConfigList} options={{ label: 'Config' }} />,
  <Resource key="members" name="members" list={MemberList} options={{ label: 'Members' }} />,
  <Resource key="api-keys" name="api-keys" list={ApiKeyList} options={{ label: 'API keys' }} />,
];
export const settingsRoutes: ReactElement[] = [
  <Route key="error-types" path="/error-types" element={<ErrorTypesPage />} />,
  <Route key="bundle" path="/bundle" element={<BundlePage />} />,
];
