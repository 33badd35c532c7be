// Receiving CallWaitingAI webhooks in Express: verify the RAW body (express.raw), never
// re-serialised JSON.
//
//   CALLWAITINGAI_WEBHOOK_SECRET=whsec_... node express_webhooks.mjs
//
// CI runs it against the reference server (webhooks.test.mjs).
import { pathToFileURL } from 'node:url';

import express from 'express';
import { Webhook, WebhookVerificationError } from '@callwaitingai/sdk';

const webhook = new Webhook(process.env.CALLWAITINGAI_WEBHOOK_SECRET ?? '');

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

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  app.listen(3000, () => console.log('listening on http://localhost:3000'));
}
