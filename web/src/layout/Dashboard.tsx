import { Title } from 'react-admin';
import { Card, CardContent, Typography } from '@mui/material';
import { useSession } from '../api/useSession';

// The landing page: which tenant is open and what the caller may do there.
export function Dashboard() {
  const { session, tenant, role } = useSession();
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="avni-integrator" />
      <CardContent>
        <Typography variant="h5" component="h2" gutterBottom>
          {tenant ? tenant.name : 'No tenant'}
        </Typography>
        {tenant ? (
          <Typography>
            A {tenant.type} integration{tenant.active ? '' : ' (deactivated: its jobs do not run)'}; you are its{' '}
            {role}. Signed in as {session?.user.email}.
          </Typography>
        ) : (
          <Typography>
            You are not a member of any tenant yet.{' '}
            {session?.user.super_admin ? 'Create one under Tenants.' : 'Ask an administrator to add you.'}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
