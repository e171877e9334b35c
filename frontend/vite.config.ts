// Vite build and dev server for the SPA: /api is proxied to the gateway in development; production assets
// go to frontend/dist, which the gateway serves at / (hashed files under /assets/ with a .gz beside each, sent
// as they are by nginx's gzip_static). test/bundle-budget.test.ts builds with this file and holds the first
// page to its budget.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const gateway = process.env.RAIL_GATEWAY_URL ?? 'http://127.0.0.1:8080';
const gzipAsync = promisify(gzip);

/**
 * Writes `<file>.gz` (level 9) beside every text asset of the build: nginx sends it as it is (gzip_static),
 * smaller than its on-the-fly level 5 and without compressing the same bytes for every visitor of a rush.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'rail-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle() {
      const dir = path.join(outDir, 'assets');
      const files = (await readdir(dir)).filter((f) => /\.(js|css|svg|json)$/.test(f));
      await Promise.all(
        files.map(async (f) => {
          const file = path.join(dir, f);
          await writeFile(`${file}.gz`, await gzipAsync(await readFile(file), { level: 9 }));
        }),
      );
    },
  };
}

export default defineConfig(({ command, mode }) => {
  // `npm start` runs with NODE_ENV=development (for the services), and Vite builds whatever NODE_ENV says: a
  // production-mode build must bundle React's production build whatever the caller's environment (Vite reads
  // NODE_ENV after this file). `vite build --mode development` still gives a development build on purpose.
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return {
    plugins: [react(), precompress()],
    resolve: { conditions: ['@rail/source'] },
    server: {
      host: '127.0.0.1',
      port: 5173,
      // SSE through the proxy: no buffering or timeout so seat events arrive as they happen.
      proxy: { '/api': { target: gateway, changeOrigin: false, timeout: 0, proxyTimeout: 0 } },
    },
    build: {
      outDir: 'dist',
      target: 'es2020',
      sourcemap: true,
      chunkSizeWarningLimit: 320,
      rollupOptions: {
        treeshake: {
          // The SPA takes constants (and types) from @rail/contracts; the TypeBox schemas beside them, and the
          // format registry they import for its side effect, validate on the server and are dead weight here
          // (about 13 kB gzipped). Declared free of side effects, they go unless something uses them.
          moduleSideEffects: (id) => !/[\\/]packages[\\/]contracts[\\/]|[\\/]@sinclair[\\/]typebox[\\/]/.test(id),
          manualPureFunctions: ['Type'],
        },
      },
    },
  };
});
