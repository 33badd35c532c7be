// The package in the bundlers users build browser apps with, each with its default
// configuration (no config file, no plugin, no flag beyond what its getting-started page shows):
// Vite (`vite build`, and its dev server), webpack (`webpack`) and esbuild (`esbuild --bundle`,
// an iife). A small app verifies a signed webhook synchronously at load and creates a lead on a
// reference server; each build runs in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { HERE, KEY, PKG, launch, serveStatic, startServer } from './support.mjs';

const BIN = path.join(HERE, 'node_modules', '.bin');

const APP = `import { CallWaitingAI, Webhook } from '@callwaitingai/web';

// Synchronous, at load: the module is ready when the bundle runs.
const webhook = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { webhookEndpointId: 'we_1', message: 'hi' } });
const ts = Math.floor(Date.now() / 1000);
const event = webhook.verifyEvent(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': webhook.sign('msg_1', ts, body) });

const params = new URLSearchParams(location.search);
const client = new CallWaitingAI({ apiKey: params.get('key'), baseURL: params.get('api') });
client.leads
  .create({ name: 'From a bundle' })
  .then((lead) => { window.result = { verified: event.type, lead: lead.name }; })
  .catch((e) => { window.result = { error: String(e) }; });
`;

/** A fresh app project: src/index.js, an index.html for Vite, the package as npm links it. */
function app(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bundle-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'node_modules', '@callwaitingai'), { recursive: true });
  fs.symlinkSync(PKG, path.join(dir, 'node_modules', '@callwaitingai', 'web'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  fs.writeFileSync(path.join(dir, 'src', 'index.js'), APP);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="/src/index.js"></script>\n');
  return dir;
}

/** Opens the app at `site` in Chromium; what it reported. */
async function run(t, site, api) {
  const { page, logs } = await launch(t);
  await page.goto(`${site}/?${new URLSearchParams({ api, key: KEY })}`);
  await page.waitForFunction(() => window.result, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.result);
  assert.deepEqual(result, { verified: 'webhook.test', lead: 'From a bundle' }, logs.join('\n'));
}

/** Builds with a bundler's CLI; its output, to show what it said. */
function build(dir, cmd, args) {
  return execFileSync(path.join(BIN, cmd), args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('vite build (default configuration)', { timeout: 180_000 }, async (t) => {
  const dir = app(t);
  build(dir, 'vite', ['build']);
  const api = await startServer(t);
  await run(t, await serveStatic(t, { '/': path.join(dir, 'dist') }), api);
});

test("Vite's dev server (default configuration)", { timeout: 180_000 }, async (t) => {
  const dir = app(t);
  const { createServer } = await import(path.join(HERE, 'node_modules', 'vite', 'dist', 'node', 'index.js'));
  const server = await createServer({ root: dir, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  t.after(() => server.close());
  const { port } = server.httpServer.address();
  const api = await startServer(t);
  await run(t, `http://127.0.0.1:${port}`, api);
});

test('webpack (no configuration file)', { timeout: 180_000 }, async (t) => {
  const dir = app(t);
  build(dir, 'webpack', []); // entry ./src/index.js, output dist/main.js, production mode
  fs.writeFileSync(path.join(dir, 'dist', 'index.html'), '<!doctype html><meta charset="utf-8"><script src="main.js"></script>\n');
  const api = await startServer(t);
  await run(t, await serveStatic(t, { '/': path.join(dir, 'dist') }), api);
});

test('esbuild --bundle (an iife, the default)', { timeout: 180_000 }, async (t) => {
  const dir = app(t);
  build(dir, 'esbuild', ['src/index.js', '--bundle', '--outfile=dist/app.js']);
  fs.writeFileSync(path.join(dir, 'dist', 'index.html'), '<!doctype html><meta charset="utf-8"><script src="app.js"></script>\n');
  const api = await startServer(t);
  await run(t, await serveStatic(t, { '/': path.join(dir, 'dist') }), api);
});
