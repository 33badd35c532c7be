// @callwaitingai/web's round trip against a bare `fetch` in the same runtime, same run:
// `client.leads.retrieve(id)` (typed, through the wasm core and its transport: `fetch`, in Node
// `node:http`) vs `fetch(url, { headers })` + `.json()` (and in Node a bare `node:http` GET),
// against the release reference server, interleaved (best of 7 rounds of 300 calls each), in
// Node and in headless Chromium (the page on another origin than the API: both pay the same
// CORS preflight, cached).
// Run: cargo xtask bench, or `node sdk-wasm/bench/roundtrip.mjs target/release/callwaitingai-server`
// (sdk-wasm built and `npm install`ed).
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// CALLWAITINGAI_WEB_PKG: another build of the package (say, an older commit's) to measure instead.
const PKG = process.env.CALLWAITINGAI_WEB_PKG ?? path.join(HERE, '..', 'pkg');
const KEY = 'cw_test_bench_web_00000000000000000';
const ROUNDS = 7;
const CALLS = 300;

/** Runs in Node and, as source, in the page: best per-call time of each contender, in µs. */
async function measure(contenders, rounds, calls) {
  const best = contenders.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (const [i, f] of contenders.entries()) {
      for (let k = 0; k < 20; k++) await f(); // warm
      const t = performance.now();
      for (let k = 0; k < calls; k++) await f();
      best[i] = Math.min(best[i], ((performance.now() - t) / calls) * 1000);
    }
  }
  return best;
}

function report(where, [ours, bare, bareHttp]) {
  // In Node the package sends with node:http (sdk-wasm/js/node_http.js): its own overhead shows
  // against a bare node:http request too.
  const http = bareHttp === undefined ? '' : `; bare node:http request + JSON.parse ${bareHttp.toFixed(0)} µs -> ${(ours / bareHttp).toFixed(2)}x that`;
  console.log(
    `${where}: @callwaitingai/web leads.retrieve ${ours.toFixed(0)} µs; bare fetch + .json() ${bare.toFixed(0)} µs -> ${(ours / bare).toFixed(2)}x a bare fetch${http}`,
  );
}

/** A GET with node:http on a keep-alive agent, its body parsed: Node's quickest bare request. */
function bareNodeHttp(target, headers) {
  const agent = new http.Agent({ keepAlive: true });
  return () =>
    new Promise((resolve, reject) => {
      http
        .get(target, { agent, headers }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          res.on('error', reject);
        })
        .on('error', reject);
    });
}

const serverBin = process.argv[2];
if (!serverBin) throw new Error('usage: node roundtrip.mjs <callwaitingai-server binary>');
const proc = spawn(serverBin, ['--addr', '127.0.0.1:0', '--memory', '--bootstrap-key', `acme=${KEY}`, '--rate-limit', '100000000/min'], { stdio: ['ignore', 'pipe', 'inherit'] });
const site = http.createServer((req, res) => {
  const file = req.url.startsWith('/pkg/') ? path.join(PKG, path.basename(req.url)) : null;
  if (!file || !fs.existsSync(file)) {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8">');
    return;
  }
  const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
});
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-'));
let browser;
try {
  const line = await new Promise((resolve) => createInterface({ input: proc.stdout }).once('line', resolve));
  const api = line.split(' ').pop();
  const web = await import(path.join(PKG, 'index.js'));
  const client = new web.CallWaitingAI({ apiKey: KEY, baseURL: api });
  const lead = await client.leads.create({ name: 'Bench' });
  const target = `${api}/api/v1/leads/${lead.id}`;
  const bare = async () => (await fetch(target, { headers: { authorization: `Bearer ${KEY}` } })).json();
  const bareHttp = bareNodeHttp(target, { authorization: `Bearer ${KEY}` });
  if ((await bare()).id !== (await client.leads.retrieve(lead.id)).id || (await bareHttp()).id !== lead.id) throw new Error('different answers');
  report(`Node ${process.versions.node}`, await measure([() => client.leads.retrieve(lead.id), bare, bareHttp], ROUNDS, CALLS));

  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${site.address().port}`;
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    headless: true,
  });
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  const times = await page.evaluate(
    async ({ api, key, id, rounds, calls, measureSource }) => {
      const { CallWaitingAI } = await import('/pkg/index.js');
      const client = new CallWaitingAI({ apiKey: key, baseURL: api });
      const target = `${api}/api/v1/leads/${id}`;
      const bare = async () => (await fetch(target, { headers: { authorization: `Bearer ${key}` } })).json();
      const measure = new Function(`return (${measureSource})`)();
      return measure([() => client.leads.retrieve(id), bare], rounds, calls);
    },
    { api, key: KEY, id: lead.id, rounds: ROUNDS, calls: CALLS, measureSource: measure.toString() },
  );
  report(`Chromium ${browser.browser()?.version() ?? ''}`.trim(), times);
} finally {
  await browser?.close();
  site.close();
  proc.kill();
  fs.rmSync(profile, { recursive: true, force: true });
}
