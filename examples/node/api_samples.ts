// Every operation of the API, once, in the order a program would call them: the Node and browser
// code samples of the developer portal. `cargo xtask codegen` cuts the `// sample: <operationId>`
// regions out of this file into the spec's `x-codeSamples`, after the `setup` region (the
// browser's setup is in examples/browser/index.html). CI checks it with `tsc --strict`, runs it in
// Node against @callwaitingai/sdk and in Chromium against @callwaitingai/web, each time against a
// reference server. An id written `ids.lead` is shown in the portal as the spec's example id.

// sample: setup
import CallWaitingAI from '@callwaitingai/sdk';

const client = new CallWaitingAI(); // reads CALLWAITINGAI_API_KEY and CALLWAITINGAI_BASE_URL
// end sample

import { Webhook, WebhookVerificationError, signWebhookRequest } from '@callwaitingai/sdk';

export async function main(): Promise<void> {
  const ids: Record<string, string> = {};

  {
    // sample: health.check
    const health = await client.health.check();
    console.log(health.status);
    // end sample
  }

  {
    // sample: auth.login
    const tokens = await client.auth.login({ email: 'owner@example.com', password: 'correct horse battery staple' });
    console.log(tokens.expiresIn);
    // end sample
    ids.token = tokens.refreshToken;
  }

  {
    // sample: auth.refresh
    const tokens = await client.auth.refresh({ refreshToken: ids.token });
    console.log(tokens.accessToken.slice(0, 8));
    // end sample
  }

  {
    // sample: leads.create
    const lead = await client.leads.create(
      { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+15550100', source: 'call' },
      { idempotencyKey: 'signup-ada-1' }, // a retry with this key creates nothing twice
    );
    console.log(lead.id, lead.status);
    // end sample
    ids.lead = lead.id;
  }

  {
    // sample: leads.list
    for await (const lead of client.leads.list({ status: 'new', limit: 50 })) { // every page, lazily
      console.log(lead.id, lead.name);
    }
    // end sample
  }

  {
    // sample: leads.retrieve
    const lead = await client.leads.retrieve(ids.lead);
    console.log(lead.name, lead.createdAt);
    // end sample
  }

  {
    // sample: leads.update
    const lead = await client.leads.update(ids.lead, { status: 'qualified', notes: 'Wants a demo' });
    console.log(lead.status);
    // end sample
  }

  {
    // sample: calls.create
    const call = await client.calls.create({ direction: 'inbound', fromNumber: '+15550100', toNumber: '+15550199', leadId: ids.lead });
    console.log(call.id, call.status);
    // end sample
    ids.call = call.id;
  }

  {
    // sample: calls.list
    for await (const call of client.calls.list({ direction: 'inbound' })) {
      console.log(call.id, call.status);
    }
    // end sample
  }

  {
    // sample: calls.retrieve
    const call = await client.calls.retrieve(ids.call);
    console.log(call.fromNumber, call.toNumber);
    // end sample
  }

  {
    // sample: calls.update
    const call = await client.calls.update(ids.call, { status: 'completed', summary: 'Booked a demo' });
    console.log(call.status, call.durationSeconds);
    // end sample
  }

  {
    // sample: calls.addTranscript
    const call = await client.calls.addTranscript(ids.call, {
      segments: [{ speaker: 'caller', text: "Hi, I'd like a demo.", startMs: 0, endMs: 1800 }],
    });
    console.log(call.transcript);
    // end sample
  }

  {
    // sample: chat.sendMessage
    const result = await client.chat.sendMessage({ content: 'Do you open on Sundays?', leadId: ids.lead, channel: 'web' });
    console.log(result.session.id, result.reply?.content);
    // end sample
    ids.session = result.session.id;
  }

  {
    // sample: chat.sessions.list
    for await (const session of client.chat.sessions.list({ channel: 'web' })) {
      console.log(session.id, session.channel);
    }
    // end sample
  }

  {
    // sample: chat.sessions.retrieve
    const session = await client.chat.sessions.retrieve(ids.session);
    console.log(session.id, session.leadId);
    // end sample
  }

  {
    // sample: chat.sessions.messages
    for await (const message of client.chat.sessions.messages(ids.session)) {
      console.log(message.role, message.content);
    }
    // end sample
  }

  {
    // sample: analytics.summary
    const summary = await client.analytics.summary({ from: '2026-11-01', to: '2026-11-30' });
    console.log(summary.leads.total, summary.leads.conversionRate, summary.calls.missed);
    // end sample
  }

  {
    // sample: analytics.calls
    const calls = await client.analytics.calls({ from: '2026-11-01', to: '2026-11-30' });
    console.log(calls.total, calls.byStatus, calls.averageDurationSeconds);
    // end sample
  }

  {
    // sample: analytics.leads
    const leads = await client.analytics.leads({ from: '2026-11-01', to: '2026-11-30' });
    console.log(leads.bySource, leads.daily.map((day) => [day.date, day.count]));
    // end sample
  }

  {
    // sample: webhooks.create
    const endpoint = await client.webhooks.create({ url: 'https://example.com/webhooks/callwaitingai', events: ['lead.created', 'call.ended'] });
    console.log(endpoint.id, endpoint.secret); // keep the secret: it verifies the deliveries
    // end sample
    ids.webhook = endpoint.id;
    ids.secret = endpoint.secret ?? '';
  }
  const secret = ids.secret;

  // sample: guide.verify
  // import { Webhook, WebhookVerificationError } from '@callwaitingai/sdk'; (or '@callwaitingai/web')
  const webhook = new Webhook(secret); // the endpoint's whsec_… secret

  /** Your webhook route: the raw body and the headers, as received. */
  function handle(body: string, headers: Record<string, string>): number {
    try {
      const event = webhook.verifyEvent(body, headers); // signature, timestamp, then the type
      if (event.type === 'lead.created') console.log('new lead', event.data.name); // data typed by type
      else console.log('event', event.type);
      return 204;
    } catch (e) {
      if (e instanceof WebhookVerificationError) {
        console.log('refused:', e.kind); // invalid_signature, timestamp_too_old, …
        return 400;
      }
      throw e;
    }
  }
  // end sample

  const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { webhookEndpointId: ids.webhook, message: 'hi' } });
  if (handle(body, signWebhookRequest({ payload: body, secret })) !== 204) throw new Error('a signed event was refused');
  if (handle(body, signWebhookRequest({ payload: body, secret: `whsec_${'A'.repeat(32)}` })) !== 400) throw new Error('a forged event was accepted');

  {
    // sample: webhooks.list
    for await (const endpoint of client.webhooks.list()) {
      console.log(endpoint.id, endpoint.url);
    }
    // end sample
  }

  {
    // sample: webhooks.retrieve
    const endpoint = await client.webhooks.retrieve(ids.webhook);
    console.log(endpoint.events);
    // end sample
  }

  {
    // sample: webhooks.update
    const endpoint = await client.webhooks.update(ids.webhook, { events: ['lead.created', 'lead.converted'] });
    console.log(endpoint.events);
    // end sample
  }

  {
    // sample: webhooks.test
    const delivery = await client.webhooks.test(ids.webhook);
    console.log(delivery.id, delivery.status);
    // end sample
    ids.delivery = delivery.id;
  }

  {
    // sample: webhooks.deliveries
    for await (const delivery of client.webhooks.deliveries(ids.webhook, { status: 'failed' })) {
      console.log(delivery.id, delivery.eventType, delivery.attempts);
    }
    // end sample
  }

  {
    // sample: webhooks.retryDelivery
    const delivery = await client.webhooks.retryDelivery(ids.webhook, ids.delivery);
    console.log(delivery.status);
    // end sample
  }

  {
    // sample: webhooks.rotateSecret
    const endpoint = await client.webhooks.rotateSecret(ids.webhook);
    console.log(endpoint.secret); // the old one keeps verifying for 24 hours
    // end sample
  }

  {
    // sample: apiKeys.create
    const key = await client.apiKeys.create({ name: 'Zapier', scopes: ['read:leads', 'write:leads'] });
    console.log(key.id, key.key); // the secret is shown once
    // end sample
    ids.key = key.id;
  }

  {
    // sample: apiKeys.list
    for await (const key of client.apiKeys.list()) {
      console.log(key.id, key.name, key.scopes);
    }
    // end sample
  }

  {
    // sample: apiKeys.rotate
    const key = await client.apiKeys.rotate(ids.key);
    console.log(key.key);
    // end sample
  }

  {
    // sample: apiKeys.revoke
    const key = await client.apiKeys.revoke(ids.key);
    console.log(key.revokedAt);
    // end sample
  }

  {
    // sample: webhooks.delete
    const deleted = await client.webhooks.delete(ids.webhook);
    console.log(deleted.deleted);
    // end sample
  }

  {
    // sample: leads.delete
    const deleted = await client.leads.delete(ids.lead);
    console.log(deleted.id, deleted.deleted);
    // end sample
  }
}
