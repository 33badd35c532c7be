import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { sdk } from '../test-support/sdk.mjs';
import { ROOT } from '../test-support/helpers.mjs';

const { Webhook, WebhookVerificationError, metaSubscriptionChallenge, verifyWebhook } = sdk;

const vectorsPath = process.env.CALLWAITINGAI_VECTORS ?? path.join(ROOT, 'tests', 'vectors', 'webhooks.json');
const vectors = JSON.parse(fs.readFileSync(vectorsPath, 'utf8'));

test('the shared vectors', () => {
  assert.ok(vectors.length >= 40);
  const failures = [];
  for (const c of vectors) {
    let outcome = 'ok';
    try {
      if (c.provider === 'meta-handshake') {
        assert.equal(metaSubscriptionChallenge(c.query, c.verify_token), c.challenge);
      } else {
        verifyWebhook({ provider: c.provider, payload: Buffer.from(c.body), headers: c.headers, secret: c.secret, url: c.url, tolerance: c.tolerance ?? undefined, now: c.now ?? undefined });
      }
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      outcome = e.kind;
    }
    if (outcome !== c.expect) failures.push(`${c.name}: expected ${c.expect}, got ${outcome}`);
  }
  assert.deepEqual(failures, []);
});

test('one verdict per input: new Webhook(secret).verify and verifyWebhook agree on every vector', () => {
  const kindOf = (f) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      return e.kind;
    }
  };
  const isJson = (text) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  const standard = vectors.filter((c) => c.provider === 'standard' && isJson(c.body));
  assert.ok(standard.length >= 10);
  const disagreements = [];
  for (const c of standard) {
    const opts = { now: c.now ?? undefined, tolerance: c.tolerance ?? undefined };
    for (const payload of [c.body, Buffer.from(c.body)]) {
      const viaClass = kindOf(() => new Webhook(c.secret).verify(payload, c.headers, opts));
      const viaFunction = kindOf(() => verifyWebhook({ payload, headers: c.headers, secret: c.secret, ...opts }));
      if (viaClass !== viaFunction || viaClass !== c.expect) {
        disagreements.push(`${c.name}: Webhook.verify ${viaClass}, verifyWebhook ${viaFunction}, expected ${c.expect}`);
      }
    }
  }
  assert.deepEqual(disagreements, []);
});

test('Webhook verifies strings, Buffers and Uint8Arrays and reports kinds', () => {
  const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  const body = '{"type":"lead.created","data":{"createdAt":"x"}}';
  const ts = Math.floor(Date.now() / 1000);
  const headers = { 'Webhook-Id': 'msg_1', 'Webhook-Timestamp': String(ts), 'Webhook-Signature': wh.sign('msg_1', ts, body) };
  assert.deepEqual(wh.verify(body, headers), JSON.parse(body));
  assert.deepEqual(wh.verify(Buffer.from(body), headers), JSON.parse(body));
  assert.deepEqual(wh.verify(new TextEncoder().encode(body), headers), JSON.parse(body));
  assert.throws(() => wh.verify(body + ' ', headers), (e) => e instanceof WebhookVerificationError && e.kind === 'invalid_signature');
  assert.throws(() => wh.verify(body, headers, { now: ts + 301 }), (e) => e.kind === 'timestamp_too_old');
  assert.deepEqual(wh.verify(body, headers, { now: ts + 301, tolerance: 400 }), JSON.parse(body));
  assert.throws(() => new Webhook('whsec_'), (e) => e.kind === 'invalid_secret');
  assert.throws(() => verifyWebhook({ provider: 'paypal', payload: '', headers: {}, secret: 's' }), TypeError);
  assert.equal(metaSubscriptionChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 't', 'hub.challenge': '7' }, 't'), '7');
  assert.ok(!String(wh).includes('MfKQ'));
});

test('interop with the standardwebhooks npm package, both ways', async () => {
  const { Webhook: Theirs } = await import('standardwebhooks');
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const theirs = new Theirs(secret);
  const ours = new Webhook(secret);
  const body = '{"type":"webhook.test","data":{}}';
  const now = new Date();
  const ts = Math.floor(now.getTime() / 1000);
  const headers = { 'webhook-id': 'msg_interop', 'webhook-timestamp': String(ts), 'webhook-signature': theirs.sign('msg_interop', now, body) };
  assert.deepEqual(ours.verify(body, headers), JSON.parse(body));
  assert.deepEqual(theirs.verify(body, { ...headers, 'webhook-signature': ours.sign('msg_interop', ts, body) }), JSON.parse(body));
});

// --- typed events (`Webhook.verifyEvent`) and test signing (`signWebhookRequest`) ---------------

const EVENT_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const LEAD = {
  id: 'lead_1', name: 'Ada', email: null, phone: '+15550100', company: null, source: 'call', status: 'new',
  notes: null, tags: ['vip'], createdAt: '2026-11-01T09:30:00Z', updatedAt: '2026-11-01T09:30:00Z',
};

function signedEvent(body) {
  const payload = JSON.stringify(body);
  const headers = sdk.signWebhookRequest({ payload, secret: EVENT_SECRET, timestamp: 1793000000, msgId: 'msg_1' });
  return [payload, headers];
}

test('verifyEvent returns the event with its typed data; an unknown type as sent', () => {
  const hook = new Webhook(EVENT_SECRET);
  const [payload, headers] = signedEvent({ type: 'lead.created', timestamp: '2026-11-01T09:30:00Z', data: LEAD });
  const event = hook.verifyEvent(payload, headers, { now: 1793000000 });
  assert.equal(event.type, 'lead.created');
  assert.deepEqual(event.data, LEAD);
  const unknown = { type: 'lead.merged', timestamp: '2026-11-01T09:30:00Z', data: { mergedInto: 'lead_2' } };
  assert.deepEqual(hook.verifyEvent(...signedEvent(unknown), { now: 1793000000 }), unknown);
});

test('verifyEvent: a known type that does not decode is invalid_payload, naming the field', () => {
  const hook = new Webhook(EVENT_SECRET);
  const [payload, headers] = signedEvent({ type: 'lead.created', timestamp: '2026-11-01T09:30:00Z', data: { ...LEAD, name: 42 } });
  assert.throws(() => hook.verifyEvent(payload, headers, { now: 1793000000 }), (e) => {
    assert.ok(e instanceof WebhookVerificationError);
    assert.equal(e.kind, 'invalid_payload');
    assert.match(e.message, /data\.name/);
    return true;
  });
  const [p2, h2] = signedEvent({ type: 'lead.created', timestamp: '2026-11-01T09:30:00Z', data: LEAD });
  assert.throws(() => hook.verifyEvent(`${p2} `, h2, { now: 1793000000 }), { kind: 'invalid_signature' });
});

test('what signWebhookRequest signs, verifyWebhook accepts, for every provider', () => {
  for (const provider of ['standard', 'stripe', 'calendly', 'github', 'meta', 'twilio', 'slack']) {
    const payload = provider === 'twilio' ? 'Body=Hello&From=%2B15550100' : '{"id":"evt_1"}';
    const url = provider === 'twilio' ? 'https://example.com/hooks/twilio?x=1' : undefined;
    const secret = provider === 'standard' ? EVENT_SECRET : 's3cr3t';
    const headers = sdk.signWebhookRequest({ provider, payload, secret, url });
    verifyWebhook({ provider, payload, headers, secret, url });
    assert.throws(() => verifyWebhook({ provider, payload: `${payload}x`, headers, secret, url }), WebhookVerificationError, provider);
  }
  assert.throws(() => sdk.signWebhookRequest({ provider: 'stripe', payload: '{}', secret: '' }), { kind: 'invalid_secret' });
  assert.throws(() => sdk.signWebhookRequest({ provider: 'twilio', payload: 'a=b', secret: 't' }), WebhookVerificationError);
  assert.throws(() => sdk.signWebhookRequest({ provider: 'paypal', payload: '{}', secret: 't' }), /paypal/);
});

test("the providers' own libraries (stripe, twilio from npm) accept what signWebhookRequest signs", async () => {
  const { default: Stripe } = await import('stripe');
  const { default: twilio } = await import('twilio');
  const body = '{"id":"evt_1","object":"event","type":"invoice.payment_failed","data":{"object":{"object":"invoice"}}}';
  const h = sdk.signWebhookRequest({ provider: 'stripe', payload: body, secret: 'whsec_stripe_test' });
  const event = new Stripe('sk_test_unused').webhooks.constructEvent(body, h['Stripe-Signature'], 'whsec_stripe_test');
  assert.equal(event.type, 'invoice.payment_failed');

  const url = 'https://example.com/twilio/sms?account=7';
  const params = { Body: 'Hi there', From: '+15550100', MessageSid: 'SM1', NumMedia: '0' };
  const form = new URLSearchParams(params).toString();
  const t = sdk.signWebhookRequest({ provider: 'twilio', payload: form, secret: 'twilio_auth_token', url });
  assert.ok(twilio.validateRequest('twilio_auth_token', t['X-Twilio-Signature'], url, params));
});

// --- providers' events, typed (`verifyWebhookEvent`) ------------------------------------------

function fixture(name) {
  const f = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'webhooks', `${name}.json`), 'utf8'));
  const payload = typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
  const headers = { ...f.headers, ...sdk.signWebhookRequest({ provider: f.provider, payload, secret: f.secret, url: f.url ?? undefined }) };
  return { ...f, payload, headers, url: f.url ?? undefined };
}

test('verifyWebhookEvent: WhatsApp messages flattened, camelCase, unknown types kept', () => {
  const f = fixture('meta-interactive-list');
  const event = sdk.verifyWebhookEvent(f);
  assert.equal(event.provider, 'meta');
  assert.equal(event.type, 'whatsapp_business_account');
  assert.deepEqual(event.raw, JSON.parse(f.payload));
  assert.equal(event.entry[0].changes[0].value.metadata.phoneNumberId, '106540352242922');
  assert.equal(event.messages.length, 1);
  assert.deepEqual(event.messages[0].interactive.listReply, { id: 'slot-0900', title: '9:00', description: 'Tomorrow morning' });
  assert.equal(event.messages[0].phoneNumberId, '106540352242922');
  assert.deepEqual(event.statuses, []);
  const u = fixture('meta-unknown-message-type');
  assert.equal(sdk.verifyWebhookEvent(u).messages[0].type, 'poll_vote');
});

test('verifyWebhookEvent: Twilio and Slack form payloads', () => {
  const t = fixture('twilio-sms');
  const sms = sdk.verifyWebhookEvent(t);
  assert.equal(sms.type, 'message');
  assert.equal(sms.body, 'Can I book for 3pm?');
  assert.equal(sms.raw.Body, 'Can I book for 3pm?');
  const s = fixture('slack-block-actions');
  const action = sdk.verifyWebhookEvent(s);
  assert.equal(action.type, 'interaction');
  assert.equal(action.interactionType, 'block_actions');
  assert.equal(action.actions[0].actionId, 'approve-lead');
  assert.throws(() => sdk.verifyWebhookEvent({ ...t, url: 'https://example.com/elsewhere' }), { kind: 'invalid_signature' });
});
