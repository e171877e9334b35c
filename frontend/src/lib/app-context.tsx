/** The app-wide API client and signed-in session, shared through React context. */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiClient } from '../api/client.js';
import { createApi, type Api } from '../api/endpoints.js';
import { createSessionStore, type Session } from '../api/session.js';
import { navigate } from './router.js';

/** The waiting room of a sale date, returning to `next` (a path of this app) once admitted. */
export const waitingRoomHref = (date: string, next?: string) =>
  `/queue/${encodeURIComponent(date)}${next ? `?next=${encodeURIComponent(next)}` : ''}`;

export function createBrowserApi(): Api {
  const client = new ApiClient({
    session: createSessionStore(),
    onSessionExpired: () => {
      // Keep the traveller's place: after logging in again they land where they were (a hold lives on the server).
      const here = window.location.pathname + window.location.search;
      if (!window.location.pathname.startsWith('/login'))
        navigate(`/login?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
    },
    onQueueRequired: (problem) => {
      // The sale's waiting room stands in front of this request: queue there, then come back here.
      if (!problem.date || window.location.pathname.startsWith('/queue/')) return;
      navigate(waitingRoomHref(problem.date, window.location.pathname + window.location.search));
    },
  });
  return createApi(client);
}

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export function useSession(): Session | null {
  const api = useApi();
  const [session, setSession] = useState(() => api.client.session.get());
  useEffect(() => api.client.session.subscribe(setSession), [api]);
  return session;
}

/** Redirect to login (remembering where we were) when there is no session; returns whether signed in. */
export function useRequireSession(): boolean {
  const session = useSession();
  useEffect(() => {
    if (!session)
      navigate(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
  }, [session]);
  return session !== null;
}
