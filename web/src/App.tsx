import { Admin, CustomRoutes } from 'react-admin';
import { BrowserRouter, Route } from 'react-router-dom';
import { authProvider } from './authProvider';
import { dataProvider } from './dataProvider';
import { Layout } from './layout/Layout';
import { LoginPage } from './layout/LoginPage';
import { PasswordPage } from './layout/PasswordPage';
import { Dashboard } from './layout/Dashboard';
import { theme } from './theme';
import { mappingResources, mappingRoutes } from './resources/mappings';
import { errorResources, errorRoutes } from './resources/errors';
import { jobResources, jobRoutes } from './resources/jobs';
import { settingsResources, settingsRoutes } from './resources/settings';
import { adminResources, adminRoutes } from './resources/admin';

// The admin app: every screen works on the tenant picked in the top bar. Real paths, not
// '#/' ones (the server answers index.html for them), so that a reload or a bookmark of any
// screen opens it.
export function App() {
  return (
    <BrowserRouter>
      <Admin
      title="avni-integrator"
      authProvider={authProvider}
      dataProvider={dataProvider}
      layout={Layout}
      loginPage={LoginPage}
      dashboard={Dashboard}
      theme={theme}
      requireAuth
      disableTelemetry
    >
      {mappingResources}
      {errorResources}
      {jobResources}
      {settingsResources}
      {adminResources}
      <CustomRoutes>
        <Route path="/password" element={<PasswordPage />} />
        {mappingRoutes}
        {errorRoutes}
        {jobRoutes}
        {settingsRoutes}
        {adminRoutes}
      </CustomRoutes>
    </Admin>
    </BrowserRouter>
  );
}
