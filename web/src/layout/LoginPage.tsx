import { useState, type FormEvent } from 'react';
import { useLogin } from 'react-admin';
import { Alert, Box, Button, Card, CardContent, TextField, Typography } from '@mui/material';

// Sign-in with the service's own accounts (email and password). A refusal shows the service's
// message: a wrong password, or too many tries (429) with when to try again.
export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login({ email, password });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      setError(message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', bgcolor: '#eceff1' }}>
      <Card sx={{ width: 380, maxWidth: '92vw' }}>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            avni-integrator
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            Sign in to manage mappings, error records and schedules.
          </Typography>
          <form onSubmit={submit} noValidate>
            <TextField
              label="Email"
              type="email"
              autoComplete="username"
              fullWidth
              margin="normal"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              autoFocus
              required
            />
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              fullWidth
              margin="normal"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            {error && (
              <Alert severity="error" sx={{ mt: 1 }} role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" variant="contained" fullWidth sx={{ mt: 2 }} disabled={busy}>
              Sign in
            </Button>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
