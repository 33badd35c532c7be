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

test('the portal\'s code samples (api_samples.ts) run against the reference server', async (t) => {
  process.env.CALLWAITINGAI_API_KEY = KEY;
  process.env.CALLWAITINGAI_BASE_URL = await startServer(t, ['--bootstrap-user', 'acme=owner@example.com:correct horse battery staple']);
  const { main } = await importTs('api_samples.ts');
  await main();
  const api = new CallWaitingAI();
  assert.deepEqual((await api.leads.list()).data, []); // the last sample deleted it
  assert.equal((await api.calls.list()).data[0].transcript.segments[0].text, "Hi, I'd like a demo.");
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

test('Express: WhatsApp, Twilio and Calendly requests signed as the providers would are typed and handled', async () => {
  const secrets = { meta: 'whatsapp-app-secret', twilio: 'twilio-auth-token', calendly: 'calendly-signing-key' };
  process.env.WHATSAPP_APP_SECRET = secrets.meta;
  process.env.TWILIO_AUTH_TOKEN = secrets.twilio;
  process.env.CALENDLY_SIGNING_KEY = secrets.calendly;
  const { signWebhookRequest } = await import('@callwaitingai/sdk');
  const example = await import(`./express_webhooks.mjs?providers=${Date.now()}`);
  const server = http.createServer(example.app);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const post = async (route, name, secret) => {
    const f = JSON.parse(fs.readFileSync(path.join(HERE, '..', '..', 'tests', 'fixtures', 'webhooks', `${name}.json`), 'utf8'));
    const payload = typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
    const url = `${base}${route}`;
    const headers = signWebhookRequest({ provider: f.provider, payload, secret: secret ?? secrets[f.provider], url });
    const type = typeof f.body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
    return (await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': type }, body: payload })).status;
  };
  try {
    assert.equal(await post('/webhooks/whatsapp', 'meta-text'), 204);
    assert.equal(await post('/webhooks/whatsapp', 'meta-status-failed'), 204);
    assert.equal(await post('/webhooks/twilio/status', 'twilio-message-failed'), 204);
    assert.equal(await post('/webhooks/calendly', 'calendly-invitee-created'), 204);
    assert.deepEqual(example.handled, [
      'whatsapp text from 16505551234 to 106540352242922: Does it come in another color?',
      'whatsapp wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA failed',
      'twilio SM9a8b7c6d5e4f30211203948576a5b4c3 undelivered 30003',
      'calendly booking by test@example.com at 2026-11-27T15:00:00.000000Z',
    ]);
    assert.equal(await post('/webhooks/calendly', 'calendly-invitee-created', 'not-the-key'), 400);
    assert.equal(example.handled.length, 4);
  } finally {
    server.close();
  }
});
