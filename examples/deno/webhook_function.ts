// A webhook receiver as an edge function (Deno, as Supabase Edge Functions run it): verifies
// each delivery synchronously with @callwaitingai/web, and marks new leads as contacted through
// the API (after, say, texting them).
//
//   CALLWAITINGAI_API_KEY=cw_... CALLWAITINGAI_BASE_URL=http://127.0.0.1:8080 \
//   CALLWAITINGAI_WEBHOOK_SECRET=whsec_... deno run --allow-net --allow-env --allow-read webhook_function.ts
//
// Supabase: the same handler, passed to `Deno.serve(handler)` in supabase/functions/<name>/index.ts.
import { CallWaitingAI, type ProviderWebhookEvent, verifyWebhookEvent, Webhook, WebhookVerificationError } from '@callwaitingai/web';

const client = new CallWaitingAI(); // CALLWAITINGAI_API_KEY and CALLWAITINGAI_BASE_URL
const webhook = new Webhook(Deno.env.get('CALLWAITINGAI_WEBHOOK_SECRET') ?? '');

/** Other providers' webhooks: verified, then typed; what was handled is answered back. */
async function providerWebhook(req: Request, provider: 'meta' | 'twilio' | 'calendly', secret: string): Promise<Response> {
  const payload = new Uint8Array(await req.arrayBuffer());
  let event: ProviderWebhookEvent;
  try {
    // Twilio signs the public URL: behind a proxy, pass the URL Twilio called.
    event = verifyWebhookEvent({ provider, payload, headers: req.headers, secret, url: Deno.env.get('TWILIO_PUBLIC_URL') ?? req.url });
  } catch (e) {
    if (e instanceof WebhookVerificationError) return Response.json({ error: e.kind }, { status: 400 });
    throw e;
  }
  const handled: string[] = [];
  if ('messages' in event) {
    for (const m of event.messages) {
      handled.push(m.type === 'text' ? `whatsapp text from ${m.from} to ${m.phoneNumberId}: ${m.text?.body}` : `whatsapp ${m.type} from ${m.from}`);
    }
    for (const s of event.statuses) handled.push(`whatsapp ${s.id} ${s.status}`);
  } else if ('messageStatus' in event && event.type === 'message_status') {
    handled.push(`twilio ${event.messageSid} ${event.messageStatus} ${event.errorCode ?? ''}`.trimEnd());
  } else if ('payload' in event && event.type === 'invitee.created') {
    handled.push(`calendly booking by ${event.payload?.email} at ${event.payload?.scheduledEvent?.startTime}`);
  }
  return Response.json({ handled });
}

export async function handler(req: Request): Promise<Response> {
  if (req.method !== 'POST') return new Response('method not allowed', { status: 405 });
  const route = new URL(req.url).pathname;
  if (route === '/webhooks/whatsapp') return providerWebhook(req, 'meta', Deno.env.get('WHATSAPP_APP_SECRET') ?? '');
  if (route === '/webhooks/twilio/status') return providerWebhook(req, 'twilio', Deno.env.get('TWILIO_AUTH_TOKEN') ?? '');
  if (route === '/webhooks/calendly') return providerWebhook(req, 'calendly', Deno.env.get('CALENDLY_SIGNING_KEY') ?? '');
  // Verify the raw bytes, before any parsing.
  const body = new Uint8Array(await req.arrayBuffer());
  let event;
  try {
    event = webhook.verifyEvent(body, req.headers);
  } catch (e) {
    if (e instanceof WebhookVerificationError) return Response.json({ error: e.kind }, { status: 400 });
    throw e;
  }
  // `event.type` narrows `event.data`: here, a Lead.
  if (event.type === 'lead.created' && event.data.status === 'new') {
    await client.leads.update(event.data.id, { status: 'contacted' });
  }
  return Response.json({ received: event.type });
}

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 8000),
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  handler,
);
