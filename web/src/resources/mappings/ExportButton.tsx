import { useState } from 'react';
import { Button, useListContext, useNotify } from 'react-admin';
import DownloadIcon from '@mui/icons-material/Download';
import { CircularProgress, Typography } from '@mui/material';
import { apiRaw } from '../../api/http';
import { basePath } from '../../dataProvider';
import { currentTenantId } from '../../api/session';
import { saveDownload } from '../../api/download';
import { exportQuery, filtersNotExported, messageOf } from './logic';

// Downloads the mappings the list's filter matches as CSV; voided ones are never exported (the
// file is for importing back), so the button says so when the list shows them.
export function ExportButton() {
  const { filterValues } = useListContext();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const ignored = filtersNotExported(filterValues);

  const download = async () => {
    setBusy(true);
    try {
      const response = await apiRaw(`${basePath('mappings')}/export`, {
        query: exportQuery(filterValues),
      });
      const name = await saveDownload(response, `mappings-tenant-${currentTenantId() ?? ''}.csv`);
      notify(`Downloaded ${name}`, { type: 'info' });
    } catch (error) {
      notify(messageOf(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {ignored.length > 0 && (
        <Typography variant="caption" color="text.secondary" sx={{ maxWidth: 260, lineHeight: 1.2 }}>
          The export leaves voided mappings out.
        </Typography>
      )}
      <Button
        label="Export CSV"
        title="Download the live (non-voided) mappings this filter matches as CSV"
        onClick={() => void download()}
        disabled={busy}
      >
        {busy ? <CircularProgress size={16} /> : <DownloadIcon />}
      </Button>
    </>
  );
}
