// Cloudflare Workers, in workerd (npm's `workerd`): the package's `workerd` export condition
// (what wrangler resolves) loads the .wasm as a module import; the worker verifies a signed
// webhook synchronously and calls the reference server (create and list a lead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { HERE, KEY, PKG, startServer } from './support.mjs';

const WORKER = `
import { CallWaitingAI, Webhook, signWebhookRequest } from './web/ENTRY';

export default {
  async fetch(request, env) {
    try {
      const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
      const body = JSON.stringify({ type: 'webhook.test', timestamp: '2026-11-01T09:30:00Z', data: { webhookEndpointId: 'we_1', message: 'hi' } });
      const event = new Webhook(secret).verifyEvent(body, signWebhookRequest({ payload: body, secret }));
      const client = new CallWaitingAI({ apiKey: env.API_KEY, baseURL: env.BASE_URL });
      const lead = await client.leads.create({ name: 'From workerd' });
      const page = await client.leads.list();
      return Response.json({ event: event.type, created: lead.name, listed: page.data.map((l) => l.name) });
    } catch (e) {
      return Response.json({ error: String((e && e.stack) || e) }, { status: 500 });
    }
  },
};
`;

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const manifest = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'));

/** Serves the worker importing the package's `entry` in workerd; its first answer (or none). */
async function runWorker(t, entry) {
  const api = await startServer(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-workerd-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'web'));
  for (const f of manifest.files) fs.copyFileSync(path.join(PKG, f), path.join(dir, 'web', f));
  fs.writeFileSync(path.join(dir, 'worker.mjs'), WORKER.replace('ENTRY', entry.replace(/^\.\//, '')));
  const modules = [
    '(name = "worker.mjs", esModule = embed "worker.mjs")',
    ...manifest.files
      .filter((f) => f.endsWith('.js'))
      .map((f) => `(name = "web/${f}", esModule = embed "web/${f}")`),
    '(name = "web/callwaitingai_wasm_bg.wasm", wasm = embed "web/callwaitingai_wasm_bg.wasm")',
  ];
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(', ')}],
  compatibilityDate = "2026-11-01",
  globalOutbound = "net",
  bindings = [(name = "API_KEY", text = "${KEY}"), (name = "BASE_URL", text = "${api}")],
);
`,
  );
  const proc = spawn(path.join(HERE, 'node_modules', '.bin', 'workerd'), ['serve', path.join(dir, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  t.after(() => proc.kill('SIGTERM'));
  let res;
  for (let i = 0; i < 30 && !res; i++) {
    try {
      res = await fetch(`http://127.0.0.1:${port}/`);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { res, log: () => log };
}

test('in workerd, through the workerd export condition: verify a webhook, create and list a lead', { timeout: 120_000 }, async (t) => {
  const entry = manifest.exports['.'].workerd;
  assert.ok(entry, 'the package has a workerd export condition');
  const { res, log } = await runWorker(t, entry);
  assert.ok(res, `workerd did not answer: ${log()}`);
  const out = await res.json();
  assert.deepEqual(out, { event: 'webhook.test', created: 'From workerd', listed: ['From workerd'] }, log());
});

test('the default entry in workerd fails with a message that names the fix', { timeout: 120_000 }, async (t) => {
  const { res, log } = await runWorker(t, manifest.exports['.'].default);
  assert.equal(res, undefined, 'the worker cannot start');
  assert.match(log(), /'workerd' export condition/);
  assert.doesNotMatch(log(), /Invalid URL/);
});
