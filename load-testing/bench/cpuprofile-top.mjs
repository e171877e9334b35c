// Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof` or load-testing/bench/profiler.mjs), and the
// same self time summed by kind of work (JSON, logging, metrics, auth verify, Redis client, pg client, Fastify,
// Node's HTTP/net stack, our code, ...), so a profile answers "where does a request's CPU go" in a few lines.
// A native function counts for the kind of its nearest caller with a script (writev under net.Socket: Node
// http/net; a WebCrypto job under node:internal/crypto: Node crypto, which in booking is jose's signature check).
// Written here rather than taken from npm: the viewers there (cpupro, speedscope, DevTools) are interactive, and
// the grouping below is this project's own.
// Usage: node load-testing/bench/cpuprofile-top.mjs <file.cpuprofile> [--top 15] [--requests N] [--json]
// (--requests: how many requests the profile's window served, for a µs-per-request column.)
// Caveat: V8 samples the thread's stack on a timer, whether the thread is on a CPU or not; on a busy machine a
// thread preempted inside a system call (writev, above all) is still counted there. Set the profile's busy time
// against the kernel's CPU figure of the same thread (bench-select prints both) before reading shares as CPU.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Kind of work, from the function's script URL (or its name, for V8 builtins that have none). */
const CATEGORIES = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['program (native, unattributed)', (f) => f.functionName === '(program)'],
  [
    'JSON/serialisation',
    (f) =>
      /fast-json-stringify|secure-json-parse|json-schema-ref-resolver|fast-uri/.test(f.url) ||
      (!f.url && /^(stringify|parse|JSONSerialize.*|JsonParse.*)$/.test(f.functionName)),
  ],
  [
    'logging',
    (f) =>
      /\/(pino|pino-std-serializers|sonic-boom|fast-redact|@pinojs|thread-stream|quick-format-unescaped|fast-safe-stringify)\/|packages\/logger\//.test(
        f.url,
      ),
  ],
  ['metrics', (f) => /\/prom-client\/|\/tdigest\/|\/bintrees\/|packages\/http\/src\/metrics/.test(f.url)],
  ['auth verify', (f) => /\/jose\/|packages\/auth-verify\/|\/lru-cache\//.test(f.url)],
  [
    'Redis client',
    (f) =>
      /\/(ioredis|@ioredis|redis-parser|redis-errors|denque|cluster-key-slot|standard-as-callback)\/|packages\/redis\//.test(
        f.url,
      ),
  ],
  [
    'pg client',
    (f) =>
      /\/(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|postgres-array|postgres-date|postgres-interval|postgres-bytea|pgpass)\/|packages\/db\//.test(
        f.url,
      ),
  ],
  ['messaging (amqp)', (f) => /\/(amqplib|amqp-connection-manager|@acuminous)\/|packages\/messaging\//.test(f.url)],
  [
    'Fastify routing/validation',
    (f) =>
      /\/(fastify|@fastify|find-my-way|avvio|ajv|ajv-formats|light-my-request|toad-cache|process-warning|abstract-logging|rfdc|fastq|content-type|proxy-addr|forwarded|ipaddr\.js|@sinclair)\/|packages\/http\//.test(
        f.url,
      ),
  ],
  // AsyncLocalStorage (the request context @rail/service-client keeps for outgoing calls) hooks every promise on Node 20.
  [
    'async context (async_hooks)',
    (f) =>
      /^node:(async_hooks|internal\/async_hooks|internal\/async_local_storage)/.test(f.url) ||
      /packages\/service-client\/src\/context/.test(f.url),
  ],
  ['our code', (f) => /\/(services|packages)\//.test(f.url) && !f.url.includes('node_modules')],
  ['tsx loader', (f) => /\/(tsx|esbuild|get-tsconfig)\//.test(f.url)],
  [
    'Node http/net/streams',
    (f) =>
      /^node:(_http|http|net|stream|internal\/streams|internal\/http|internal\/stream_base|events|buffer|internal\/(js_stream|net|url|validators|timers|errors)|url|timers|string_decoder)/.test(
        f.url,
      ) ||
      (!f.url &&
        /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString|shutdown|close|readStart|readStop)$/.test(
          f.functionName,
        )),
  ],
  [
    'Node crypto',
    (f) =>
      /^node:(internal\/crypto|crypto)/.test(f.url) ||
      (!f.url && /^(randomUUID|getRandomValues|verify|sign|digest|timingSafeEqual)$/.test(f.functionName)),
  ],
  ['other Node internals', (f) => f.url.startsWith('node:')],
  ['other dependencies', (f) => f.url.includes('node_modules')],
  ['V8 builtins / native', () => true],
];

export function categoryOf(callFrame) {
  for (const [name, test] of CATEGORIES) if (test(callFrame)) return name;
  return 'V8 builtins / native';
}

function shortUrl(url) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(ROOT)) u = u.slice(ROOT.length);
  const nm = u.lastIndexOf('node_modules/');
  return nm >= 0 ? u.slice(nm + 'node_modules/'.length) : u;
}

/** Self time per function and per category of one profile. */
export function summarizeProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // A native function (no script: writev, JSON.stringify, a WebCrypto job's run) is work done for whoever called
  // it: it takes the kind of its nearest caller that has a script.
  const kindOf = (id) => {
    const f = byId.get(id).callFrame;
    if (f.url || f.functionName.startsWith('(')) return categoryOf(f);
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
      const pf = byId.get(p).callFrame;
      if (pf.url) return categoryOf(pf);
    }
    return categoryOf(f);
  };
  const self = new Map(); // node id -> us
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // The interval until the next sample belongs to this one (as DevTools counts it).
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const cats = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const url = shortUrl(f.url);
    const key = `${f.functionName || '(anonymous)'}|${url}|${f.lineNumber}|${kindOf(id)}`;
    const cat = kindOf(id);
    const entry = fns.get(key) ?? {
      function: f.functionName || '(anonymous)',
      where: url ? `${url}:${f.lineNumber + 1}` : '(native)',
      category: cat,
      us: 0,
    };
    entry.us += us;
    fns.set(key, entry);
    cats.set(cat, (cats.get(cat) ?? 0) + us);
  }
  const idleUs = cats.get('idle') ?? 0;
  const busyUs = totalUs - idleUs;
  const pct = (us, of) => +((100 * us) / (of || 1)).toFixed(1);
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    idleShare: pct(idleUs, totalUs),
    // Shares of busy time (idle left out), so they add up to what the process actually spent.
    categories: [...cats]
      .filter(([c]) => c !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([category, us]) => ({ category, ms: Math.round(us / 1000), busyShare: pct(us, busyUs) })),
    top: [...fns.values()]
      .filter((e) => e.category !== 'idle')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ ...e, us: undefined, ms: +(e.us / 1000).toFixed(1), busyShare: pct(e.us, busyUs) })),
  };
}

/** `requests`: how many requests the profiled window served, for a µs-per-request column. */
export function profileMarkdown(title, s, requests) {
  const per = (ms) => (requests ? ` ${((ms * 1000) / requests).toFixed(1)} |` : '');
  const perHead = requests ? ' µs/request |' : '';
  const perRule = requests ? '---:|' : '';
  const lines = [
    `#### ${title}`,
    '',
    `${s.totalMs} ms profiled, ${s.idleShare} % idle; shares below are of the ${s.busyMs} ms busy` +
      (requests ? `, per request over ${requests} requests.` : '.'),
    '',
    `| kind of work | ms | % of busy |${perHead}`,
    `|---|---:|---:|${perRule}`,
    ...s.categories.map((c) => `| ${c.category} | ${c.ms} | ${c.busyShare} |${per(c.ms)}`),
    '',
    `| # | self-time function | where | kind | ms | % of busy |${perHead}`,
    `|---:|---|---|---|---:|---:|${perRule}`,
    ...s.top.map((e, i) => `| ${i + 1} | ${e.function} | ${e.where} | ${e.category} | ${e.ms} | ${e.busyShare} |${per(e.ms)}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '15' },
      requests: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) {
    console.error('usage: node load-testing/bench/cpuprofile-top.mjs <file.cpuprofile>... [--top 15] [--json]');
    process.exit(2);
  }
  for (const file of positionals) {
    const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(values.top));
    const requests = values.requests ? Number(values.requests) : undefined;
    console.log(values.json ? JSON.stringify(s, null, 1) : `${profileMarkdown(file, s, requests)}\n`);
  }
}
