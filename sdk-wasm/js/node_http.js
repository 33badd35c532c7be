// @callwaitingai/web's transport in Node: the core's attempts go out through Node's own HTTP
// client (`node:http`, `node:https`) instead of its `fetch`, which costs about a hundred
// microseconds more per request (BENCHMARKS.md, "round trip"). index.js puts it in the place of
// the core's fetch helper in Node only (not Deno, Bun or workerd, whose `fetch` is their own).
//
// It answers as that helper does (sdk-core/src/transport.rs): `[status, head, bytes | null]`,
// every header as one `name:value` line, the whole body, or `null` for a body over `maxBytes`
// (declared, or read after decoding: the rest is never read); it rejects when the request
// fails. And it behaves as `fetch` does where the core relies on it: connections kept alive
// and reused, gzip/deflate/br bodies decoded, redirects followed (at most 20; 303, and a POST
// after 301/302, become a GET without body; credentials dropped for another origin), the
// attempt ended when its controller aborts (the caller's signal, the core's timeout).
// Everything else (retries, waits, limits, errors) is the core's.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

// As Node's global agents since Node 19 (keep-alive; an idle socket closed after 5 s, before a
// server's usual idle timeout); idle sockets do not keep the process alive.
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 }),
};
const MAX_REDIRECTS = 20;
// What fetch drops from a request redirected to another origin.
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'cookie']);

// A `fetch` put in place of Node's after the package loaded (a test's stub, a mock server, an
// instrumented fetch) is taken at its word: the attempts go to it, not around it.
const loadedFetch = globalThis.fetch;

/** The core's fetch helper's contract, on `node:http`; `undefined` (the attempt left to
 * `fetch`) when `globalThis.fetch` has been replaced since the package loaded. */
export function send(url, method, headers, body, controller, maxBytes) {
  if (globalThis.fetch !== loadedFetch) return undefined;
  const outgoing = {};
  for (const [name, value] of headers) outgoing[name.toLowerCase()] = value;
  if (outgoing['accept-encoding'] === undefined) outgoing['accept-encoding'] = 'gzip, deflate, br';
  return new Promise((resolve, reject) => {
    const signal = controller.signal;
    let request = null;
    let stream = null;
    const onAbort = () => {
      request?.destroy();
      stream?.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const failed = (error) => {
      signal.removeEventListener('abort', onAbort);
      request?.destroy();
      stream?.destroy();
      reject(error);
    };

    const attempt = (target, method, outgoing, body, redirects) => {
      const agent = agents[target.protocol];
      if (agent === undefined) return failed(new TypeError(`cannot send a request to a ${target.protocol} URL`));
      const options = {
        protocol: target.protocol,
        hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers: outgoing,
        agent,
      };
      try {
        request = (target.protocol === 'https:' ? https : http).request(options);
      } catch (e) {
        return failed(e);
      }
      request.on('error', failed);
      request.on('response', (res) => {
        const status = res.statusCode;
        const location = res.headers.location;
        if (location !== undefined && [301, 302, 303, 307, 308].includes(status)) {
          res.resume();
          if (redirects === MAX_REDIRECTS) return failed(new Error('redirect count exceeded'));
          let next;
          try {
            next = new URL(location, target);
          } catch (e) {
            return failed(e);
          }
          const headers = { ...outgoing };
          if (next.origin !== target.origin) for (const name of CREDENTIALS) delete headers[name];
          if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
            delete headers['content-type'];
            delete headers['content-length'];
            return attempt(next, 'GET', headers, undefined, redirects + 1);
          }
          return attempt(next, method, headers, body, redirects + 1);
        }
        read(res, status);
      });
      request.end(body);
    };

    const read = (res, status) => {
      let head = '';
      const raw = res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) head += raw[i].toLowerCase() + ':' + raw[i + 1] + '\n';
      const declared = res.headers['content-length'];
      if (declared !== undefined && /^[0-9]{1,15}$/.test(declared) && Number(declared) > maxBytes) {
        res.destroy();
        return done([status, head, null]);
      }
      stream = decoded(res);
      const chunks = [];
      let size = 0;
      stream.on('data', (chunk) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          stream.destroy();
          return done([status, head, null]);
        }
        chunks.push(chunk);
      });
      stream.on('error', failed);
      // A response cut short (the connection closed before its end) is a failure, as in fetch.
      res.on('close', () => {
        if (!res.complete) failed(new Error('other side closed: the connection ended before the response did'));
      });
      stream.on('end', () => {
        const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        done([status, head, new Uint8Array(whole.buffer, whole.byteOffset, whole.length)]);
      });
    };

    attempt(new URL(url), method, outgoing, body, 0);
  });
}

/** The body decoded as its Content-Encoding says (the last coding applied first); a coding
 * this does not know leaves the body as sent, as fetch does. */
function decoded(res) {
  const codings = (res.headers['content-encoding'] ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  // Lenient on a truncated stream's end, as fetch is.
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoders = [];
  for (const coding of codings) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(() => zlib.createGunzip(lenient));
    else if (coding === 'deflate') decoders.push(() => zlib.createInflate(lenient));
    else if (coding === 'br') {
      decoders.push(() =>
        zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
      );
    } else return res;
  }
  let stream = res;
  for (const make of decoders) {
    const decoder = make();
    stream.on('error', (e) => decoder.destroy(e));
    stream = stream.pipe(decoder);
  }
  return stream;
}
