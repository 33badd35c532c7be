// Cancellation: the `signal` option (an AbortSignal) stops a call, its retries too, and rejects
// with APIUserAbortError (an APIConnectionError), the same class in both packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sdk } from '../test-support/sdk.mjs';
import { KEY, startServer } from '../test-support/helpers.mjs';

const { CallWaitingAI, APIUserAbortError, APIConnectionError, InvalidRequestError } = sdk;

test('aborting a call in flight rejects at once with APIUserAbortError, and the server never acts on it', async (t) => {
  const base = await startServer(t, ['--latency', '800ms']);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: base, maxRetries: 0 });
  const controller = new AbortController();
  const started = Date.now();
  const call = client.leads.create({ name: 'Never created' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(call, (e) => {
    assert.ok(e instanceof APIUserAbortError, `${e?.constructor?.name}: ${e?.message}`);
    assert.ok(e instanceof APIConnectionError);
    return true;
  });
  assert.ok(Date.now() - started < 700, `took ${Date.now() - started} ms`);
  // The request was cut before the server (delayed 800 ms) handled it.
  await new Promise((r) => setTimeout(r, 1000));
  const page = await client.leads.list();
  assert.deepEqual(page.data.filter((l) => l.name === 'Never created'), []);
});

test('an already-aborted signal fails the call without sending it; lists and raw calls take one too', async (t) => {
  const base = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: base });
  const aborted = AbortSignal.abort();
  await assert.rejects(client.leads.create({ name: 'Not sent' }, { signal: aborted }), APIUserAbortError);
  await assert.rejects(client.leads.list({}, { signal: aborted }), APIUserAbortError);
  await assert.rejects(client.request('leads.list', [], { signal: aborted }), APIUserAbortError);
  assert.deepEqual((await client.leads.list()).data, []);
  // A signal that never fires changes nothing.
  const lead = await client.leads.create({ name: 'Sent' }, { signal: new AbortController().signal });
  assert.equal(lead.name, 'Sent');
});

test('aborting stops the retries', async (t) => {
  const base = await startServer(t, ['--fault-rate', '1', '--fault-seed', '3']);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: base, maxRetries: 8 });
  const started = Date.now();
  await assert.rejects(client.leads.list({}, { signal: AbortSignal.timeout(300) }), APIUserAbortError);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
});

test('a signal that is not an AbortSignal is invalid input', async (t) => {
  const base = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: base });
  await assert.rejects(client.leads.list({}, { signal: 'stop' }), InvalidRequestError);
});

test('a call refused for its options leaves no listener on the signal', async (t) => {
  const { getEventListeners } = await import('node:events');
  const base = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: base });
  const controller = new AbortController();
  // A cycle: JSON cannot hold it, so the options fail before the call starts.
  const cycle = {};
  cycle.self = cycle;
  await assert.rejects(client.leads.list({}, { signal: controller.signal, timeout: cycle }), InvalidRequestError);
  await assert.rejects(client.leads.create({ name: 'x' }, { signal: controller.signal, timeout: cycle }), InvalidRequestError);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});
