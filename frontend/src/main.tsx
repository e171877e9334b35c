/** Browser entry: mount the app with the real API client. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { createBrowserApi } from './lib/app-context.js';
import './styles.css';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App api={createBrowserApi()} />
    </StrictMode>,
  );
