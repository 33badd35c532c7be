// Webhook verification speed: @callwaitingai/sdk vs the `standardwebhooks` npm package and
// hand-written node:crypto code, on the same 1 KiB body, in the same run.
// Run: cd sdk-node && npm install && npm run build && node bench/verify.mjs
import crypto from 'node:crypto';
import { Webhook as Ours } from '../index.mjs';
import { Webhook as Peer } from 'standardwebhooks';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ type: 'lead.created', data: { notes: 'x'.repeat(960) } });
const ts = Math.floor(Date.now() / 1000);
const ours = new Ours(secret);
const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': ours.sign('msg_1', ts, body) };
const peer = new Peer(secret);
const key = Buffer.from(secret.slice(6), 'base64');

function handWritten(payload, h) {
  const expected = crypto.createHmac('sha256', key).update(`${h['webhook-id']}.${h['webhook-timestamp']}.${payload}`).digest();
  for (const entry of h['webhook-signature'].split(' ')) {
    const [v, sig] = entry.split(',');
    if (v !== 'v1') continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return JSON.parse(payload);
  }
  throw new Error('invalid signature');
}

/** Best time per call of each function, measured in interleaved rounds so that drift in the
 * machine's load affects every contender alike. */
function interleaved(fns, rounds = 11, n = 20000) {
  const best = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      best[k] = Math.min(best[k], Number(process.hrtime.bigint() - t) / n);
    });
  }
  return best;
}

const a = ours.verify(body, headers);
const b = peer.verify(body, headers);
if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('different results');
const [tOurs, tPeer, tHand] = interleaved([
  () => ours.verify(body, headers),
  () => peer.verify(body, headers),
  () => handWritten(body, headers),
]);
console.log(`webhook verify, 1 KiB body: @callwaitingai/sdk ${(tOurs / 1000).toFixed(1)} µs, standardwebhooks ${(tPeer / 1000).toFixed(1)} µs -> ${(tPeer / tOurs).toFixed(1)}x faster; hand-written node:crypto ${(tHand / 1000).toFixed(1)} µs -> ${(tHand / tOurs).toFixed(2)}x`);
