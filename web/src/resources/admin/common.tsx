import { useState, type ReactNode } from 'react';
import { Confirm, useExpanded, useNotify, useRecordContext, useResourceContext } from 'react-admin';
import { Alert, Button, Card, CardContent } from '@mui/material';
import { ApiError } from '../../api/http';

// The service's own message for a refusal (an ApiError carries it), or the error's text.
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'the request failed';
}

// A refusal as form errors: the field the service named gets its message beside it.
export function fieldErrors(error: unknown): Record<string, string> | undefined {
  if (error instanceof ApiError && error.field) return { [error.field]: error.message };
  return undefined;
}

// What a screen shows to a caller the API would refuse anyway.
export function NotAllowed({ children }: { children: ReactNode }) {
  return (
    <Card sx={{ mt: 2 }}>
      <CardContent>
        <Alert severity="info">{children}</Alert>
      </CardContent>
    </Card>
  );
}

// A button that asks first, then runs `action`; a refusal shows the service's message and
// leaves the dialog closed.
export function ConfirmButton({
  label,
  title,
  content,
  confirm,
  color,
  startIcon,
  action,
}: {
  label: string;
  title: string;
  content: ReactNode;
  confirm: string;
  color?: 'primary' | 'warning';
  startIcon?: ReactNode;
  action: () => Promise<unknown>;
}) {
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button
        size="small"
        startIcon={startIcon}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <Confirm
        isOpen={open}
        loading={busy}
        title={title}
        content={content}
        confirm={confirm}
        confirmColor={color ?? 'primary'}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            await action();
          } catch (error) {
            notify(errorMessage(error), { type: 'error', messageArgs: { _: errorMessage(error) } });
          } finally {
            setBusy(false);
            setOpen(false);
          }
        }}
      />
    </>
  );
}

// Opens and closes a row's detail panel: the table's own expand icon is not reachable by
// keyboard, this is a real button.
export function ExpandButton({ show, hide, name }: { show: string; hide: string; name?: string }) {
  const record = useRecordContext();
  const resource = useResourceContext();
  const [expanded, toggle] = useExpanded(resource ?? '', record?.id ?? '');
  if (!record) return null;
  return (
    <Button
      size="small"
      aria-expanded={expanded}
      aria-label={name ? `${expanded ? hide : show} ${name}` : undefined}
      onClick={(e) => {
        e.stopPropagation();
        toggle();
      }}
    >
      {expanded ? hide : show}
    </Button>
  );
}
