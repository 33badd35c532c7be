import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { NATIVE, sdk } from '../test-support/sdk.mjs';
import path from 'node:path';
import { KEY, OTHER_KEY, ROOT, startServer } from '../test-support/helpers.mjs';

const {
  default: CallWaitingAI,
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  CallWaitingAIError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  Webhook,
} = sdk;

test('the seed snippet as written', async (t) => {
  const baseURL = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL });
  const leads = await client.leads.list({ status: 'new' });
  assert.deepEqual(leads.data, []);
  assert.equal(leads.hasMore, false);
  const lead = await client.leads.create({ name: 'John Doe' });
  assert.equal(lead.name, 'John Doe');
  assert.equal(lead.status, 'new');
  assert.match(lead.createdAt, /Z$/);
  assert.ok(!String(client).includes(KEY));
});

test('every resource', async (t) => {
  const baseURL = await startServer(t, ['--bootstrap-user', 'acme=owner@acme.example:hunter2!']);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL });
  const lead = await client.leads.create({ name: 'Ann', email: 'ann@example.com', tags: ['vip'] });
  assert.deepEqual(await client.leads.retrieve(lead.id), lead);
  const updated = await client.leads.update(lead.id, { status: 'contacted', email: null });
  assert.equal(updated.email, null);
  assert.deepEqual(updated.tags, ['vip']);

  let call = await client.calls.create({ direction: 'inbound', fromNumber: '+15550100', toNumber: '+15550199', leadId: lead.id });
  call = await client.calls.addTranscript(call.id, { segments: [{ speaker: 'caller', text: 'Hi', startMs: 0, endMs: 800 }] });
  assert.equal(call.transcript.segments[0].endMs, 800);
  const ended = await client.calls.update(call.id, { status: 'completed' });
  assert.ok(ended.endedAt);
  assert.equal((await client.calls.retrieve(call.id)).status, 'completed');
  assert.equal((await client.calls.list({ leadId: lead.id })).data.length, 1);

  const sent = await client.chat.sendMessage({ content: 'Do you open on Saturdays?' });
  assert.match(sent.reply.content, /Saturday/);
  assert.equal((await client.chat.sessions.retrieve(sent.session.id)).messageCount, 2);
  const roles = [];
  for await (const m of client.chat.sessions.messages(sent.session.id)) roles.push(m.role);
  assert.deepEqual(roles, ['user', 'assistant']);
  assert.equal((await client.chat.sessions.list()).data.length, 1);

  assert.equal((await client.analytics.summary()).leads.total, 1);
  assert.deepEqual((await client.analytics.calls()).byStatus, { completed: 1 });
  assert.equal((await client.analytics.leads({ from: '2020-01-01', to: '2020-01-31' })).total, 0);

  const endpoint = await client.webhooks.create({ url: 'http://127.0.0.1:9/hook', events: ['lead.created'] });
  assert.match(endpoint.secret, /^whsec_/);
  assert.equal((await client.webhooks.retrieve(endpoint.id)).secret, undefined);
  await client.webhooks.update(endpoint.id, { enabled: false });
  assert.notEqual((await client.webhooks.rotateSecret(endpoint.id)).secret, endpoint.secret);
  const delivery = await client.webhooks.test(endpoint.id);
  assert.equal((await client.webhooks.deliveries(endpoint.id)).data[0].id, delivery.id);
  assert.equal((await client.webhooks.retryDelivery(endpoint.id, delivery.id)).webhookId, delivery.webhookId);
  assert.equal((await client.webhooks.list()).data.length, 1);
  assert.equal((await client.webhooks.delete(endpoint.id)).deleted, true);

  const key = await client.apiKeys.create({ name: 'ci', scopes: ['read:leads'] });
  assert.match(key.key, /^cw_live_/);
  assert.ok((await client.apiKeys.list()).data.every((k) => k.key === undefined));
  assert.notEqual((await client.apiKeys.rotate(key.id)).key, key.key);
  assert.ok((await client.apiKeys.revoke(key.id)).revokedAt);

  const tokens = await client.auth.login({ email: 'owner@acme.example', password: 'hunter2!' });
  const asUser = new CallWaitingAI({ apiKey: tokens.accessToken, baseURL });
  assert.equal((await asUser.leads.retrieve(lead.id)).id, lead.id);
  assert.ok((await client.auth.refresh({ refreshToken: tokens.refreshToken })).accessToken);
  assert.equal((await client.health.check()).status, 'ok');
  assert.equal((await client.leads.delete(lead.id)).deleted, true);
});

test('for await walks every lead across pages, lazily', async (t) => {
  const baseURL = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL });
  const ids = new Set();
  for (let i = 0; i < 210; i++) ids.add((await client.leads.create({ name: `L${String(i).padStart(3, '0')}` })).id);
  const seen = [];
  for await (const lead of client.leads.list({ limit: 50 })) seen.push(lead.id);
  assert.equal(seen.length, 210);
  assert.deepEqual(new Set(seen), ids);
  const first = await client.leads.list({ limit: 100, sort: 'name' });
  const second = await first.nextPage();
  assert.equal(second.data[0].name, 'L100');
  const third = await second.nextPage();
  assert.equal(third.hasMore, false);
  assert.equal(await third.nextPage(), null);
});

test('every error class', async (t) => {
  const baseURL = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL });
  const err = await client.leads.retrieve('lead_missing').catch((e) => e);
  assert.ok(err instanceof NotFoundError && err instanceof APIError && err instanceof CallWaitingAIError && err instanceof Error);
  assert.equal(err.status, 404);
  assert.equal(err.code, 'NOT_FOUND');
  assert.match(err.requestId, /^req_/);
  assert.equal(err.headers['x-request-id'], err.requestId);
  assert.ok(CallWaitingAI.NotFoundError === NotFoundError);

  await assert.rejects(client.leads.create({ name: 'x', email: 'nope' }), (e) => e instanceof UnprocessableEntityError && e.data.field === 'email');
  await assert.rejects(client.leads.list({ cursor: 'garbage' }), BadRequestError);
  await assert.rejects(new CallWaitingAI({ apiKey: 'cw_test_wrong', baseURL }).leads.list(), AuthenticationError);
  const reader = (await client.apiKeys.create({ name: 'ro', scopes: ['read:leads'] })).key;
  await assert.rejects(new CallWaitingAI({ apiKey: reader, baseURL }).leads.create({ name: 'x' }), PermissionDeniedError);
  await client.leads.create({ name: 'a' }, { idempotencyKey: 'same' });
  await assert.rejects(client.leads.create({ name: 'b' }, { idempotencyKey: 'same' }), ConflictError);
  const mine = await client.leads.create({ name: 'mine' });
  await assert.rejects(new CallWaitingAI({ apiKey: OTHER_KEY, baseURL }).leads.retrieve(mine.id), NotFoundError);

  const limited = await startServer(t, ['--rate-limit', '1/min']);
  const c = new CallWaitingAI({ apiKey: KEY, baseURL: limited, maxRetries: 0 });
  await c.leads.list();
  await assert.rejects(c.leads.list(), (e) => e instanceof RateLimitError && e.status === 429 && e.retryAfter > 0);

  const failing = http.createServer((req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"SERVICE_UNAVAILABLE","message":"down","requestId":"req_x"}}');
  });
  await new Promise((r) => failing.listen(0, '127.0.0.1', r));
  t.after(() => failing.close());
  await assert.rejects(
    new CallWaitingAI({ apiKey: KEY, baseURL: `http://127.0.0.1:${failing.address().port}`, maxRetries: 0 }).leads.list(),
    (e) => e instanceof InternalServerError && e.status === 503 && e.requestId === 'req_x',
  );
  await assert.rejects(new CallWaitingAI({ apiKey: KEY, baseURL: 'http://127.0.0.1:9', maxRetries: 0 }).leads.list(), APIConnectionError);
});

test('faults with retries leave exactly one lead per create', async (t) => {
  const baseURL = await startServer(t, ['--fault-rate', '0.3', '--fault-seed', '5']);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL, maxRetries: 10 });
  for (let i = 0; i < 25; i++) await client.leads.create({ name: `F${String(i).padStart(2, '0')}` });
  const names = [];
  for await (const lead of client.leads.list({ limit: 100 })) names.push(lead.name);
  assert.deepEqual(names.sort(), Array.from({ length: 25 }, (_, i) => `F${String(i).padStart(2, '0')}`));
});

test('deliveries from the server verify on a local receiver', async (t) => {
  const baseURL = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL });
  const received = [];
  const receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => receiver.close());
  const endpoint = await client.webhooks.create({ url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ['lead.created'] });
  const lead = await client.leads.create({ name: 'Hooked' });
  for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(received.length, 1);
  const event = new Webhook(endpoint.secret).verify(received[0].body, received[0].headers);
  assert.equal(event.type, 'lead.created');
  assert.equal(event.data.id, lead.id);
  const { Webhook: Theirs } = await import('standardwebhooks');
  assert.equal(new Theirs(endpoint.secret).verify(received[0].body.toString(), received[0].headers).data.id, lead.id, 'the standardwebhooks package verifies our deliveries');
  const asHeaders = new Headers(Object.entries(received[0].headers).map(([k, v]) => [k, String(v)]));
  assert.equal(new Webhook(endpoint.secret).verify(received[0].body.toString(), asHeaders).data.id, lead.id);
});

test('CALLWAITINGAI_LOG=debug logs requests without the key', { skip: !NATIVE && 'request logging is in the Node package only' }, async (t) => {
  const { spawnSync } = await import('node:child_process');
  const baseURL = await startServer(t);
  const script = `const C = require(${JSON.stringify(path.join(ROOT, 'sdk-node', 'index.cjs'))});
    new C({ apiKey: ${JSON.stringify(KEY)}, baseURL: ${JSON.stringify(baseURL)} }).leads.list().then(() => {});`;
  const res = spawnSync('node', ['-e', script], { env: { ...process.env, CALLWAITINGAI_LOG: 'debug' }, encoding: 'utf8' });
  assert.match(res.stderr, /leads\.list/);
  assert.ok(!res.stderr.includes(KEY), 'the key is never logged');
  assert.ok(!res.stderr.includes('\x1b['), `no colour codes when stderr is not a terminal: ${JSON.stringify(res.stderr.slice(0, 200))}`);
});

test('field selection is a raw request resolving to partial JSON', async (t) => {
  const baseURL = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL });
  const lead = await client.leads.create({ name: 'Partial', email: 'p@example.com' });
  const page = await client.request('leads.list', [], { query: { fields: 'name' } });
  assert.deepEqual(page.data[0], { id: lead.id, name: 'Partial' });
  assert.deepEqual(await client.request('leads.retrieve', [lead.id], { query: { fields: 'email' } }), { id: lead.id, email: 'p@example.com' });
  const e = await client.request('leads.nope').catch((e) => e);
  assert.ok(e instanceof CallWaitingAIError, String(e));
});

test('extraQuery and extraBody reach the server; a call deadline bounds the wait', async (t) => {
  const url = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  await client.leads.create({ name: 'A' });
  await client.leads.create({ name: 'B' });
  const page = await client.leads.list({ limit: 20 }, { extraQuery: { limit: 1 } });
  assert.equal(page.data.length, 1);
  const lead = await client.leads.create({ name: 'C' }, { extraBody: { notes: 'sent as an extra field' } });
  assert.equal(lead.notes, 'sent as an extra field');
  await assert.rejects(client.leads.create({ name: 'D' }, { extraBody: [1] }), (e) => e instanceof sdk.InvalidRequestError && /extraBody must be an object/.test(e.message));
  const slow = await startServer(t, ['--latency', '400ms']);
  const patient = new CallWaitingAI({ apiKey: KEY, baseURL: slow, timeout: 5000 });
  await assert.rejects(patient.leads.list({}, { deadline: 100 }), (e) => e instanceof sdk.APITimeoutError && /deadline/.test(e.message));
});

test('withResponse gives the status, headers, request id, replay and rate limit; withOptions shares the pool', async (t) => {
  const url = await startServer(t, ['--rate-limit', '100/min']);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  const first = client.leads.create({ name: 'Ada' }, { idempotencyKey: 'key-raw-1' });
  assert.ok(first instanceof Promise && first instanceof sdk.APIPromise);
  const { data: lead, response } = await first.withResponse();
  assert.equal(lead.name, 'Ada');
  assert.equal(response.status, 201);
  assert.match(response.requestId, /^req_/);
  assert.equal(response.headers['x-request-id'], response.requestId);
  assert.equal(response.idempotentReplayed, false);
  assert.equal(response.rateLimit.limit, 100);
  const again = await client.leads.create({ name: 'Ada' }, { idempotencyKey: 'key-raw-1' }).withResponse();
  assert.equal(again.response.idempotentReplayed, true);
  assert.equal(again.data.id, lead.id);
  const listed = await client.leads.list({ limit: 1 }).withResponse();
  assert.equal(listed.response.status, 200);
  assert.deepEqual(listed.data.data.map((l) => l.id), [lead.id]);
  assert.equal((await client.leads.retrieve(lead.id)).id, lead.id);

  const slow = await startServer(t, ['--latency', '300ms']);
  const base = new CallWaitingAI({ apiKey: KEY, baseURL: slow, timeout: 5000, maxRetries: 0 });
  const hasty = base.withOptions({ timeout: 50 });
  assert.ok(hasty instanceof CallWaitingAI);
  await assert.rejects(hasty.leads.list(), sdk.APITimeoutError);
  assert.deepEqual((await base.leads.list()).data, []);
  assert.throws(() => base.withOptions({ maxRetries: -1 }), sdk.InvalidRequestError);
});

test('a logger and a log level of the client: every call at debug, failures at info, never the key', async (t) => {
  const url = await startServer(t);
  const lines = [];
  const logger = { error: (m) => lines.push(['error', m]), warn: (m) => lines.push(['warn', m]), info: (m) => lines.push(['info', m]), debug: (m) => lines.push(['debug', m]) };
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, logger, logLevel: 'debug' });
  await client.leads.create({ name: 'Ada' });
  await client.leads.list();
  await client.leads.retrieve('lead_missing').catch(() => {});
  assert.ok(lines.some(([l, m]) => l === 'debug' && /leads\.create 201 req_/.test(m)), JSON.stringify(lines));
  assert.ok(lines.some(([l, m]) => l === 'debug' && /leads\.list 200 req_/.test(m)), JSON.stringify(lines));
  assert.ok(lines.some(([l, m]) => l === 'info' && /leads\.retrieve failed: NotFoundError 404 req_/.test(m)), JSON.stringify(lines));
  assert.ok(!lines.some(([, m]) => m.includes(KEY)));
  // Quieter levels log less; a derived client keeps its parent's logging.
  lines.length = 0;
  const quiet = client.withOptions({ logLevel: 'info', logger });
  await quiet.leads.list();
  await quiet.leads.retrieve('lead_missing').catch(() => {});
  assert.deepEqual(lines.map(([l]) => l), ['info']);
  lines.length = 0;
  await client.withOptions({ timeout: 5000 }).leads.list();
  assert.equal(lines.length, 1);
  assert.throws(() => new CallWaitingAI({ apiKey: KEY, baseURL: url, logLevel: 'loud' }), (e) => e instanceof sdk.InvalidRequestError && /logLevel must be one of off, error, warn, info, debug/.test(e.message));
});
