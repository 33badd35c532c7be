// The Node quickstart in TypeScript: `tsc --strict` checks it in CI against index.d.ts, and
// examples.test.mjs runs it against a reference server.
import CallWaitingAI, { NotFoundError, Webhook, type Lead, type Page } from '@callwaitingai/sdk';

export async function main(): Promise<void> {
  const client = new CallWaitingAI({ apiKey: process.env.CALLWAITINGAI_API_KEY, baseURL: process.env.CALLWAITINGAI_BASE_URL });
  const leads: Page<Lead> = await client.leads.list({ status: 'new' }); // a page: .data, .hasMore, .nextCursor
  const lead: Lead = await client.leads.create({ name: 'John Doe', email: 'john@example.com' }, { idempotencyKey: 'signup-42' });
  console.log(`${leads.data.length} new leads before; created ${lead.id} (${lead.status})`);
  for await (const each of client.leads.list({ limit: 50 })) { // every lead, lazily
    console.log(each.name, each.createdAt);
  }
  const call = await client.calls.create({ direction: 'inbound', fromNumber: '+15550100', toNumber: '+15550199' });
  await client.calls.addTranscript(call.id, { segments: [{ speaker: 'caller', text: 'Hi', startMs: 0, endMs: 800 }] });
  try {
    await client.leads.retrieve('lead_missing');
  } catch (e) {
    if (e instanceof NotFoundError) console.log(`not found: ${e.code} (request ${e.requestId})`);
    else throw e;
  }
  const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  const ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: {} });
  const event = wh.verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': wh.sign('msg_1', ts, body) });
  console.log('verified', event.type);
}
