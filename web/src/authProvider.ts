import type { AuthProvider } from 'react-admin';
import { api, ApiError, setCsrfToken } from './api/http';
import { clearSession, loadSession, session } from './api/session';

// Signs in with the cookie session: the service sets `avni_session` (HttpOnly), and the CSRF
// token it answers stays in memory for writes.
export const authProvider: AuthProvider = {
  async login({ username, email, password }: { username?: string; email?: string; password: string }) {
    const answer = await api<{ csrf_token: string }>('/auth/login', {
      method: 'POST',
      json: { email: email ?? username, password },
    });
    setCsrfToken(answer.csrf_token);
    await loadSession();
  },
  async logout() {
    if (session()) {
      try {
        await api('/auth/logout', { method: 'POST' });
      } catch {
        // the session may have expired already: signing out locally is enough
      }
    }
    clearSession();
  },
  async checkAuth() {
    if (session()) return;
    try {
      await loadSession();
    } catch (error) {
      clearSession();
      throw error instanceof ApiError && error.status === 401 ? { message: false } : error;
    }
  },
  async checkError(error: unknown) {
    const status = (error as { status?: number })?.status;
    if (status === 401) {
      clearSession();
      throw new Error('your session has ended; sign in again');
    }
    // 403 and the rest: the screen shows the service's message, the session stays
  },
  async getIdentity() {
    const current = session() ?? (await loadSession());
    return { id: current.user.id, fullName: current.user.email };
  },
  async getPermissions() {
    return session()?.user.super_admin ? 'super_admin' : 'user';
  },
};
