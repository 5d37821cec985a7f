import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const pid = Number(process.env.AVNI_E2E_PID);
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  if (process.env.AVNI_E2E_DIR) rmSync(process.env.AVNI_E2E_DIR, { recursive: true, force: true });
}
