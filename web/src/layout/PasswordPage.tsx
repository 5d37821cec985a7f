import { useState, type FormEvent } from 'react';
import { Title, useNotify } from 'react-admin';
import { Alert, Button, Card, CardContent, TextField, Typography } from '@mui/material';
import { api } from '../api/http';

// Changes one's own password. The service checks the rules (12 characters or more, not a
// common password) and ends one's other sessions.
export function PasswordPage() {
  const notify = useNotify();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(false);
    if (next !== again) {
      setError('the two new passwords differ');
      return;
    }
    try {
      await api('/auth/password', { method: 'POST', json: { current_password: current, new_password: next } });
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
      notify('Password changed; your other sessions have ended', { type: 'success' });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <Card sx={{ mt: 2, maxWidth: 480 }}>
      <Title title="Change password" />
      <CardContent>
        <Typography variant="body2" color="text.secondary">
          At least 12 characters; a few unrelated words make a good one.
        </Typography>
        <form onSubmit={submit}>
          <TextField label="Current password" type="password" autoComplete="current-password" fullWidth margin="normal" value={current} onChange={(e) => setCurrent(e.target.value)} />
          <TextField label="New password" type="password" autoComplete="new-password" fullWidth margin="normal" value={next} onChange={(e) => setNext(e.target.value)} />
          <TextField label="New password again" type="password" autoComplete="new-password" fullWidth margin="normal" value={again} onChange={(e) => setAgain(e.target.value)} />
          {error && <Alert severity="error" role="alert">{error}</Alert>}
          {done && <Alert severity="success">Password changed.</Alert>}
          <Button type="submit" variant="contained" sx={{ mt: 2 }}>
            Change password
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
