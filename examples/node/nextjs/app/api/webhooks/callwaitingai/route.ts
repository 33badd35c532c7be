// Receiving CallWaitingAI webhooks in Next.js (App Router): app/api/webhooks/callwaitingai/route.ts.
// Verify the raw bytes (request.arrayBuffer()), never request.json() re-serialised.
// CI runs this handler against the reference server (../../../../../webhooks.test.mjs).
import { Webhook, WebhookVerificationError } from '@callwaitingai/sdk';

const webhook = new Webhook(process.env.CALLWAITINGAI_WEBHOOK_SECRET ?? '');

export async function POST(request: Request): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer());
  try {
    const event = webhook.verifyEvent(body, request.headers);
    if (event.type === 'lead.created') console.log(`new lead ${event.data.name}`); // data: a Lead
    else console.log(`received ${event.type}`);
    return new Response(null, { status: 204 });
  } catch (e) {
    if (e instanceof WebhookVerificationError) return Response.json({ error: e.kind }, { status: 400 });
    throw e;
  }
}
