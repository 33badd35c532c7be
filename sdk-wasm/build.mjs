// Builds @callwaitingai/web into ./pkg:
//   1. the crate for wasm32-unknown-unknown (profile wasm-release: opt-level "z", fat LTO),
//   2. wasm-bindgen (the CLI at the exact version of the wasm-bindgen crate in Cargo.lock,
//      installed from crates.io when missing),
//   3. wasm-opt -Oz from the npm `binaryen` package (Debian's corrupts the module),
//   4. the ES module entry, the shared JS layer (sdk-js) and the TypeScript types,
// and prints the module's raw and gzipped sizes, failing above its gzipped size budget (BUDGET_GZIP).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const pkg = join(here, 'pkg');
// The module gzipped: 140.5 KiB (156.0 with lists through Rust futures, 157.3 with the stream
// bindings, 170.6 with core's float parser, 199.9 KiB with the `url` crate, 221.9 with reqwest's
// transport), plus a margin. See BENCHMARKS.md, "wasm size".
const BUDGET_GZIP = 145 * 1024;
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');

function run(cmd, args, opts = {}) {
  console.error(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'], cwd: root, ...opts });
}

function lockedVersion(name) {
  const lock = readFileSync(join(here, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${name} is not in Cargo.lock`);
  return m[1];
}

function ensureWasmBindgen() {
  const want = lockedVersion('wasm-bindgen');
  let have = '';
  try {
    have = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // not installed
  }
  if (have !== `wasm-bindgen ${want}`) {
    // Without --locked: the CLI's own lockfile pins crates that no longer build (see DEVELOPERS).
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', want]);
  }
}

ensureWasmBindgen();
run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
run('cargo', ['build', '--manifest-path', join(here, 'Cargo.toml'), '--target-dir', targetDir, '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release']);

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
const built = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', 'callwaitingai_wasm.wasm');
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', pkg, '--out-name', 'callwaitingai_wasm', built]);

// The core's fetch helper (sdk-core/src/transport.js) goes into the glue itself, its functions
// exported: js/sdk.js sends each attempt of a call with it. The core's own wasm32 transport
// imports the same file, as a wasm-bindgen snippet, when a build uses it (the package does not:
// its JavaScript drives every call); such an import is replaced by the functions inlined here,
// so that the package stays one flat folder (a CDN or a static server serving files by name
// needs nothing more), and any other snippet is an error.
{
  const gluePath = join(pkg, 'callwaitingai_wasm.js');
  let glue = readFileSync(gluePath, 'utf8');
  const source = readFileSync(join(root, 'sdk-core', 'src', 'transport.js'), 'utf8');
  const names = [...source.matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]);
  const snippet = `['"]\\./snippets/[\\w-]+/src/transport\\.js['"]`;
  // `import { a, b } from './snippets/…'`: the functions are now defined above.
  glue = glue.replace(new RegExp(`^import \\{ ([\\w, ]+) \\} from ${snippet};?\\n`, 'gm'), (_, used) => {
    for (const name of used.split(',').map((n) => n.trim())) {
      if (!names.includes(name)) throw new Error(`sdk-core/src/transport.js does not export function ${name}`);
    }
    return '';
  });
  // `import * as importN from './snippets/…'` (functions handed to the module as they are).
  glue = glue.replace(new RegExp(`^import \\* as (\\w+) from ${snippet};?\\n`, 'gm'), (_, ns) => `const ${ns} = { ${names.join(', ')} };\n`);
  if (/^import .*\.\/snippets\//m.test(glue)) throw new Error('a snippet import was not inlined');
  const inlined = source.replace(/^export function /gm, 'function ').trim();
  writeFileSync(gluePath, `${inlined}\nexport { ${names.join(', ')} };\n${glue}`);
  rmSync(join(pkg, 'snippets'), { recursive: true, force: true });
}

const wasmFile = join(pkg, 'callwaitingai_wasm_bg.wasm');
const before = statSync(wasmFile).size;
// The features rustc enables by default for wasm32-unknown-unknown.
run(join(here, 'node_modules', '.bin', 'wasm-opt'), [
  '-Oz',
  '--enable-bulk-memory',
  '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-reference-types',
  '--enable-multivalue',
  wasmFile,
  '-o',
  wasmFile,
]);

// The shared JS layer, a CommonJS function in sdk-js, wrapped as an ES module unchanged.
const layer = readFileSync(join(root, 'sdk-js', 'client.cjs'), 'utf8');
writeFileSync(
  join(pkg, 'client.js'),
  `// Built from sdk-js/client.cjs by sdk-wasm/build.mjs; edit that file, not this one.\n` +
    `const module = { exports: {} };\n${layer}\nexport default module.exports;\n`,
);
// The entry: the generated export list (js/index.js) with the wasm provider (js/sdk.js) inlined
// where it is imported.
const provider = readFileSync(join(here, 'js', 'sdk.js'), 'utf8').replace(/\nexport default sdk;\n$/, '\n');
const entry = readFileSync(join(here, 'js', 'index.js'), 'utf8');
if (!entry.includes("import sdk from './sdk.js';\n") || provider.includes('export default')) {
  throw new Error('js/index.js must import sdk from ./sdk.js, and js/sdk.js end with `export default sdk;`');
}
const index = entry.replace("import sdk from './sdk.js';\n", provider);
writeFileSync(join(pkg, 'index.js'), index);
// The `workerd` entry (Cloudflare Workers compile no WebAssembly from bytes): the same module,
// with the .wasm imported as a module and instantiated synchronously.
const init = /\/\/ <init>[^]*?\/\/ <\/init>\n/;
if (!init.test(index)) throw new Error('js/sdk.js must mark its wasm loading with // <init> … // </init>');
writeFileSync(
  join(pkg, 'workerd.js'),
  index.replace(init, "wasm.initSync({ module: wasmModule });\n").replace(
    "import initWasm, * as wasm from './callwaitingai_wasm.js';\n",
    "import * as wasm from './callwaitingai_wasm.js';\nimport wasmModule from './callwaitingai_wasm_bg.wasm';\n",
  ),
);
// The `browser` entry, for bundlers (Vite, webpack, esbuild) with their default configuration:
// no top-level await (esbuild's default iife output and older targets refuse it), no
// `import.meta` (empty in an iife), no `node:` import (webpack refuses the scheme), no asset to
// locate: the module's bytes inline (base64), compiled synchronously when the bundle runs, so
// that webhook verification works at once, as with the other entries.
const glue = readFileSync(join(pkg, 'callwaitingai_wasm.js'), 'utf8');
const defaultPath = "module_or_path = new URL('callwaitingai_wasm_bg.wasm', import.meta.url);";
if (!glue.includes(defaultPath)) throw new Error("wasm-bindgen's glue no longer locates the .wasm as expected");
writeFileSync(
  join(pkg, 'callwaitingai_wasm_browser.js'),
  glue.replace(defaultPath, "throw new Error('@callwaitingai/web (browser entry): the module is inline; use initSync');"),
);
writeFileSync(
  join(pkg, 'callwaitingai_wasm_inline.js'),
  `// callwaitingai_wasm_bg.wasm in base64, for the browser entry (browser.js).\nexport default '${readFileSync(wasmFile).toString('base64')}';\n`,
);
const decode = `/** The inline module's bytes. */
function inlineWasm() {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(wasmBase64);
  const text = atob(wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
wasm.initSync({ module: inlineWasm() });
`;
writeFileSync(
  join(pkg, 'browser.js'),
  index.replace(init, decode).replace(
    "import initWasm, * as wasm from './callwaitingai_wasm.js';\n",
    "import * as wasm from './callwaitingai_wasm_browser.js';\nimport wasmBase64 from './callwaitingai_wasm_inline.js';\n",
  ),
);
copyFileSync(join(root, 'sdk-js', 'index.d.ts'), join(pkg, 'index.d.ts'));
copyFileSync(join(here, 'js', 'node_http.js'), join(pkg, 'node_http.js'));

const version = JSON.parse(readFileSync(join(root, 'sdk-node', 'package.json'), 'utf8')).version;
const manifest = {
  name: '@callwaitingai/web',
  version,
  description: 'Official CallWaitingAI SDK for browsers, Deno, edge functions and Node >= 18: typed client and webhook verification, on a Rust core compiled to WebAssembly.',
  license: 'MIT OR Apache-2.0',
  type: 'module',
  main: './index.js',
  types: './index.d.ts',
  // The first condition that matches wins: workerd (wrangler asks for workerd, worker and
  // browser), then bundlers (browser), then everything else (Node, Deno, Bun, a plain module
  // script with an import map).
  exports: { '.': { types: './index.d.ts', workerd: './workerd.js', browser: './browser.js', default: './index.js' } },
  files: [
    'index.js',
    'node_http.js',
    'workerd.js',
    'browser.js',
    'index.d.ts',
    'client.js',
    'callwaitingai_wasm.js',
    'callwaitingai_wasm_browser.js',
    'callwaitingai_wasm_inline.js',
    'callwaitingai_wasm_bg.wasm',
  ],
  sideEffects: true,
  engines: { node: '>=18' },
};
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const bytes = readFileSync(wasmFile);
const gz = gzipSync(bytes, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `callwaitingai_wasm_bg.wasm: ${kib(bytes.length)} raw (${kib(before)} before wasm-opt), ${kib(gz)} gzipped (budget ${kib(BUDGET_GZIP)})`,
);
if (gz > BUDGET_GZIP) {
  console.error(`the module is over its size budget by ${kib(gz - BUDGET_GZIP)}`);
  process.exit(1);
}
