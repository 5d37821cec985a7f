// What the settings screens share: the API's message of a refusal, and the notice shown to a
// caller whose role does not open a screen.
import { Alert, Card, CardContent } from '@mui/material';
import { Title } from 'react-admin';

// The service's own message (an ApiError carries it), else the error's text.
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string') return error;
  return 'the request failed';
}

export function AdminOnly({ title, what }: { title: string; what: string }) {
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={title} />
      <CardContent>
        <Alert severity="info">{what} are managed by the tenant’s admins; your role does not open them.</Alert>
      </CardContent>
    </Card>
  );
}
