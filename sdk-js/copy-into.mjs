// Copies the shared JS layer and the generated types into a package folder (run by sdk-node's
// `npm run build`): <dir>/lib/client.cjs, <dir>/index.d.ts, <dir>/index.d.mts. The copies are
// build outputs (git ignores them); edit the files in sdk-js.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(process.argv[2] ?? '.');
mkdirSync(join(dir, 'lib'), { recursive: true });
copyFileSync(join(here, 'client.cjs'), join(dir, 'lib', 'client.cjs'));
for (const types of ['index.d.ts', 'index.d.mts']) copyFileSync(join(here, types), join(dir, types));
