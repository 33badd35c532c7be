// The Node examples against the reference server: the TypeScript quickstart, and the Express
// and Next.js webhook receivers, to which the server signs real deliveries (a delivery succeeds
// only on a 2xx, after verification); a forged request gets a 400 with the failure's kind.
// Run: node --test examples.test.mjs (after npm install here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import ts from '../../sdk-node/node_modules/typescript/lib/typescript.js';
import CallWaitingAI from '@callwaitingai/sdk';
import { KEY, startServer } from '../../sdk-js/test-support/helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Serves a fetch-style handler `(Request) => Response` (what Next.js calls) on node:http. */
function serveFetchHandler(handler) {
  return http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}

/** A TypeScript example with its types stripped (as Next's or any TS compiler does), imported. */
async function importTs(file) {
  const source = fs.readFileSync(path.join(HERE, file), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const out = path.join(HERE, '.build', `${path.basename(file, '.ts')}.mjs`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, outputText);
  return import(`${pathToFileURL(out).href}?${Date.now()}`);
}

test('the TypeScript quickstart runs against the reference server', async (t) => {
  process.env.CALLWAITINGAI_API_KEY = KEY;
  process.env.CALLWAITINGAI_BASE_URL = await startServer(t);
  const { main } = await importTs('quickstart.ts');
  await main();
  const api = new CallWaitingAI();
  const leads = (await api.leads.list()).data;
  assert.deepEqual(leads.map((l) => l.name), ['John Doe']);
  assert.equal((await api.calls.list()).data[0].transcript.segments.length, 1);
});

async function roundTrip(t, makeServer) {
  const api = new CallWaitingAI({ apiKey: KEY, baseURL: await startServer(t) });
  const endpoint = await api.webhooks.create({ url: 'http://127.0.0.1:9/not-yet', events: ['lead.created'] });
  process.env.CALLWAITINGAI_WEBHOOK_SECRET = endpoint.secret;
  const server = await makeServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${server.address().port}/webhooks/callwaitingai`;
  await api.webhooks.update(endpoint.id, { url });

  await api.leads.create({ name: 'Delivered' });
  let status;
  for (let i = 0; i < 200 && status !== 'succeeded'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await api.webhooks.deliveries(endpoint.id)).data[0]?.status;
  }
  assert.equal(status, 'succeeded', 'the app verified the signed delivery and answered 2xx');

  const forged = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==' },
    body: '{"type":"lead.created"}',
  });
  assert.equal(forged.status, 400);
  assert.deepEqual(await forged.json(), { error: 'invalid_signature' });
}

test('Express: deliveries verify, forgeries are refused', async (t) => {
  await roundTrip(t, async () => {
    const { app } = await import(`./express_webhooks.mjs?${Date.now()}`);
    return http.createServer(app);
  });
});

test('Next.js route handler: deliveries verify, forgeries are refused', async (t) => {
  await roundTrip(t, async () => serveFetchHandler((await importTs('nextjs/app/api/webhooks/callwaitingai/route.ts')).POST));
});
