// Run by bun.test.mjs under Bun: the package as Bun loads it, against a reference server.
import { CallWaitingAI, Webhook, signWebhookRequest } from '../pkg/index.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ type: 'webhook.test', timestamp: '2026-11-01T09:30:00Z', data: { webhookEndpointId: 'we_1', message: 'hi' } });
const headers = signWebhookRequest({ payload: body, secret });
const event = new Webhook(secret).verifyEvent(body, headers);
const client = new CallWaitingAI({ apiKey: process.env.CALLWAITINGAI_API_KEY, baseURL: process.env.CALLWAITINGAI_BASE_URL });
const lead = await client.leads.create({ name: 'From Bun' });
const page = await client.leads.list();
console.log(JSON.stringify({ runtime: typeof Bun === 'object' ? 'bun' : 'other', event: event.type, created: lead.name, listed: page.data.map((l) => l.name) }));
