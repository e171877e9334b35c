// Saves a scenario's result as JSON (for charts and comparisons) and Markdown (for people) under
// load-testing/results/, and prints the Markdown. `<scenario>-latest.json` always holds the last run.
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = process.env.LOAD_RESULTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadavgAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
    node: process.version,
  };
}

const fmt = (v) => (v === null || v === undefined ? '-' : String(v));

export function requestTable(requests) {
  const rows = [
    '| request | count | req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | statuses |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [name, r] of Object.entries(requests)) {
    const statuses = Object.entries(r.statuses ?? {})
      .map(([s, n]) => `${s === '0' ? 'no-answer' : s}: ${n}`)
      .join(', ');
    rows.push(
      `| ${name} | ${r.count} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.p999)} | ${fmt(r.max)} | ${statuses} |`,
    );
  }
  return rows.join('\n');
}

export function keyValueTable(obj, head = ['what', 'value']) {
  const rows = [`| ${head[0]} | ${head[1]} |`, '|---|---|'];
  for (const [k, v] of Object.entries(obj)) rows.push(`| ${k} | ${typeof v === 'object' ? JSON.stringify(v) : fmt(v)} |`);
  return rows.join('\n');
}

/** @param {string} scenario @param {object} data @param {string} markdown */
export function saveResult(scenario, data, markdown) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = join(RESULTS_DIR, `${scenario}-${stamp}`);
  const full = { scenario, at: new Date().toISOString(), machine: machine(), ...data };
  writeFileSync(`${base}.json`, JSON.stringify(full, null, 1));
  writeFileSync(`${base}.md`, markdown + '\n');
  copyFileSync(`${base}.json`, join(RESULTS_DIR, `${scenario}-latest.json`));
  copyFileSync(`${base}.md`, join(RESULTS_DIR, `${scenario}-latest.md`));
  console.log(markdown);
  console.log(`\nsaved ${base}.json and .md`);
  return full;
}
