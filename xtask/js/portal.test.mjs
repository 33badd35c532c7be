// The developer portal in headless Chromium (Debian's, driven by playwright-core), as a user
// meets it: `callwaitingai-server --demo`, then the address it prints. Every operation is in the
// sidebar, the code samples switch between the six languages, try-it creates a lead against the
// server (201), and nothing is fetched from outside the machine; then the self-contained
// target/docs/index.html, opened as a file, with the network cut the same way.
// Run by `cargo xtask docs --check`, which sets PORTAL_SERVER_BIN, PORTAL_FILE, PORTAL_SPEC and
// PORTAL_SCREENSHOT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through \`cargo xtask docs --check\`)`);
  return value;
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SPEC = JSON.parse(fs.readFileSync(env('PORTAL_SPEC'), 'utf8'));

/** Every operation's summary: the API's paths, and the webhooks (our events). */
function summaries() {
  const out = [];
  for (const section of [SPEC.paths, SPEC.webhooks]) {
    for (const item of Object.values(section)) {
      for (const op of Object.values(item)) if (op && op.operationId) out.push(op.summary);
    }
  }
  return out;
}

/** `callwaitingai-server --demo` on a free port; its printed lines. */
async function startDemo(t) {
  const proc = spawn(env('PORTAL_SERVER_BIN'), ['--addr', '127.0.0.1:0', '--memory', '--demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => proc.kill('SIGTERM'));
  const lines = createInterface({ input: proc.stdout });
  const printed = [];
  await new Promise((resolve, reject) => {
    lines.on('line', (l) => {
      printed.push(l);
      if (printed.length === 3) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`the reference server exited (${code}): ${printed.join('\n')}`)));
  });
  return printed;
}

/** A browser page that may reach only this machine: every other request is refused and noted. */
async function offlinePage(t) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-portal-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1400, height: 900 } });
  t.after(async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });
  const outside = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['data:', 'file:', 'blob:'].includes(url.protocol) || url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.href);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, outside, errors };
}

/** Opens every group of the sidebar; the sidebar's text. */
async function expandSidebar(page) {
  await page.getByRole('button', { name: /^Open Group - leads$/ }).waitFor();
  for (let round = 0; round < 5; round++) {
    const closed = page.getByRole('button', { name: /^Open Group - / });
    const n = await closed.count();
    if (n === 0) break;
    for (let i = n - 1; i >= 0; i--) await closed.nth(i).click();
  }
  return page.locator('nav, aside').first().innerText();
}

test('served by `callwaitingai-server --demo`: every operation, samples in six languages, try-it creates a lead, nothing from outside', { timeout: 180_000 }, async (t) => {
  const printed = await startDemo(t);
  const base = printed[0].replace('listening on ', '');
  const key = printed[1].replace('demo organisation API key: ', '');
  const docs = printed[2].replace('developer portal (try-it with the demo key): ', '');
  assert.equal(docs, `${base}/docs#api_key=${key}`);
  const leads = async () => (await (await fetch(`${base}/api/v1/leads?limit=100`, { headers: { authorization: `Bearer ${key}` } })).json()).data;
  const before = await leads();

  const { page, outside, errors } = await offlinePage(t);
  await page.goto(docs);
  const sidebar = await expandSidebar(page);
  assert.equal(new URL(page.url()).hash.includes('api_key'), false, 'the key is dropped from the address bar');
  const missing = summaries().filter((s) => !sidebar.includes(s));
  assert.deepEqual(missing, [], 'every operation is in the sidebar');
  for (const guide of ['Getting started', 'Authentication', 'Pagination and errors', 'Idempotency and retries', 'Webhooks', 'Testing with the reference server']) {
    assert.ok(await page.getByRole('heading', { name: guide, exact: true }).count(), `the guide ${guide}`);
  }

  // The code samples: each language's own, for the operation on screen.
  await page.getByText('Create a lead', { exact: true }).first().click();
  const section = page.locator('[id$="tag/leads/POST/leads"]');
  const marks = {
    Rust: 'LeadCreateParams::new("Ada Lovelace")',
    Python: 'client.leads.create(',
    Node: "from '@callwaitingai/sdk'",
    Browser: "from '@callwaitingai/web'",
    cURL: 'curl -X POST "$CALLWAITINGAI_BASE_URL/api/v1/leads"',
    PHP: "curl_init(getenv('CALLWAITINGAI_BASE_URL') . '/api/v1/leads')",
  };
  await section.getByTestId('client-picker').click();
  assert.deepEqual(await page.getByRole('option').allInnerTexts(), Object.keys(marks));
  await page.keyboard.press('Escape');
  for (const [label, mark] of Object.entries(marks)) {
    await section.getByTestId('client-picker').click();
    await page.getByRole('option', { name: label, exact: true }).click();
    await assert.doesNotReject(section.locator('.examples').getByText(mark, { exact: false }).first().waitFor({ timeout: 5_000 }), `${label}: ${mark}`);
  }

  // Try it: the demo key is filled in, the server is this one; the lead is created.
  await section.getByRole('button', { name: /Test Request/ }).click();
  await page.getByRole('button', { name: /^Send post request to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/leads/ }).click();
  await page.getByText('201 Created').waitFor();
  await page.waitForTimeout(800); // the response panel's fade-in, for the screenshot only
  await page.screenshot({ path: env('PORTAL_SCREENSHOT') });
  const after = await leads();
  assert.equal(after.length, before.length + 1, 'try-it created one lead');

  assert.deepEqual(outside, [], 'nothing is fetched from outside the machine');
  assert.deepEqual(errors, []);
});

test('target/docs/index.html opened as a file, offline: the reference renders with every operation', { timeout: 120_000 }, async (t) => {
  const { page, outside, errors } = await offlinePage(t);
  await page.goto(pathToFileURL(env('PORTAL_FILE')).href);
  const sidebar = await expandSidebar(page);
  assert.deepEqual(summaries().filter((s) => !sidebar.includes(s)), []);
  assert.ok(await page.getByRole('heading', { name: 'Getting started', exact: true }).count());
  assert.deepEqual(outside, [], 'nothing is fetched from outside the machine');
  assert.deepEqual(errors, []);
});
