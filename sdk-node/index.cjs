'use strict';
// CommonJS entry: `const CallWaitingAI = require('@callwaitingai/sdk')`, with every named export
// on it too (`const { Webhook } = require('@callwaitingai/sdk')`).
const native = loadNative();
const createSdk = require('./lib/client.cjs');

const sdk = createSdk(native, (name) => process.env[name], `node/${process.versions.node}`);

module.exports = sdk.CallWaitingAI;
Object.assign(module.exports, sdk, { default: sdk.CallWaitingAI });

/** The napi module for this platform, or an error that names the platform and the fix. */
function loadNative() {
  try {
    return require('./native.cjs');
  } catch (e) {
    const { platform, arch } = process;
    let libc = '';
    if (platform === 'linux') {
      const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
      libc = report && report.header && report.header.glibcVersionRuntime ? '-gnu' : '-musl';
    }
    const name = `${platform}-${arch}${libc}${platform === 'win32' ? '-msvc' : ''}`;
    throw new Error(
      `@callwaitingai/sdk has no native module for this platform (${name}): the package ` +
        `@callwaitingai/sdk-${name} is not installed, or does not exist for it. Reinstall with optional ` +
        'dependencies (`npm install --include=optional @callwaitingai/sdk`; delete node_modules and the lockfile ' +
        'first if they came from another platform), or use @callwaitingai/web, the same API in WebAssembly, ' +
        'which runs anywhere Node 18 does.',
      { cause: e },
    );
  }
}
