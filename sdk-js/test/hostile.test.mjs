// The JS client as users run it, against hostile local servers: bad arguments reject (never
// throw synchronously), bad timeouts, a body that never ends, a huge error body, dot ids, how
// the package names itself, what toString shows. Runs against @callwaitingai/sdk and (from
// sdk-wasm's `npm test`) @callwaitingai/web.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { NATIVE, sdk } from '../test-support/sdk.mjs';
import { KEY, startServer } from '../test-support/helpers.mjs';

const { default: CallWaitingAI, APIError, BadRequestError, InvalidRequestError } = sdk;

/** A raw TCP server on 127.0.0.1:0: `reply(socket)` answers each request; heads are kept. */
async function rawServer(t, reply) {
  const heads = [];
  const state = { sent: 0 };
  const server = net.createServer((sock) => {
    let head = '';
    sock.on('error', () => {});
    sock.on('data', (d) => {
      if (head.includes('\r\n\r\n')) return;
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        heads.push(head);
        reply(sock, state);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => {
    server.close(resolve);
    server.unref();
  }));
  return { url: `http://127.0.0.1:${server.address().port}`, heads, state, server };
}

/** Waits up to 4 s for a connection's close time to land in `closed`. */
async function untilClosed(closed) {
  for (let i = 0; i < 40 && closed.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
}

/** A well-formed answer to a delete (a `DeletedObject`). */
const DELETED = '{"id":"lead_1","deleted":true}';
const ok = (sock) => sock.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${DELETED.length}\r\n\r\n${DELETED}`);

test('every method rejects bad arguments through its promise, never synchronously', async (t) => {
  const { url, heads } = await rawServer(t, ok);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  const calls = {
    'leads.retrieve(undefined)': () => client.leads.retrieve(undefined),
    'leads.retrieve(null)': () => client.leads.retrieve(null),
    'leads.update()': () => client.leads.update(),
    'calls.addTranscript(undefined, {})': () => client.calls.addTranscript(undefined, { segments: [] }),
    'webhooks.deliveries(undefined)': () => client.webhooks.deliveries(undefined),
    'apiKeys.rotate("..")': () => client.apiKeys.rotate('..'),
    'leads.delete(".")': () => client.leads.delete('.'),
    'leads.list({}, { timeout: NaN })': () => client.leads.list({}, { timeout: NaN }),
    'leads.create({name}, { timeout: -1 })': () => client.leads.create({ name: 'x' }, { timeout: -1 }),
    'leads.create({name}, { timeout: 1e300 })': () => client.leads.create({ name: 'x' }, { timeout: 1e300 }),
  };
  for (const [label, call] of Object.entries(calls)) {
    let returned;
    assert.doesNotThrow(() => {
      returned = call();
    }, label);
    assert.equal(typeof returned.then, 'function', label);
    const caught = await returned.catch((e) => e);
    assert.ok(caught instanceof InvalidRequestError, `${label}: ${caught}`);
  }
  assert.deepEqual(heads, [], 'nothing was sent');
});

test('a bad client timeout is an InvalidRequestError, not a silent default', () => {
  for (const timeout of [NaN, -5, 0, Infinity, 1e300]) {
    assert.throws(() => new CallWaitingAI({ apiKey: KEY, baseURL: 'http://127.0.0.1:9', timeout }), InvalidRequestError, String(timeout));
  }
});

test('ids stay one path segment', async (t) => {
  const { url, heads } = await rawServer(t, ok);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  await client.leads.delete('a/../b');
  assert.match(heads[0], /^DELETE \/api\/v1\/leads\/a%2F\.\.%2Fb HTTP\/1\.1\r\n/);
});

test('a body that never ends fails at the limit, typed, without holding it', { timeout: 60_000 }, async (t) => {
  const { url, state } = await rawServer(t, (sock, state) => {
    sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!sock.destroyed && sock.write(chunk)) state.sent += chunk.length;
      if (!sock.destroyed) sock.once('drain', pump);
    };
    sock.on('close', () => {});
    pump();
  });
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  const started = Date.now();
  const e = await client.leads.retrieve('lead_1').catch((e) => e);
  assert.ok(e instanceof APIError, String(e));
  assert.match(e.message, /max_response_bytes/);
  assert.ok(Date.now() - started < 20_000);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(state.sent < 64 * 1024 * 1024, `${state.sent} bytes were read`);
});

test('a small gzip body that inflates past the limit is cut there, never held whole', { timeout: 60_000 }, async (t) => {
  const { createGzip } = await import('node:zlib');
  // 512 MiB of spaces, about 0.5 MiB compressed (made a MiB at a time, so that this test
  // holds no big buffer itself), its compressed length declared.
  const gzip = createGzip({ level: 9 });
  const parts = [];
  gzip.on('data', (part) => parts.push(part));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const mib = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < 512; i++) gzip.write(mib);
  gzip.end();
  await ended;
  const bomb = Buffer.concat(parts);
  const { url } = await rawServer(t, (sock) => {
    sock.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${bomb.length}\r\n\r\n`);
    sock.end(bomb);
  });
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 1);
  t.after(() => clearInterval(sample));
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  const e = await client.leads.retrieve('lead_1').catch((e) => e);
  clearInterval(sample);
  assert.ok(e instanceof sdk.CallWaitingAIError, String(e));
  assert.ok(peak < 128 * 1024 * 1024, `${(peak / 1048576).toFixed(0)} MiB of buffers at the peak`);
});

test('a call that times out rejects at its timeout; the late answer is dropped unread and its connection closed', { timeout: 30_000 }, async (t) => {
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const closed = [];
  const { url, state } = await rawServer(t, (sock, state) => {
    sock.on('close', () => closed.push(Date.now()));
    // Answers late, then sends a body that never ends.
    setTimeout(() => {
      if (sock.destroyed) return;
      sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n');
      const pump = () => {
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        while (!sock.destroyed && sock.write(chunk)) state.sent += chunk.length;
        if (!sock.destroyed) sock.once('drain', pump);
      };
      pump();
    }, 700);
  });
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0, timeout: 150 });
  const started = Date.now();
  const e = await client.leads.retrieve('lead_1').catch((e) => e);
  assert.ok(e instanceof sdk.APITimeoutError, String(e));
  assert.ok(Date.now() - started < 650, `rejected after ${Date.now() - started} ms`);
  await untilClosed(closed);
  assert.equal(closed.length, 1, 'the connection of the timed-out call is closed');
  assert.ok(closed[0] - started < 3000, `closed after ${closed[0] - started} ms`);
  assert.ok(state.sent < 16 * 1024 * 1024, `${state.sent} bytes were sent`);
  assert.deepEqual(unhandled, []);
});

test('a body that stalls midway rejects at the timeout, as an APITimeoutError', { timeout: 30_000 }, async (t) => {
  const closed = [];
  const { url } = await rawServer(t, (sock) => {
    sock.on('close', () => closed.push(Date.now()));
    // No declared length: the body is read as it comes, and stops coming.
    sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"id"\r\n');
  });
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0, timeout: 300 });
  const started = Date.now();
  const e = await client.leads.retrieve('lead_1').catch((e) => e);
  assert.ok(e instanceof sdk.APITimeoutError, String(e));
  assert.ok(Date.now() - started < 2000, `rejected after ${Date.now() - started} ms`);
  await untilClosed(closed);
  assert.equal(closed.length, 1, 'the connection of the timed-out call is closed');
});

test('a finished call leaves nothing behind: the process exits at once, not at the timeout', { timeout: 30_000 }, async (t) => {
  const { url } = await rawServer(t, ok);
  const { execFile } = await import('node:child_process');
  const script = `
    const sdk = await import(${JSON.stringify(pathToFileURL(path.resolve(process.env.CALLWAITINGAI_SDK_ENTRY)).href)});
    const client = new sdk.CallWaitingAI({ apiKey: ${JSON.stringify(KEY)}, baseURL: ${JSON.stringify(url)}, timeout: 20000 });
    const deleted = await client.leads.delete('lead_1');
    if (deleted.deleted !== true) throw new Error('not deleted');
  `;
  const started = Date.now();
  await new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], (err, _out, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve())),
  );
  assert.ok(Date.now() - started < 10_000, `the process exited after ${Date.now() - started} ms`);
});

test('a BigInt parameter or option is sent as the number it is, in both packages', async (t) => {
  const url = await startServer(t);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  await client.leads.create({ name: 'Ada' });
  await client.leads.create({ name: 'Bob' });
  const page = await client.leads.list({ limit: 1n }, { timeout: 5000n });
  assert.equal(page.data.length, 1);
  const raw = await client.request('leads.list', [], { query: { limit: 1n } });
  assert.equal(raw.data.length, 1);
  // Beyond 2^53 a BigInt is not a number JSON carries exactly: refused, typed.
  await assert.rejects(client.leads.list({}, { timeout: 2n ** 64n }), InvalidRequestError);
});

test('a query or body JSON cannot hold is an InvalidRequestError in both packages, and nothing is sent', async (t) => {
  const { url, heads } = await rawServer(t, ok);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  const cycle = { name: 'Ada' };
  cycle.self = cycle;
  const controller = new AbortController();
  let listeners = 0;
  const add = controller.signal.addEventListener.bind(controller.signal);
  controller.signal.addEventListener = (...a) => (listeners++, add(...a));
  await assert.rejects(client.leads.create(cycle, { signal: controller.signal }), InvalidRequestError);
  await assert.rejects(client.leads.list(cycle), InvalidRequestError);
  await assert.rejects(client.request('leads.create', [], { body: cycle }), InvalidRequestError);
  await assert.rejects(client.request('leads.list', [], { query: cycle }), InvalidRequestError);
  assert.equal(listeners, 0, 'refused before a listener was added to the signal');
  assert.equal(heads.length, 0);
});

test('a long error message is cut; the body stays on the error', async (t) => {
  const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'y'.repeat(4 * 1024 * 1024) } });
  const { url } = await rawServer(t, (sock) => {
    sock.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  });
  const e = await new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 }).leads.retrieve('lead_1').catch((e) => e);
  assert.ok(e instanceof BadRequestError, String(e));
  assert.ok(e.message.length < 2000, `${e.message.length}`);
  assert.equal(e.body.length, body.length);
});

test('the package names itself with its runtime', async (t) => {
  const { url, heads } = await rawServer(t, ok);
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url });
  await client.leads.delete('lead_1');
  const pkg = NATIVE ? 'node' : 'web';
  const want = new RegExp(`^callwaitingai-${pkg}/\\d+\\.\\d+\\.\\d+ node/${process.versions.node.replace(/\./g, '\\.')}$`);
  assert.match(client.userAgent, want);
  const head = heads[0].toLowerCase();
  assert.ok(head.includes(`x-callwaitingai-client: ${client.userAgent}\r\n`), heads[0]);
  if (NATIVE) assert.ok(head.includes(`user-agent: ${client.userAgent}\r\n`), heads[0]);
  assert.ok(!head.includes('callwaitingai-rust'), heads[0]);
});

test('a typed answer comes as the server sent it: its key order, fields a newer server adds, what the message says', async (t) => {
  const body =
    '{"updatedAt":"2026-01-01T00:00:00Z","id":"lead_1","name":"Ada \\u00e9\\"q\\"","email":null,"phone":null,"company":null,' +
    '"source":"web","status":"a_status_from_the_future","notes":null,"tags":["x"],"createdAt":"2026-01-01T00:00:00Z",' +
    '"score":1.50,"nested":{"z":1,"a":[1,{"b":null}]}}';
  const { url } = await rawServer(t, (sock) =>
    sock.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
  );
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  const lead = await client.leads.retrieve('lead_1');
  assert.deepEqual(lead, JSON.parse(body));
  assert.deepEqual(Object.keys(lead), Object.keys(JSON.parse(body)));
  assert.equal(lead.name, 'Ada é"q"');
});

test('a base URL is checked before any request: http(s), absolute, no query or fragment; its password never shown', () => {
  for (const bad of ['ftp://example.com', 'not a url', '/api/v1', 'http://example.com/?', 'http://example.com/#top', 'http://example.com/?a=1']) {
    assert.throws(() => new CallWaitingAI({ apiKey: KEY, baseURL: bad }), sdk.InvalidRequestError, bad);
  }
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: 'https://u:s3cret@example.com:8443/proxy/' });
  assert.equal(client.baseURL, 'https://u:s3cret@example.com:8443/proxy/api/v1');
  assert.ok(String(client).includes('https://u:%5Bredacted%5D@example.com:8443/proxy/api/v1'), String(client));
  assert.ok(!String(client).includes('s3cret'));
});

test('toString never shows a password in the base URL', () => {
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: 'http://user:hunter2@127.0.0.1:9' });
  assert.ok(!String(client).includes('hunter2'), String(client));
  assert.ok(!String(client).includes(KEY));
});

test('a typed answer that is not the model is an APIResponseValidationError; a raw call takes it as sent', async (t) => {
  const body = '{"foo":1}';
  const { url } = await rawServer(t, (sock) =>
    // `connection: close`: three calls, and a closed connection must not be picked from the pool.
    sock.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_bad\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`),
  );
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  const e = await client.leads.retrieve('lead_1').then(() => null, (err) => err);
  assert.ok(e instanceof sdk.APIResponseValidationError, String(e));
  assert.ok(e instanceof APIError);
  assert.equal(e.kind, 'decode');
  assert.equal(e.status, 200);
  assert.equal(e.requestId, 'req_bad');
  assert.match(e.message, /Lead/);
  const pageError = await client.leads.list().then(() => null, (err) => err);
  assert.ok(pageError instanceof sdk.APIResponseValidationError, String(pageError));
  assert.deepEqual(await client.request('leads.retrieve', ['lead_1']), { foo: 1 });
});

/** A node:http server on 127.0.0.1:0 answering with `handle(req, body, res)`; requests kept. */
async function httpServer(t, handle) {
  const http = await import('node:http');
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handle(req, body, res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  return { url: `http://127.0.0.1:${server.address().port}`, seen };
}

const json = (res, value, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

test('redirects are followed as fetch follows them: a 303 becomes a GET, a 307 keeps the POST, another origin never sees the key', async (t) => {
  const other = await httpServer(t, (req, _body, res) => json(res, { id: 'lead_2', at: 'other' }));
  const { url, seen } = await httpServer(t, (req, body, res) => {
    if (req.url === '/api/v1/leads' && req.method === 'POST' && JSON.parse(body).name === 'See other') {
      return res.writeHead(303, { location: '/api/v1/leads/lead_1' }).end();
    }
    if (req.url === '/api/v1/leads' && req.method === 'POST') return res.writeHead(307, { location: '/api/v1/moved' }).end();
    if (req.url === '/api/v1/moved') return json(res, { method: req.method, body: JSON.parse(body) }, 201);
    if (req.url === '/api/v1/leads/lead_2') return res.writeHead(302, { location: `${other.url}/elsewhere/lead_2` }).end();
    json(res, { id: 'lead_1', method: req.method });
  });
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  assert.deepEqual(await client.request('leads.create', [], { body: { name: 'See other' } }), { id: 'lead_1', method: 'GET' });
  assert.equal(seen[1].body, '');
  assert.equal(seen[1].headers.authorization, `Bearer ${KEY}`, 'the same origin keeps the key');
  assert.deepEqual(await client.request('leads.create', [], { body: { name: 'Kept' } }), { method: 'POST', body: { name: 'Kept' } });
  assert.deepEqual(await client.request('leads.retrieve', ['lead_2']), { id: 'lead_2', at: 'other' });
  assert.equal(other.seen.length, 1);
  assert.equal(other.seen[0].headers.authorization, undefined, 'the key went to another origin');
});

test('a compressed answer is decoded, for each coding the package asks for', async (t) => {
  const zlib = await import('node:zlib');
  const lead = { id: 'lead_1', name: 'Zipped '.repeat(200) };
  const codings = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };
  const { url, seen } = await httpServer(t, (req, _body, res) => {
    const coding = req.url.split('/').pop();
    const asked = (req.headers['accept-encoding'] ?? '').split(',').map((c) => c.trim());
    if (!asked.includes(coding)) return json(res, lead);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding }).end(codings[coding](JSON.stringify(lead)));
  });
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  for (const coding of Object.keys(codings)) {
    assert.deepEqual(await client.request('leads.retrieve', [coding]), lead, coding);
  }
  // Node's fetch asks for gzip and deflate; so does @callwaitingai/web's transport in Node.
  if (!NATIVE) assert.match(seen[0].headers['accept-encoding'], /gzip/);
});

test('an answer cut short (the connection closes before its declared end) is a connection error, retried', async (t) => {
  const { url, heads } = await rawServer(t, (sock) => {
    sock.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"id":"lead_1"');
  });
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 1 });
  const e = await client.leads.retrieve('lead_1').then(() => null, (err) => err);
  assert.ok(e instanceof sdk.APIConnectionError, String(e));
  assert.equal(heads.length, 2, 'sent once and retried once');
});

test(
  'HTTPS: a server the runtime trusts answers over one kept-alive connection; one it does not is a connection error naming the certificate',
  // reqwest (rustls) trusts the platform's roots, not NODE_EXTRA_CA_CERTS.
  { skip: NATIVE && '@callwaitingai/sdk does not read NODE_EXTRA_CA_CERTS', timeout: 30_000 },
  async (t) => {
    const https = await import('node:https');
    const fs = await import('node:fs');
    const { execFile } = await import('node:child_process');
    const tls = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'test-support', 'tls');
    const cert = path.join(tls, 'localhost.crt');
    let connections = 0;
    const server = https.createServer({ key: fs.readFileSync(path.join(tls, 'localhost.key')), cert: fs.readFileSync(cert) }, (req, res) =>
      json(res, { id: req.url.split('/').pop() }),
    );
    server.on('secureConnection', () => connections++);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }));
    const script = `
      const sdk = await import(${JSON.stringify(pathToFileURL(path.resolve(process.env.CALLWAITINGAI_SDK_ENTRY)).href)});
      const client = new sdk.CallWaitingAI({ apiKey: ${JSON.stringify(KEY)}, baseURL: 'https://localhost:${server.address().port}', maxRetries: 0 });
      const out = [];
      for (const id of ['lead_1', 'lead_2', 'lead_3']) {
        out.push(await client.request('leads.retrieve', [id]).then((r) => r.id, (e) => e.constructor.name + ': ' + e.message));
      }
      console.log(JSON.stringify(out));
    `;
    const run = (env) =>
      new Promise((resolve, reject) =>
        execFile(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env } }, (err, out, stderr) =>
          err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(out)),
        ),
      );
    assert.deepEqual(await run({ NODE_EXTRA_CA_CERTS: cert }), ['lead_1', 'lead_2', 'lead_3']);
    assert.equal(connections, 1, 'three calls, one connection');
    const untrusted = await run({ NODE_EXTRA_CA_CERTS: '' });
    for (const failure of untrusted) assert.match(failure, /^APIConnectionError: .*certificate/);
  },
);

test(
  "a fetch put in globalThis's place after the package loaded (a stub, a mock, an instrumented fetch) receives the package's requests",
  { skip: NATIVE && '@callwaitingai/sdk sends with reqwest, never through fetch' },
  async (t) => {
    const { url } = await httpServer(t, (req, _body, res) => json(res, { id: req.url.split('/').pop() }));
    const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
    assert.deepEqual(await client.request('leads.retrieve', ['lead_1']), { id: 'lead_1' });
    const runtime = globalThis.fetch;
    const seen = [];
    globalThis.fetch = (input, init) => {
      seen.push(String(input));
      return runtime(input, init);
    };
    try {
      assert.deepEqual(await client.request('leads.retrieve', ['lead_2']), { id: 'lead_2' });
      assert.deepEqual(await client.leads.list().then((page) => page.data, (e) => e.constructor.name), 'APIResponseValidationError');
    } finally {
      globalThis.fetch = runtime;
    }
    assert.deepEqual(seen, [`${url}/api/v1/leads/lead_2`, `${url}/api/v1/leads`]);
  },
);

test('a server that hands out a cursor twice stops the walk with an error, not a loop; pages after an empty one are still walked', async (t) => {
  const lead = (id) => ({ id, name: 'Ada', email: null, phone: null, company: null, source: 'api', status: 'new', notes: null, tags: [], createdAt: '2026-11-27T00:00:00Z', updatedAt: '2026-11-27T00:00:00Z' });
  const pages = {
    '': { data: [lead('lead_1')], hasMore: true, nextCursor: 'c_1' },
    c_1: { data: [], hasMore: true, nextCursor: 'c_2' },
    c_2: { data: [lead('lead_2')], hasMore: true, nextCursor: 'c_1' },
  };
  const { url, seen } = await httpServer(t, (req, _body, res) => json(res, pages[new URL(req.url, 'http://x').searchParams.get('cursor') ?? '']));
  const client = new CallWaitingAI({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  const walked = [];
  const e = await (async () => {
    for await (const l of client.leads.list({ limit: 1 })) walked.push(l.id);
  })().then(() => null, (err) => err);
  assert.deepEqual(walked, ['lead_1', 'lead_2']);
  assert.ok(e instanceof sdk.APIResponseValidationError, String(e));
  assert.match(e.message, /repeated the cursor "c_1"/);
  assert.equal(seen.length, 3, 'no page asked for twice');
  // Page by page, a page whose cursor was seen before is still fetched when asked for.
  const first = await client.leads.list({ limit: 1 });
  const third = await (await first.nextPage()).nextPage();
  assert.deepEqual(third.data.map((l) => l.id), ['lead_2']);
  assert.equal((await third.nextPage()).nextCursor, 'c_2');
});
