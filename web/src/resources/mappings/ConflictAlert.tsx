import { Alert, AlertTitle, Button, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { Link } from 'react-router-dom';
import type { Conflict } from './logic';

// A refusal because another mapping holds one of the values: the service's message, which
// names that mapping, shown until dismissed (not a toast that vanishes), with a link to it.
export function ConflictAlert({ conflict, onClose }: { conflict: Conflict; onClose?: () => void }) {
  return (
    <Alert
      severity="error"
      role="alert"
      onClose={onClose}
      sx={{ mb: 2, width: '100%' }}
      action={
        conflict.mappingId !== null ? (
          <Button color="inherit" size="small" component={Link} to={`/mappings/${conflict.mappingId}`}>
            Open mapping {conflict.mappingId}
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>Another mapping is in the way</AlertTitle>
      {conflict.message}
    </Alert>
  );
}

// The same, as a dialog (for a refusal from a list row).
export function ConflictDialog({ conflict, onClose }: { conflict: Conflict | null; onClose: () => void }) {
  return (
    <Dialog open={conflict !== null} onClose={onClose} aria-labelledby="mapping-conflict-title">
      <DialogTitle id="mapping-conflict-title">Another mapping is in the way</DialogTitle>
      <DialogContent>
        <Alert severity="error" role="alert">
          {conflict?.message}
        </Alert>
      </DialogContent>
      <DialogActions>
        {conflict?.mappingId != null && (
          <Button component={Link} to={`/mappings/${conflict.mappingId}`} onClick={onClose}>
            Open mapping {conflict.mappingId}
          </Button>
        )}
        <Button onClick={onClose} autoFocus>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
