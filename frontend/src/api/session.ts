/** Where the signed-in traveller's tokens live: localStorage, so a reload or a new tab keeps the session. */
import type { TokenResponse, User } from './types.js';

export interface Session {
  token: string;
  refreshToken: string;
  /** Epoch ms when the access token expires (client clock). */
  expiresAt: number;
  user: User | null;
}

export interface SessionStore {
  get(): Session | null;
  set(session: Session | null): void;
  subscribe(listener: (s: Session | null) => void): () => void;
}

const KEY = 'rail.session';

export function sessionFromTokens(t: TokenResponse, previousUser: User | null = null): Session {
  return {
    token: t.token,
    refreshToken: t.refreshToken,
    expiresAt: Date.now() + t.expiresIn * 1000,
    user: t.user ?? previousUser,
  };
}

export function createSessionStore(
  storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage,
): SessionStore {
  let current: Session | null = null;
  try {
    const raw = storage?.getItem(KEY);
    current = raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    current = null;
  }
  const listeners = new Set<(s: Session | null) => void>();
  return {
    get: () => current,
    set(session) {
      current = session;
      try {
        if (session) storage?.setItem(KEY, JSON.stringify(session));
        else storage?.removeItem(KEY);
      } catch {
        // Private mode or a full quota: the session still lives in memory for this tab.
      }
      for (const l of listeners) l(session);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
