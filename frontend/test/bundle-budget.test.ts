// @vitest-environment node
/**
 * The first page's budget, on a real production build with the app's own vite.config.ts: what index.html makes
 * the browser fetch for `/` (the entry, the chunks it preloads, and the search page's chunk should it ever be
 * split off) is at most 120 kB of gzipped JavaScript, counted as the gateway sends it (the build's .gz files,
 * served by gzip_static). Built with NODE_ENV=development in the environment, as `npm start` runs the build,
 * the bundle must still be React's production build.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BUDGET_BYTES = 120_000;
const frontend = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

let outDir: string;
let manifest: Manifest;
let indexHtml: string;
const savedNodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'rail-bundle-'));
  process.env.NODE_ENV = 'development'; // what scripts/start.mjs passes to `npm run build -w frontend`
  try {
    await build({
      root: frontend,
      configFile: path.join(frontend, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, manifest: 'manifest.json' },
    });
  } finally {
    process.env.NODE_ENV = savedNodeEnv;
  }
  manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  indexHtml = readFileSync(path.join(outDir, 'index.html'), 'utf8');
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** A chunk and everything it imports statically: what loading it fetches before it runs. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) closure(dep, seen);
  return seen;
}

function firstPageFiles(): string[] {
  const keys = closure('index.html');
  // The route `/` renders the search page: if it is ever its own chunk, the first page waits for it too.
  const search = Object.keys(manifest).find((k) => manifest[k]?.src === 'src/pages/search-page.tsx');
  if (search) closure(search, keys);
  return [...keys].map((k) => manifest[k]?.file ?? '').filter((f) => f.endsWith('.js'));
}

const gzippedSize = (file: string) => readFileSync(path.join(outDir, `${file}.gz`)).length;

describe('the production bundle', () => {
  it('index.html loads exactly the entry and its static imports (what the budget counts)', () => {
    const referenced = [
      ...indexHtml.matchAll(/<(?:script type="module"[^>]*src|link rel="modulepreload"[^>]*href)="\/([^"]+)"/g),
    ].map((m) => m[1]);
    const entryFiles = [...closure('index.html')].map((k) => manifest[k]?.file).filter((f) => f?.endsWith('.js'));
    expect(new Set(referenced)).toEqual(new Set(entryFiles));
    expect(referenced.length).toBeGreaterThan(0);
  });

  it(`keeps the first page within ${BUDGET_BYTES / 1000} kB of gzipped JavaScript`, () => {
    const files = firstPageFiles();
    const sizes = Object.fromEntries(files.map((f) => [f, gzippedSize(f)]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.warn(`first page: ${(total / 1000).toFixed(1)} kB gzipped JavaScript`, sizes);
    expect(total).toBeGreaterThan(30_000); // React alone is more: a measure of nothing would pass any budget
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('splits the other pages off the first page (each route its own chunk)', () => {
    const first = new Set(firstPageFiles());
    for (const page of ['seats-page', 'payment-page', 'ticket-page', 'waiting-room-page']) {
      const chunk = Object.values(manifest).find((c) => c.src === `src/pages/${page}.tsx`);
      expect(chunk, page).toBeDefined();
      expect(first.has(chunk!.file), page).toBe(false);
    }
  });

  it("is React's production build although NODE_ENV=development was set", () => {
    const js = Object.values(manifest)
      .map((c) => c.file)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(outDir, f), 'utf8'))
      .join('\n');
    // Booleans, not toContain: a failure would print the whole bundle.
    expect(js.includes('Download the React DevTools'), 'React DevTools banner (development build)').toBe(false);
    expect(js.includes('jsxDEV'), 'jsxDEV calls (development JSX runtime)').toBe(false);
    expect(/process\.env\.NODE_ENV/.test(js), 'an unreplaced process.env.NODE_ENV').toBe(false);
  });

  it('writes a .gz beside every script and stylesheet, identical once unzipped', () => {
    const assets = Object.values(manifest).flatMap((c) => [c.file, ...((c as { css?: string[] }).css ?? [])]);
    for (const file of new Set(assets)) {
      const gz = path.join(outDir, `${file}.gz`);
      expect(existsSync(gz), file).toBe(true);
      expect(gunzipSync(readFileSync(gz)).equals(readFileSync(path.join(outDir, file))), file).toBe(true);
    }
  });
});
