// A customer's own test suite, using the reference server as its test double. Installed the
// way users install us (`npm install @callwaitingai/sdk @callwaitingai/server`); CI runs it
// from the release tarballs with no Rust toolchain on PATH.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import CallWaitingAI, { Webhook } from '@callwaitingai/sdk';
import { startReferenceServer } from '@callwaitingai/server';

let server;
before(async () => {
  server = await startReferenceServer({ webhookRetryDelays: [100] });
});
after(async () => {
  await server.stop();
});

test('creates a lead and lists it', async () => {
  const client = new CallWaitingAI({ apiKey: server.apiKey, baseURL: server.url });
  const lead = await client.leads.create({ name: 'Ada Lovelace', email: 'ada@example.com' });
  const page = await client.leads.list();
  assert.deepEqual(page.data.map((l) => l.id), [lead.id]);
});

test('a signed delivery verifies', async () => {
  const received = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const client = new CallWaitingAI({ apiKey: server.apiKey, baseURL: server.url });
    const endpoint = await client.webhooks.create({
      url: `http://127.0.0.1:${receiver.address().port}/hooks`,
      events: ['lead.created'],
    });
    await client.leads.create({ name: 'Grace Hopper' });
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(received.length > 0, `no delivery; server log:\n${server.logs()}`);
    const event = new Webhook(endpoint.secret).verify(received[0].body, received[0].headers);
    assert.equal(event.type, 'lead.created');
    assert.equal(event.data.name, 'Grace Hopper');
  } finally {
    receiver.closeAllConnections?.();
    await new Promise((r) => receiver.close(r));
  }
});

test('flags pass through', async () => {
  const faulty = await startReferenceServer({ faultRate: 1, faultSeed: 7 });
  try {
    const client = new CallWaitingAI({ apiKey: faulty.apiKey, baseURL: faulty.url, maxRetries: 0 });
    await assert.rejects(client.leads.list());
  } finally {
    await faulty.stop();
  }
});

test('demo seeds an organisation and gives its key', async () => {
  const demo = await startReferenceServer({ demo: true });
  try {
    const client = new CallWaitingAI({ apiKey: demo.apiKey, baseURL: demo.url });
    const page = await client.leads.list();
    assert.ok(page.data.length > 0);
  } finally {
    await demo.stop();
  }
});

test('a missing binary is a clear error', async () => {
  await assert.rejects(startReferenceServer({ binary: '/nonexistent/callwaitingai-server' }), /no reference server binary/);
});
