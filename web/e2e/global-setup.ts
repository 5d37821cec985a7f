// Starts the real binary for the end-to-end tests: a fresh SQLite database in a temporary
// folder, the demo tenant (the Avni and OpenMRS simulators in the server's process, whose
// first run parks three records on the unmapped answer "O+"), and three users of it: a
// super-admin, an editor and a viewer. The server's URL goes to the tests in AVNI_E2E_URL.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { users } from './users';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

async function waitFor(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.text();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the server did not answer ${url} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export default async function globalSetup() {
  const binary = resolve(process.env.AVNI_BIN ?? '../build/release/src/app/avni-integrator');
  if (!existsSync(binary)) throw new Error(`no server binary at ${binary}: build it (make build) or set AVNI_BIN`);
  const webDir = resolve(process.env.AVNI_WEB_DIR ?? 'dist');
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`no built app in ${webDir}: run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), 'avni-e2e-'));
  const db = `sqlite:${join(dir, 'e2e.db')}`;
  const port = await freePort();

  execFileSync(binary, ['migrate', '--db', db], { stdio: 'ignore' });
  execFileSync(binary, ['user', 'create', '--db', db, '--email', users.admin.email, '--super-admin'], {
    input: `${users.admin.password}\n`,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const server = spawn(
    binary,
    ['serve', '--db', db, '--port', String(port), '--allow-private-targets', '--demo', '--web-dir', webDir],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
  let log = '';
  server.stderr?.on('data', (chunk) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  });
  server.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`avni-integrator exited with ${code}:\n${log.slice(-4000)}`);
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await prepare(base);
  } catch (error) {
    // The teardown does not run when the set-up fails: leave nothing behind.
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // Playwright hands the environment set here to the test workers and to the teardown.
  process.env.AVNI_E2E_URL = base;
  process.env.AVNI_E2E_PID = String(server.pid);
  process.env.AVNI_E2E_DIR = dir;
  process.env.AVNI_E2E_DB = db;
  process.env.AVNI_BIN = binary;
}

// Waits for the server and its demo tenant, and makes the editor and the viewer.
async function prepare(base: string): Promise<void> {
  await waitFor(`${base}/ready`, 20_000);

  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: users.admin.email, password: users.admin.password }),
  });
  const { token } = (await login.json()) as { token: string };
  // The demo tenant appears once the server has made it.
  let tenantId = 0;
  for (let i = 0; i < 100 && !tenantId; i++) {
    const list = await call(base, token, 'GET', '/tenants');
    tenantId = list.items.find((t: { name: string }) => t.name === 'demo-bahmni')?.id ?? 0;
    if (!tenantId) await new Promise((r) => setTimeout(r, 100));
  }
  if (!tenantId) throw new Error('the demo tenant demo-bahmni was not made');
  for (const who of ['editor', 'viewer'] as const) {
    const user = await call(base, token, 'POST', '/users', { email: users[who].email, password: users[who].password });
    await call(base, token, 'POST', `/tenants/${tenantId}/members`, { email: user.email, role: who });
  }
  process.env.AVNI_E2E_TENANT = String(tenantId);
}
