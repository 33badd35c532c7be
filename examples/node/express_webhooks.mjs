// Receiving CallWaitingAI webhooks in Express: verify the RAW body (express.raw), never
// re-serialised JSON. Run: node express_webhooks.mjs --self-test (what CI does): it starts the
// app on a free port, posts a signed event to it, and checks the answers.
import express from 'express';
import { Webhook, WebhookVerificationError } from '@callwaitingai/sdk';

const secret = process.env.CALLWAITINGAI_WEBHOOK_SECRET ?? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const webhook = new Webhook(secret);

export const app = express();
app.post('/webhooks/callwaitingai', express.raw({ type: 'application/json' }), (req, res) => {
  let event;
  try {
    event = webhook.verify(req.body, req.headers);
  } catch (e) {
    if (e instanceof WebhookVerificationError) return res.status(400).json({ error: e.kind });
    throw e;
  }
  // Handle the event: event.type is e.g. 'lead.created', event.data the lead as the API returns it.
  console.log(`received ${event.type} ${event.data?.id ?? ''}`);
  res.sendStatus(204);
});

async function selfTest() {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${server.address().port}/webhooks/callwaitingai`;
  const body = JSON.stringify({ type: 'lead.created', timestamp: new Date().toISOString(), data: { id: 'lead_1', name: 'John Doe' } });
  const ts = Math.floor(Date.now() / 1000);
  const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': webhook.sign('msg_1', ts, body) };
  const ok = await fetch(url, { method: 'POST', headers, body });
  const bad = await fetch(url, { method: 'POST', headers, body: body.replace('John', 'Jane') });
  server.close();
  if (ok.status !== 204) throw new Error(`signed event: expected 204, got ${ok.status}`);
  if (bad.status !== 400 || (await bad.json()).error !== 'invalid_signature') throw new Error('a tampered event was not rejected');
  console.log('express webhook example: signed event accepted, tampered event rejected');
}

if (process.argv.includes('--self-test')) await selfTest();
else app.listen(3000, () => console.log('listening on http://localhost:3000'));
