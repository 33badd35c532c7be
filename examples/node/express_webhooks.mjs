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
    event = webhook.verifyEvent(req.body, req.headers);
  } catch (e) {
    if (e instanceof WebhookVerificationError) return res.status(400).json({ error: e.kind });
    throw e;
  }
  // `switch (event.type)` narrows `event.data` (in TypeScript): a Lead here, a Call there.
  switch (event.type) {
    case 'lead.created':
      console.log(`received lead.created ${event.data.id} ${event.data.name}`);
      break;
    case 'call.ended':
      console.log(`received call.ended ${event.data.id} after ${event.data.durationSeconds}s`);
      break;
    default:
      console.log(`received ${event.type}`);
  }
  res.sendStatus(204);
});

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  app.listen(3000, () => console.log('listening on http://localhost:3000'));
}
