// Counts of the tenant's error records by type, above the list; a type's count opens the list
// filtered by that type alone (so that it shows the records counted).
import { Alert, Box, Card, CardContent, Chip, Skeleton, Typography } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/http';
import { useErrorSummary } from './api';
import { records } from './filters';

export function filterLink(errorType: string): string {
  const params = new URLSearchParams({ filter: JSON.stringify({ error_type: errorType }), page: '1' });
  return `/error-records?${params.toString()}`;
}

export function ErrorSummaryPanel() {
  const summary = useErrorSummary();
  const navigate = useNavigate();
  let body;
  if (summary.isPending) {
    body = <Skeleton variant="text" width={320} />;
  } else if (summary.isError) {
    const error = summary.error;
    body =
      error instanceof ApiError && error.status === 404 ? (
        <Typography color="text.secondary">
          Counts unavailable: this server does not report error counts by type yet.
        </Typography>
      ) : (
        <Alert severity="warning">Counts unavailable: {error.message}</Alert>
      );
  } else {
    const { total, disabled, by_type } = summary.data;
    body = (
      <>
        <Typography sx={{ mb: 1 }}>
          {total === 0 ? 'No error records.' : `${records(total)}, ${disabled} of them disabled.`}
        </Typography>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }} role="list" aria-label="Error records by type">
          {by_type.map((t) => (
            <Box role="listitem" key={`${t.error_type}/${t.follow_up_step}`}>
              <Chip
                label={`${t.error_type} (${t.follow_up_step}): ${t.count}`}
                onClick={() => navigate(filterLink(t.error_type))}
                aria-label={`Show the ${records(t.count)} of type ${t.error_type}`}
                variant="outlined"
                color={t.follow_up_step === 'Terminal' ? 'default' : 'primary'}
              />
            </Box>
          ))}
        </Box>
      </>
    );
  }
  return (
    <Card sx={{ mt: 2 }} component="section" aria-label="Error counts">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Typography variant="subtitle1" component="h2" gutterBottom>
          Error records by type
        </Typography>
        {body}
      </CardContent>
    </Card>
  );
}
