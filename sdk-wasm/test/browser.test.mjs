// Headless Chromium (Debian's, driven by playwright-core): the browser quickstart page loads
// the package with a plain module script, talks to the reference server on another origin
// (CORS), and the page verifies the shared webhook vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { KEY, PKG, ROOT, VECTORS, launch, serveStatic, startServer } from './support.mjs';

test('the browser quickstart: a module script, CORS, create and list', { timeout: 120_000 }, async (t) => {
  const site = await serveStatic(t, { '/pkg/': PKG, '/': path.join(ROOT, 'examples', 'browser') });
  const api = await startServer(t, ['--cors-origin', site, '--bootstrap-user', 'acme=owner@acme.example:hunter2!']);
  // The page gets an access token, as a backend would hand one out after login.
  const { CallWaitingAI } = await import(new URL('../pkg/index.js', import.meta.url).href);
  const server = new CallWaitingAI({ apiKey: KEY, baseURL: api });
  const { accessToken } = await server.auth.login({ email: 'owner@acme.example', password: 'hunter2!' });
  await server.leads.create({ name: 'Grace, from the phone' });

  const { page, logs } = await launch(t);
  await page.goto(`${site}/?${new URLSearchParams({ baseURL: api, token: accessToken })}`);
  await page.waitForFunction(() => window.quickstart, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.quickstart);
  assert.equal(result.ok, true, `${JSON.stringify(result)}\n${logs.join('\n')}`);
  const items = await page.locator('#leads li').allTextContents();
  assert.deepEqual(items.sort(), ['Ada from the website (new)', 'Grace, from the phone (new)']);
  assert.equal((await server.leads.retrieve(result.created)).source, 'web');

  // Errors cross into the page as the package's classes, with the server's request id (an
  // exposed CORS header).
  const failure = await page.evaluate(async ({ api, token }) => {
    const { CallWaitingAI, NotFoundError } = await import('/pkg/index.js');
    const e = await new CallWaitingAI({ apiKey: token, baseURL: api }).leads.retrieve('lead_missing').catch((e) => e);
    return { notFound: e instanceof NotFoundError, status: e.status, code: e.code, requestId: e.requestId };
  }, { api, token: accessToken });
  assert.equal(failure.notFound, true);
  assert.equal(failure.status, 404);
  assert.equal(failure.code, 'NOT_FOUND');
  assert.match(failure.requestId, /^req_/);

  // Another origin is refused by CORS: the browser reports a connection error, not a 4xx.
  const other = await serveStatic(t, { '/pkg/': PKG, '/': path.join(ROOT, 'examples', 'browser') });
  const blocked = await (await launch(t)).page.goto(`${other}/?${new URLSearchParams({ baseURL: api, token: accessToken })}`).then(async (r) => {
    const p = r.frame().page();
    await p.waitForFunction(() => window.quickstart, null, { timeout: 60_000 });
    return p.evaluate(() => window.quickstart);
  });
  assert.equal(blocked.ok, false);
  assert.match(blocked.error, /connection/i);
});

test('webhook verification in the page: the shared vectors, synchronously', { timeout: 120_000 }, async (t) => {
  const site = await serveStatic(t, { '/pkg/': PKG, '/': path.join(ROOT, 'examples', 'browser') });
  const { page } = await launch(t);
  await page.goto(`${site}/pkg/index.js`); // any page of the origin
  const out = await page.evaluate(async (vectors) => {
    const { verifyWebhook, metaSubscriptionChallenge, Webhook, WebhookVerificationError } = await import('/pkg/index.js');
    const failures = [];
    for (const c of vectors) {
      let outcome = 'ok';
      try {
        if (c.provider === 'meta-handshake') {
          if (metaSubscriptionChallenge(c.query, c.verify_token) !== c.challenge) outcome = 'wrong challenge';
        } else {
          // The vector's exact values as a plain object, and as fetch's `Headers` where that
          // keeps them (it drops surrounding whitespace, as HTTP does).
          const forms = [c.headers];
          if (Object.values(c.headers).every((v) => v === v.trim())) forms.push(new Headers(c.headers));
          const kinds = forms.map((headers) => {
            try {
              verifyWebhook({ provider: c.provider, payload: new TextEncoder().encode(c.body), headers, secret: c.secret, url: c.url, tolerance: c.tolerance ?? undefined, now: c.now ?? undefined });
              return 'ok';
            } catch (e) {
              return e instanceof WebhookVerificationError ? e.kind : `threw ${e}`;
            }
          });
          if (new Set(kinds).size > 1) throw new Error(`the header forms disagree: ${kinds}`);
          outcome = kinds[0];
        }
      } catch (e) {
        outcome = e instanceof WebhookVerificationError ? e.kind : `threw ${e}`;
      }
      if (outcome !== c.expect) failures.push(`${c.name}: expected ${c.expect}, got ${outcome}`);
    }
    const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"lead.created","data":{"id":"lead_1"}}';
    const event = wh.verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': wh.sign('msg_1', ts, body) });
    return { failures, count: vectors.length, id: event.data.id };
  }, VECTORS);
  assert.ok(out.count >= 40);
  assert.deepEqual(out.failures, []);
  assert.equal(out.id, 'lead_1');
});

test('a server started with no CORS flag admits cross-origin calls with an API key; a refused call says so and is not retried', { timeout: 120_000 }, async (t) => {
  const site = await serveStatic(t, { '/pkg/': PKG, '/': path.join(ROOT, 'examples', 'browser') });
  const open = await startServer(t);
  const { page, logs } = await launch(t);
  await page.goto(`${site}/`);
  const result = await page.evaluate(async ({ api, key }) => {
    const { CallWaitingAI } = await import('/pkg/index.js');
    const client = new CallWaitingAI({ apiKey: key, baseURL: api, maxRetries: 0 });
    const lead = await client.leads.create({ name: 'Cross-origin', source: 'web' }, { idempotencyKey: 'cors-1', headers: { 'x-app': 'test' } });
    const page = await client.leads.list({ limit: 5 });
    return { id: lead.id, listed: page.data.map((l) => l.id) };
  }, { api: open, key: KEY });
  assert.match(result.id, /^lead_/, logs.join('\n'));
  assert.ok(result.listed.includes(result.id));
  // Chromium still lets `Access-Control-Allow-Headers: *` cover Authorization, with a
  // deprecation warning; the server no longer sends it.
  assert.ok(!logs.some((l) => /wildcard|Authorization/i.test(l)), logs.join('\n'));

  // A server that allows another origin only: fetch() is refused. The error says what
  // happened, and the SDK does not spend retries (5 would take > 10 s of backoff) on it.
  const closed = await startServer(t, ['--cors-origin', 'http://elsewhere.example']);
  const refused = await page.evaluate(async ({ api, key }) => {
    const { CallWaitingAI, APIConnectionError } = await import('/pkg/index.js');
    const started = performance.now();
    const e = await new CallWaitingAI({ apiKey: key, baseURL: api, maxRetries: 5 }).leads.list().catch((e) => e);
    return { connection: e instanceof APIConnectionError, message: e.message, ms: performance.now() - started };
  }, { api: closed, key: KEY });
  assert.equal(refused.connection, true);
  assert.match(refused.message, /browser refused the request/);
  assert.match(refused.message, /CORS/);
  assert.doesNotMatch(refused.message, /JsValue|TypeError/);
  assert.ok(refused.ms < 5000, `took ${refused.ms} ms: was it retried?`);
});

test('the portal\'s code samples (examples/node/api_samples.ts) run in the page against @callwaitingai/web', { timeout: 120_000 }, async (t) => {
  // The same program CI runs in Node against @callwaitingai/sdk, its types stripped, with the
  // import mapped to this package: every operation, against a reference server, from a browser.
  const { default: ts } = await import(path.join(ROOT, 'sdk-node', 'node_modules', 'typescript', 'lib', 'typescript.js'));
  const source = fs.readFileSync(path.join(ROOT, 'examples', 'node', 'api_samples.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-samples-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'api_samples.js'), outputText);
  const api = await startServer(t, ['--bootstrap-user', 'acme=owner@example.com:correct horse battery staple']);
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "@callwaitingai/sdk": "/pkg/index.js" } }</script>
<script>globalThis.process = { env: ${JSON.stringify({ CALLWAITINGAI_API_KEY: KEY, CALLWAITINGAI_BASE_URL: api })} };</script>
<script type="module">
  import { main } from '/samples/api_samples.js';
  main().then(() => { window.done = { ok: true }; }, (e) => { window.done = { ok: false, error: String(e) }; });
</script>`);
  const site = await serveStatic(t, { '/pkg/': PKG, '/samples/': dir });
  const { page, logs } = await launch(t);
  await page.goto(`${site}/samples/`);
  await page.waitForFunction(() => window.done, null, { timeout: 60_000 });
  const done = await page.evaluate(() => window.done);
  assert.equal(done.ok, true, `${done.error}\n${logs.join('\n')}`);
  assert.ok(logs.some((l) => l.includes('Ada Lovelace')), logs.join('\n'));
});
