// Receiving CallWaitingAI webhooks in Express: verify the RAW body (express.raw), never
// re-serialised JSON.
//
//   CALLWAITINGAI_WEBHOOK_SECRET=whsec_... node express_webhooks.mjs
//
// CI runs it against the reference server (webhooks.test.mjs).
import { pathToFileURL } from 'node:url';

import express from 'express';
import { Webhook, WebhookVerificationError, verifyWebhookEvent } from '@callwaitingai/sdk';

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

// Other providers' webhooks: verifyWebhookEvent verifies the signature, then types the payload.
export const handled = [];

/** A route for `provider`: raw body in, typed event to `handle`, 400 with the kind if forged. */
function providerRoute(provider, secret, handle, { type = 'application/json', url } = {}) {
  return [
    express.raw({ type }),
    (req, res) => {
      let event;
      try {
        // Twilio signs the public URL: behind a proxy, pass the URL Twilio called.
        const publicUrl = url?.() ?? `${req.protocol}://${req.get('host')}${req.originalUrl}`;
        event = verifyWebhookEvent({ provider, payload: req.body, headers: req.headers, secret: secret(), url: publicUrl });
      } catch (e) {
        if (e instanceof WebhookVerificationError) return res.status(400).json({ error: e.kind });
        throw e;
      }
      handle(event);
      res.sendStatus(204);
    },
  ];
}

app.post(
  '/webhooks/whatsapp',
  ...providerRoute('meta', () => process.env.WHATSAPP_APP_SECRET ?? '', (event) => {
    // Every message of every entry, flattened, each with its phoneNumberId.
    for (const m of event.messages ?? []) {
      handled.push(m.type === 'text' ? `whatsapp text from ${m.from} to ${m.phoneNumberId}: ${m.text?.body}` : `whatsapp ${m.type} from ${m.from}`);
    }
    for (const s of event.statuses ?? []) handled.push(`whatsapp ${s.id} ${s.status}`);
  }),
);

app.post(
  '/webhooks/twilio/status',
  ...providerRoute('twilio', () => process.env.TWILIO_AUTH_TOKEN ?? '', (event) => {
    if (event.type === 'message_status') handled.push(`twilio ${event.messageSid} ${event.messageStatus} ${event.errorCode ?? ''}`.trimEnd());
  }, { type: 'application/x-www-form-urlencoded', url: () => process.env.TWILIO_PUBLIC_URL }),
);

app.post(
  '/webhooks/calendly',
  ...providerRoute('calendly', () => process.env.CALENDLY_SIGNING_KEY ?? '', (event) => {
    if (event.type === 'invitee.created') handled.push(`calendly booking by ${event.payload?.email} at ${event.payload?.scheduledEvent?.startTime}`);
  }),
);

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  app.listen(3000, () => console.log('listening on http://localhost:3000'));
}
