// The built package as users install it: `npm pack` of pkg/, installed into a scratch project,
// imported by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { PKG } from './support.mjs';

test('npm pack, npm install, import by name', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-web-'));
  try {
    const tarball = execFileSync('npm', ['pack', PKG, '--pack-destination', dir, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"scratch","private":true,"type":"module"}');
    execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', path.join(dir, tarball)], { cwd: dir });
    const script = `
      import CallWaitingAI, { CallWaitingAI as Named, NotFoundError, Webhook, verifyWebhook, metaSubscriptionChallenge } from '@callwaitingai/web';
      if (CallWaitingAI !== Named) throw new Error('the default export is not the client class');
      if (CallWaitingAI.NotFoundError !== NotFoundError) throw new Error('errors are not on the class');
      const c = new CallWaitingAI({ apiKey: 'cw_test_x', baseURL: 'http://bücher.example:8080/' });
      console.log(JSON.stringify({ baseURL: c.baseURL, shown: String(c), hook: String(new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')), fns: [typeof verifyWebhook, typeof metaSubscriptionChallenge] }));
    `;
    const out = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' }));
    // International host names reach the core as punycode, via the platform's URL parser.
    assert.equal(out.baseURL, 'http://xn--bcher-kva.example:8080/api/v1');
    assert.ok(!out.shown.includes('cw_test_x'));
    assert.ok(!out.hook.includes('MfKQ'));
    assert.deepEqual(out.fns, ['function', 'function']);
    const files = fs.readdirSync(path.join(dir, 'node_modules', '@callwaitingai', 'web')).sort();
    assert.deepEqual(files, ['browser.js', 'callwaitingai_wasm.js', 'callwaitingai_wasm_bg.wasm', 'callwaitingai_wasm_browser.js', 'callwaitingai_wasm_inline.js', 'client.js', 'index.d.ts', 'index.js', 'node_http.js', 'package.json', 'workerd.js']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing key or a bad base URL is a typed error before any request', async () => {
  const { CallWaitingAI, InvalidRequestError } = await import(new URL('../pkg/index.js', import.meta.url).href);
  assert.throws(() => new CallWaitingAI({ apiKey: 'k', baseURL: 'ftp://example.com' }), InvalidRequestError);
  const saved = process.env.CALLWAITINGAI_API_KEY;
  delete process.env.CALLWAITINGAI_API_KEY;
  try {
    assert.throws(() => new CallWaitingAI({ baseURL: 'http://127.0.0.1:9' }), (e) => e instanceof InvalidRequestError && /API key/.test(e.message));
  } finally {
    if (saved !== undefined) process.env.CALLWAITINGAI_API_KEY = saved;
  }
});
