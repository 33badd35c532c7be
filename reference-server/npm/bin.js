#!/usr/bin/env node
'use strict';
// `npx callwaitingai-server --demo`: runs the platform binary with the given flags.
const { spawnSync } = require('node:child_process');
const { binaryPath } = require('./index.js');

let bin;
try {
  bin = binaryPath();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
