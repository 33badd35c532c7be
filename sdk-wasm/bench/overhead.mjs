// What @callwaitingai/web adds to a request in Node, without the network: `fetch` replaced by a
// stub answering a Lead at once, then `client.leads.retrieve(id)` (typed: the answer checked
// against the model) against a bare `fetch(url)` + `.json()` on the same stub, interleaved, best
// of 12 rounds of 2 000 calls. The difference is the SDK's own work per call: the JS layer, the
// wasm boundary, the core (URL, headers, timer, retries' bookkeeping, the check) and the
// response handed back.
// Run: cargo xtask bench, or `node sdk-wasm/bench/overhead.mjs` (sdk-wasm built);
// CALLWAITINGAI_WEB_PKG: another build of the package (say, an older commit's) to measure instead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = process.env.CALLWAITINGAI_WEB_PKG ?? path.join(HERE, '..', 'pkg');
const ROUNDS = 12;
const CALLS = 2000;

const body = JSON.stringify({
  id: 'lead_01JABCDEF',
  name: 'Bench',
  email: 'bench@example.com',
  phone: null,
  company: null,
  source: 'api',
  status: 'new',
  notes: null,
  tags: ['a', 'b'],
  createdAt: '2026-11-26T10:00:00Z',
  updatedAt: '2026-11-26T10:00:00Z',
});
const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': 'req_1' };
const stub = async () => new Response(body, { status: 200, headers });

const web = await import(path.join(PKG, 'index.js'));
// Replaced after the package loaded, so that it sends through the stub (in Node it would
// otherwise send through node:http, js/node_http.js).
globalThis.fetch = stub;
const client = new web.CallWaitingAI({ apiKey: 'cw_test_bench_web_00000000000000000', baseURL: 'http://127.0.0.1:9' });
const contenders = {
  sdk: () => client.leads.retrieve('lead_01JABCDEF'),
  bare: async () => (await fetch('http://127.0.0.1:9/api/v1/leads/lead_01JABCDEF', { headers: { authorization: 'Bearer x' } })).json(),
};
if ((await contenders.sdk()).id !== (await contenders.bare()).id) throw new Error('different answers');
const best = { sdk: Infinity, bare: Infinity };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of Object.entries(contenders)) {
    for (let k = 0; k < 100; k++) await f();
    const t = performance.now();
    for (let k = 0; k < CALLS; k++) await f();
    best[name] = Math.min(best[name], ((performance.now() - t) / CALLS) * 1000);
  }
}
console.log(
  `Node ${process.versions.node}, fetch stubbed: @callwaitingai/web leads.retrieve ${best.sdk.toFixed(1)} µs; ` +
    `bare fetch + .json() ${best.bare.toFixed(1)} µs -> the SDK adds ${(best.sdk - best.bare).toFixed(1)} µs per call`,
);
