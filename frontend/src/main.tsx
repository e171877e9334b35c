/** Browser entry: mount the app with the real API client. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { createBrowserApi } from './lib/app-context.js';
import './styles.css';

// A page's chunk that no longer exists (a new release replaced the hashed files while this tab was open): load
// the new release instead of failing, once per minute at most so a broken deploy cannot reload in a loop.
window.addEventListener('vite:preloadError', (event) => {
  const last = Number(sessionStorage.getItem('rail.reloadedAt') ?? 0);
  if (Date.now() - last < 60_000) return;
  event.preventDefault();
  sessionStorage.setItem('rail.reloadedAt', String(Date.now()));
  window.location.reload();
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App api={createBrowserApi()} />
    </StrictMode>,
  );
