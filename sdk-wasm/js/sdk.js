// @callwaitingai/web's native provider: loads the Rust core compiled to WebAssembly (top-level
// await) and adapts it to the native surface that the shared JS layer (./client.js, built from
// sdk-js/client.cjs) expects. The core does the work (requests through `fetch`, retries,
// idempotency keys, pagination, signatures). The build inlines this file into index.js
// (generated: the export list), so that the package stays one module plus the layer.
import initWasm, * as wasm from './callwaitingai_wasm.js';
import createSdk from './client.js';

// <init> (the `workerd` entry, workerd.js, imports the .wasm as a module here instead)
/** The module's bytes: read from disk where the module is a file (Node, Deno), else fetched. */
async function wasmSource() {
  let url;
  try {
    url = new URL('./callwaitingai_wasm_bg.wasm', import.meta.url);
  } catch {
    throw new Error(
      "@callwaitingai/web cannot locate its .wasm file here (import.meta.url is not a URL). In Cloudflare Workers, import the package through its 'workerd' export condition (wrangler does), which imports the .wasm as a module; with another bundler, keep callwaitingai_wasm_bg.wasm next to the bundle.",
    );
  }
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  return fetch(url);
}

await initWasm({ module_or_path: await wasmSource() });
// In Node, Node's own HTTP client in the place of its slower `fetch` (./node_http.js).
if (typeof Deno === 'undefined' && typeof Bun === 'undefined' && globalThis.process?.release?.name === 'node') {
  wasm.callwaitingai_use((await import('./node_http.js')).send);
}
// </init>

/** A failure or an outcome comes back from the module as JSON text. */
const parsed = (text) => (text == null ? null : JSON.parse(text));

/**
 * A page of a list (`NativeListing`, sdk-core/src/bindings/exchange.rs): its envelope as the
 * server sent it; the next page, and a walk over every item, as the core says.
 */
class NativePage {
  constructor(listing, envelope) {
    this._listing = listing;
    this.data = envelope.data;
    this.hasMore = envelope.hasMore;
    this.nextCursor = envelope.nextCursor ?? null;
  }

  async nextPage() {
    const cursor = wasm.NativeListing.nextCursor(this.hasMore, this.nextCursor ?? undefined);
    if (cursor === undefined) return { page: null };
    const out = await fetchPage(this._listing, cursor, null);
    return out.error ? out : { page: new NativePage(this._listing, out.data) };
  }

  items() {
    const walk = new wasm.NativeWalk();
    let page = this;
    let at = 0;
    return {
      next: async () => {
        for (;;) {
          if (at < page.data.length) return { done: false, value: page.data[at++] };
          const step = parsed(walk.next(page.hasMore, page.nextCursor ?? undefined));
          if (step.error) return { done: true, error: step.error };
          if (step.cursor === null) return { done: true };
          const out = await fetchPage(this._listing, step.cursor, null);
          if (out.error) return { done: true, error: out.error };
          page = new NativePage(this._listing, out.data);
          at = 0;
        }
      },
    };
  }
}

/** One page of a listing, driven as any call: `{data: envelope, response}` or `{error}`. */
const fetchPage = (listing, cursor, signal) => driven(listing.page(cursor), signal);

/** A `NativeExchange` driven to its end and freed; or the failure's JSON text the module
 * answered instead of one. */
async function driven(exchange, signal) {
  if (typeof exchange === 'string') return { error: parsed(exchange) };
  try {
    return await drive(exchange, signal);
  } finally {
    exchange.free();
  }
}

/** A client, or the failure's JSON text. */
const clientOutcome = (out) => (typeof out === 'string' ? { error: parsed(out) } : { client: new NativeClient(out) });

/**
 * The base URL as the platform's URL parser writes it (international host names in punycode),
 * so that `baseURL` reads as what `fetch` will call. What it cannot parse goes to the core as
 * given, which reports it (the core checks URLs with the same parser: sdk-core/src/web_url.rs).
 */
function platformUrl(url) {
  if (typeof url !== 'string') return url;
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Options (JSON text) with the base URL normalised by the platform (see platformUrl). */
function platformOptions(optionsJson) {
  const options = optionsJson == null ? null : JSON.parse(optionsJson);
  if (options && typeof options === 'object' && 'baseURL' in options) options.baseURL = platformUrl(options.baseURL);
  return options == null ? undefined : JSON.stringify(options);
}

class NativeClient {
  constructor(client) {
    this._client = client;
  }

  withOptions(optionsJson) {
    return clientOutcome(this._client.withOptions(platformOptions(optionsJson)));
  }

  get baseUrl() {
    return this._client.baseUrl;
  }

  get displayBaseUrl() {
    return this._client.displayBaseUrl;
  }

  get userAgent() {
    return this._client.userAgent;
  }

  async request(op, ids, query, body, opts, typed, abort) {
    const signal = abort == null ? null : aborts.get(abort).signal;
    try {
      return await driven(this._client.begin(op, ids, query, body, opts, typed), signal);
    } finally {
      if (abort != null) aborts.delete(abort);
    }
  }

  async list(op, ids, query, opts, typed, abort) {
    const signal = abort == null ? null : aborts.get(abort).signal;
    try {
      const listing = this._client.beginList(op, ids, query, opts, typed);
      if (typeof listing === 'string') return { error: parsed(listing) };
      const out = await fetchPage(listing, undefined, signal);
      return out.error ? out : { page: new NativePage(listing, out.data), response: out.response };
    } finally {
      if (abort != null) aborts.delete(abort);
    }
  }
}

/**
 * Drives one call (`NativeExchange`, sdk-core/src/bindings/exchange.rs): each attempt the core
 * plans goes out through the core's fetch helper, and what came of it goes back to the core,
 * which says what is next (the body, a wait, or the call's failure). Nothing is decided here.
 */
async function drive(exchange, signal) {
  for (;;) {
    const plan = parsed(signal?.aborted ? exchange.fail('abort', '') : exchange.attempt());
    if (plan.error) return plan;
    const [method, url, headers, body, timeout, maxBytes] = plan.attempt;
    const controller = new AbortController();
    const timer = wasm.callwaitingai_abort_after(controller, timeout);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);
    let next;
    try {
      const [status, head, bytes] = await wasm.callwaitingai_fetch(url, method, headers, body, controller, maxBytes);
      next = parsed(exchange.settle(status, head, bytes ?? undefined));
      if (next.data !== undefined) return answer(next, head);
    } catch (e) {
      next = parsed(exchange.fail(signal?.aborted ? 'abort' : controller.signal.aborted ? 'timeout' : 'fetch', describe(e)));
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (next.error) return next;
    await sleep(next.wait, signal);
  }
}

/** The body, and the response's fields, built by the core from the status and headers when
 * first read (`.withResponse()`); most calls never read them. */
function answer({ data, status }, head) {
  let response;
  return {
    data,
    get response() {
      if (response === undefined) response = parsed(wasm.responseFields(status, head));
      return response;
    },
  };
}

/** A rejected fetch's message and its causes' (Node: "fetch failed: connect ECONNREFUSED …"). */
function describe(e) {
  const parts = [];
  for (let c = e, i = 0; c != null && i < 4; c = c.cause, i++) parts.push(c instanceof Error ? c.message : String(c));
  return parts.join(': ');
}

/** Waits `ms`, or less if `signal` aborts. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The AbortController of each abort id given out (`createAbort`) whose call has not ended. */
const aborts = new Map();
let lastAbort = 0;

class NativeWebhook {
  constructor(webhook) {
    this._webhook = webhook;
  }

  verifySignature(payload, headers, now, tolerance) {
    return parsed(this._webhook.verifySignature(payload, headers, now ?? undefined, tolerance ?? undefined));
  }

  checkEvent(payload) {
    return parsed(this._webhook.checkEvent(payload));
  }

  sign(msgId, timestamp, payload) {
    return parsed(this._webhook.sign(msgId, timestamp, payload));
  }
}

const OPERATIONS = JSON.parse(wasm.operationsJson());
const ERROR_CLASSES = JSON.parse(wasm.errorClassesJson());

/** The same surface as the napi addon (sdk-node/src/lib.rs), over the wasm module. */
const native = {
  createClient: (optionsJson, runtime) => clientOutcome(wasm.createClient(platformOptions(optionsJson), runtime)),
  createWebhook(secret) {
    const out = wasm.createWebhook(secret);
    return typeof out === 'string' ? { error: parsed(out) } : { webhook: new NativeWebhook(out) };
  },
  verifyWebhook: (provider, payload, headers, secret, url, tolerance, now) =>
    parsed(wasm.verifyWebhook(provider, payload, headers, secret, url ?? undefined, tolerance ?? undefined, now ?? undefined)),
  verifyWebhookEvent: (provider, payload, headers, secret, url, tolerance, now) =>
    parsed(wasm.verifyWebhookEvent(provider, payload, headers, secret, url ?? undefined, tolerance ?? undefined, now ?? undefined)),
  signWebhookRequest: (provider, payload, secret, url, timestamp, msgId) =>
    parsed(wasm.signWebhookRequest(provider, payload, secret, url ?? undefined, timestamp ?? undefined, msgId ?? undefined)),
  metaSubscriptionChallenge: (query, verifyToken) => parsed(wasm.metaSubscriptionChallenge(query, verifyToken)),
  createAbort() {
    aborts.set(++lastAbort, new AbortController());
    return lastAbort;
  },
  abort: (id) => aborts.get(id)?.abort(),
  operations: () => OPERATIONS,
  errorClasses: () => ERROR_CLASSES,
};

/** Environment variables where the runtime has them (Node, Deno with --allow-env). */
function env(name) {
  try {
    if (typeof process !== 'undefined' && process.env) return process.env[name];
  } catch {
    // no access
  }
  try {
    if (typeof Deno !== 'undefined') return Deno.env.get(name);
  } catch {
    // no permission
  }
  return undefined;
}

/** The runtime, for `X-CallWaitingAI-Client`: `deno/2.1.0`, `bun/1.2.0`, `node/20.11.0` or `browser`. */
function runtime() {
  if (typeof Deno !== 'undefined' && Deno.version) return `deno/${Deno.version.deno}`;
  if (typeof Bun !== 'undefined' && Bun.version) return `bun/${Bun.version}`;
  if (typeof process !== 'undefined' && process.versions && process.versions.node) return `node/${process.versions.node}`;
  if (typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers') return 'workerd';
  return 'browser';
}

const sdk = createSdk(native, env, runtime());
export default sdk;
