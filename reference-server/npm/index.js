'use strict';
// @callwaitingai/server: the reference server binary (from the platform package npm installed,
// @callwaitingai/server-<platform>) and startReferenceServer() to run it in tests.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');
const readline = require('node:readline');

const BINARY = process.platform === 'win32' ? 'callwaitingai-server.exe' : 'callwaitingai-server';

/** `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`: napi-rs's platform names. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    const glibc = report && report.header && report.header.glibcVersionRuntime;
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** The path of the reference server binary: `binary`, `CALLWAITINGAI_SERVER_BIN`, or the platform package's. */
function binaryPath(binary) {
  const given = binary || process.env.CALLWAITINGAI_SERVER_BIN;
  if (given) {
    if (!existsSync(given)) throw new Error(`no reference server binary at ${given}`);
    return given;
  }
  const pkg = `@callwaitingai/server-${platformName()}`;
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), BINARY);
  } catch {
    throw new Error(
      `@callwaitingai/server has no binary for this platform (${platformName()}): the package ${pkg} is not installed. ` +
        'Reinstall with optional dependencies (`npm install --include=optional @callwaitingai/server`), ' +
        'or set CALLWAITINGAI_SERVER_BIN to a callwaitingai-server binary (`cargo install callwaitingai-server`).',
    );
  }
}

function duration(name, value) {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be milliseconds (a number >= 0) or a string like '200ms'`);
  }
  return `${Math.round(value)}ms`;
}

function flags(o) {
  const args = [];
  if (o.faultRate !== undefined) args.push('--fault-rate', String(o.faultRate));
  if (o.faultSeed !== undefined) args.push('--fault-seed', String(o.faultSeed));
  if (o.latency !== undefined) args.push('--latency', duration('latency', o.latency));
  if (o.rateLimit !== undefined) args.push('--rate-limit', typeof o.rateLimit === 'string' ? o.rateLimit : `${o.rateLimit}/min`);
  if (o.webhookRetryDelays !== undefined) {
    const d = o.webhookRetryDelays;
    args.push('--webhook-retry-delays', Array.isArray(d) ? d.map((x) => duration('webhookRetryDelays', x)).join(',') : String(d));
  }
  if (o.demo) args.push('--demo');
  return args.concat(o.args || []);
}

/**
 * Starts a reference server on a free loopback port, in memory, with a fresh API key.
 * Resolves to `{ url, apiKey, stop() }` once it listens; `stop()` resolves when it has exited.
 */
function startReferenceServer(options = {}) {
  return new Promise((resolve, reject) => {
    let bin;
    let args;
    try {
      bin = binaryPath(options.binary);
      args = flags(options);
    } catch (e) {
      reject(e);
      return;
    }
    const key = `cw_test_${randomBytes(16).toString('hex')}`;
    const child = spawn(bin, ['--addr', '127.0.0.1:0', '--memory', '--bootstrap-key', `test=${key}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise((done) => child.once('exit', done));
    const lines = readline.createInterface({ input: child.stdout });
    let url;
    const server = {
      url: '',
      apiKey: key,
      logs: () => stderr,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
    child.once('error', (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
    child.once('exit', (code) => {
      if (!url) reject(new Error(`the reference server did not start (exit status ${code}): ${stderr.trim() || 'no output'}`));
    });
    lines.on('line', (line) => {
      if (!url && line.startsWith('listening on ')) {
        url = line.slice('listening on '.length).trim();
        server.url = url;
        if (!options.demo) resolve(server);
      } else if (url && options.demo && line.startsWith('demo organisation API key:')) {
        server.apiKey = line.split(' ').pop();
        resolve(server);
      }
    });
  });
}

exports.startReferenceServer = startReferenceServer;
exports.binaryPath = binaryPath;
