// Deno (the npm package's binary): the edge-function example receives the reference server's
// signed deliveries, verifies them with the package and calls the API back through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { HERE, KEY, PKG, ROOT, startServer } from './support.mjs';

const DENO = path.join(HERE, 'node_modules', '.bin', 'deno');
const EXAMPLE = path.join(ROOT, 'examples', 'deno');

async function startFunction(t, env) {
  const proc = spawn(
    DENO,
    [
      'run',
      `--config=${path.join(EXAMPLE, 'deno.json')}`,
      '--allow-net=127.0.0.1',
      '--allow-env=PORT,CALLWAITINGAI_API_KEY,CALLWAITINGAI_BASE_URL,CALLWAITINGAI_WEBHOOK_SECRET,CALLWAITINGAI_LOG,WHATSAPP_APP_SECRET,TWILIO_AUTH_TOKEN,TWILIO_PUBLIC_URL,CALENDLY_SIGNING_KEY',
      `--allow-read=${PKG}`,
      path.join(EXAMPLE, 'webhook_function.ts'),
    ],
    { env: { ...DENO_ENV, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  t.after(() => proc.kill('SIGTERM'));
  const first = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`deno exited (${code}): ${stderr}`)));
  });
  assert.match(first, /^listening on /, stderr);
  return first.slice('listening on '.length);
}

const DENO_ENV = { PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };

test('the edge function type-checks against the package types', { timeout: 120_000 }, () => {
  const res = spawnSync(DENO, ['check', `--config=${path.join(EXAMPLE, 'deno.json')}`, path.join(EXAMPLE, 'webhook_function.ts')], { env: DENO_ENV, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
});

test('a Deno edge function verifies deliveries and calls the API', { timeout: 120_000 }, async (t) => {
  const api = await startServer(t);
  const { CallWaitingAI, Webhook } = await import(new URL('../pkg/index.js', import.meta.url).href);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: api });
  const endpoint = await client.webhooks.create({ url: 'http://127.0.0.1:9/not-yet', events: ['lead.created'] });
  const fn = await startFunction(t, { CALLWAITINGAI_API_KEY: KEY, CALLWAITINGAI_BASE_URL: api, CALLWAITINGAI_WEBHOOK_SECRET: endpoint.secret });
  await client.webhooks.update(endpoint.id, { url: `${fn}/webhooks` });

  const lead = await client.leads.create({ name: 'Edge case' });
  let status;
  for (let i = 0; i < 200 && status !== 'contacted'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await client.leads.retrieve(lead.id)).status;
  }
  assert.equal(status, 'contacted', 'the function verified the delivery and updated the lead');
  const delivered = (await client.webhooks.deliveries(endpoint.id)).data[0];
  assert.equal(delivered.status, 'succeeded');

  // A forged delivery is refused with the failure's kind.
  const ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: 'lead.created', data: { id: lead.id, status: 'new' } });
  const forged = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').sign('msg_forged', ts, body);
  const res = await fetch(`${fn}/webhooks`, {
    method: 'POST',
    headers: { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(ts), 'webhook-signature': forged },
    body,
  });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { error: 'invalid_signature' });
});

test('the edge function types WhatsApp, Twilio and Calendly requests signed as the providers would', { timeout: 120_000 }, async (t) => {
  const fs = await import('node:fs');
  const secrets = { meta: 'whatsapp-app-secret', twilio: 'twilio-auth-token', calendly: 'calendly-signing-key' };
  const fn = await startFunction(t, { CALLWAITINGAI_API_KEY: KEY, CALLWAITINGAI_BASE_URL: 'http://127.0.0.1:9', CALLWAITINGAI_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', WHATSAPP_APP_SECRET: secrets.meta, TWILIO_AUTH_TOKEN: secrets.twilio, CALENDLY_SIGNING_KEY: secrets.calendly });
  const { signWebhookRequest } = await import(new URL('../pkg/index.js', import.meta.url).href);
  const post = async (route, name, secret) => {
    const f = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'webhooks', `${name}.json`), 'utf8'));
    const payload = typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
    const url = `${fn}${route}`;
    const headers = signWebhookRequest({ provider: f.provider, payload, secret: secret ?? secrets[f.provider], url });
    const res = await fetch(url, { method: 'POST', headers, body: payload });
    return [res.status, await res.json()];
  };
  assert.deepEqual(await post('/webhooks/whatsapp', 'meta-text'), [200, { handled: ['whatsapp text from 16505551234 to 106540352242922: Does it come in another color?'] }]);
  assert.deepEqual(await post('/webhooks/twilio/status', 'twilio-message-failed'), [200, { handled: ['twilio SM9a8b7c6d5e4f30211203948576a5b4c3 undelivered 30003'] }]);
  assert.deepEqual(await post('/webhooks/calendly', 'calendly-invitee-created'), [200, { handled: ['calendly booking by test@example.com at 2026-11-27T15:00:00.000000Z'] }]);
  assert.deepEqual(await post('/webhooks/calendly', 'calendly-invitee-created', 'not-the-key'), [400, { error: 'invalid_signature' }]);
});
