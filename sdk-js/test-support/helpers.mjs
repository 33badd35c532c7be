// Test helpers: the reference server binary on 127.0.0.1:0, always stopped.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KEY = 'cw_test_node_acme_0000000000000000';
export const OTHER_KEY = 'cw_test_node_globex_00000000000000';

function serverBinary() {
  if (process.env.CALLWAITINGAI_SERVER_BIN) return process.env.CALLWAITINGAI_SERVER_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
  return path.join(target, 'debug', 'callwaitingai-server');
}

export async function startServer(t, extra = []) {
  const args = ['--addr', '127.0.0.1:0', '--memory', '--bootstrap-key', `acme=${KEY}`, '--bootstrap-key', `globex=${OTHER_KEY}`, ...extra];
  if (!extra.includes('--rate-limit')) args.push('--rate-limit', '1000000/min');
  const proc = spawn(serverBinary(), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => proc.kill('SIGTERM'));
  const lines = createInterface({ input: proc.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`the reference server exited (${code})`)));
  });
  if (!first.startsWith('listening on ')) throw new Error(`unexpected: ${first}`);
  return first.slice('listening on '.length);
}
