// The packed package installs into a fresh project and loads as ESM and as CommonJS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('npm pack, npm install, import and require', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cwai-pack-'));
  try {
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n').pop();
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(tmp, tarball)], { cwd: project });
    const esm = `import CallWaitingAI, { CallWaitingAI as Named, Webhook, NotFoundError } from '@callwaitingai/sdk';
      if (CallWaitingAI !== Named || CallWaitingAI.NotFoundError !== NotFoundError) throw new Error('exports');
      const w = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
      console.log(w.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'));`;
    fs.writeFileSync(path.join(project, 'esm.mjs'), esm);
    assert.equal(execFileSync('node', ['esm.mjs'], { cwd: project, encoding: 'utf8' }).trim(), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const cjs = `const CallWaitingAI = require('@callwaitingai/sdk');
      const { Webhook, verifyWebhook } = require('@callwaitingai/sdk');
      if (typeof CallWaitingAI !== 'function' || typeof verifyWebhook !== 'function') throw new Error('exports');
      const c = new CallWaitingAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9' });
      console.log(typeof c.leads.list, typeof new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify);`;
    fs.writeFileSync(path.join(project, 'cjs.cjs'), cjs);
    assert.equal(execFileSync('node', ['cjs.cjs'], { cwd: project, encoding: 'utf8' }).trim(), 'function function');
    assert.ok(fs.existsSync(path.join(project, 'node_modules/@callwaitingai/sdk/index.d.ts')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Writes `files` into `dir` and type-checks them with the package's TypeScript and `options`. */
function tsc(dir, options, files) {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const config = { compilerOptions: { strict: true, noEmit: true, types: [], lib: ['es2022', 'dom'], ...options }, files: Object.keys(files) };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
  execFileSync(path.join(pkgDir, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' });
}

test('the types are right in every module mode (attw, and tsc as users compile)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cwai-types-'));
  try {
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n').pop();
    // @arethetypeswrong/cli: every resolution mode (node10, node16 from CJS and ESM, bundler).
    execFileSync(path.join(pkgDir, 'node_modules', '.bin', 'attw'), [path.join(tmp, tarball), '--format', 'ascii'], { encoding: 'utf8' });
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(tmp, tarball)], { cwd: project });
    const required = `import CallWaitingAI = require('@callwaitingai/sdk');
      const client = new CallWaitingAI({ apiKey: 'cw_test', baseURL: 'http://127.0.0.1:9' });
      const lead: Promise<CallWaitingAI.Lead> = client.leads.retrieve('lead_1');
      const { Webhook, NotFoundError } = CallWaitingAI;
      const isNotFound = (e: unknown): e is CallWaitingAI.NotFoundError => e instanceof NotFoundError;
      const same: typeof CallWaitingAI = CallWaitingAI.default;
      void lead; void new Webhook('whsec_x'); void isNotFound; void same;\n`;
    const imported = `import CallWaitingAI, { Webhook, NotFoundError, type Lead } from '@callwaitingai/sdk';
      const lead: Promise<Lead> = new CallWaitingAI({ apiKey: 'cw_test' }).leads.retrieve('lead_1');
      void lead; void new Webhook('whsec_x'); void (CallWaitingAI.NotFoundError === NotFoundError);\n`;
    tsc(project, { module: 'node16', moduleResolution: 'node16' }, { 'req.cts': required, 'esm.mts': imported });
    tsc(project, { module: 'commonjs', moduleResolution: 'node10' }, { 'req.ts': required });
    tsc(project, { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }, { 'interop.ts': imported });
    tsc(project, { module: 'esnext', moduleResolution: 'bundler' }, { 'bundled.ts': imported });
    // Inputs are typed strictly: an enum value that does not exist does not compile.
    const typo = `import CallWaitingAI from '@callwaitingai/sdk';
      void new CallWaitingAI({ apiKey: 'cw_test' }).leads.create({ name: 'Ada', status: 'qualifed' });\n`;
    assert.throws(() => tsc(project, { module: 'esnext', moduleResolution: 'bundler' }, { 'typo.ts': typo }), (e) => /error TS\d+/.test(String(e.stdout)) && /qualifed/.test(String(e.stdout)));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
