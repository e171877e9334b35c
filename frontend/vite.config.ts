// Vite build and dev server for the SPA: /api is proxied to the gateway in development; production assets
// go to frontend/dist, which the gateway serves at /.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const gateway = process.env.RAIL_GATEWAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@rail/source'] },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // SSE through the proxy: no buffering or timeout so seat events arrive as they happen.
    proxy: { '/api': { target: gateway, changeOrigin: false, timeout: 0, proxyTimeout: 0 } },
  },
  build: { outDir: 'dist', target: 'es2020', sourcemap: true, chunkSizeWarningLimit: 320 },
});
