// A webhook receiver as an edge function (Deno, as Supabase Edge Functions run it): verifies
// each delivery synchronously with @callwaitingai/web, and marks new leads as contacted through
// the API (after, say, texting them).
//
//   CALLWAITINGAI_API_KEY=cw_... CALLWAITINGAI_BASE_URL=http://127.0.0.1:8080 \
//   CALLWAITINGAI_WEBHOOK_SECRET=whsec_... deno run --allow-net --allow-env --allow-read webhook_function.ts
//
// Supabase: the same handler, passed to `Deno.serve(handler)` in supabase/functions/<name>/index.ts.
import { CallWaitingAI, Webhook, WebhookVerificationError } from '@callwaitingai/web';

const client = new CallWaitingAI(); // CALLWAITINGAI_API_KEY and CALLWAITINGAI_BASE_URL
const webhook = new Webhook(Deno.env.get('CALLWAITINGAI_WEBHOOK_SECRET') ?? '');

export async function handler(req: Request): Promise<Response> {
  if (req.method !== 'POST') return new Response('method not allowed', { status: 405 });
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
