// Bun (npm's `bun`): the package loads, verifies a signed webhook synchronously and calls the
// reference server (create and list a lead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { HERE, KEY, startServer } from './support.mjs';

test('under Bun: verify a webhook, create and list a lead', { timeout: 120_000 }, async (t) => {
  const api = await startServer(t);
  const { stdout } = await promisify(execFile)(path.join(HERE, 'node_modules', '.bin', 'bun'), ['run', path.join(HERE, 'test', 'bun-smoke.mjs')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CALLWAITINGAI_API_KEY: KEY, CALLWAITINGAI_BASE_URL: api, BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' },
  });
  assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()), {
    runtime: 'bun',
    event: 'webhook.test',
    created: 'From Bun',
    listed: ['From Bun'],
  });
});
