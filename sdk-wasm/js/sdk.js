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
// </init>

// NaN and the infinities become strings (JSON would make them null, silently dropping a bad
// value); the core then rejects them like any other bad value. A BigInt is the number it is
// (as @callwaitingai/sdk takes it), a string beyond 2^53 (refused where a number is expected).
const json = (v) =>
  v == null
    ? null
    : JSON.stringify(v, (_, x) =>
        typeof x === 'number' && !Number.isFinite(x)
          ? String(x)
          : typeof x === 'bigint'
            ? Number.isSafeInteger(Number(x)) ? Number(x) : String(x)
            : x,
      );

/** A failure or an outcome comes back from the module as JSON text. */
const parsed = (text) => (text == null ? null : JSON.parse(text));

/** A page (with the first page's response), or the failure's JSON text. */
function pageOutcome(r) {
  if (r == null) return { page: null };
  if (typeof r === 'string') return parsed(r);
  return { page: new NativePage(r), response: parsed(r.responseJson) ?? undefined };
}

/** A client, or the failure's JSON text. */
const clientOutcome = (out) => (typeof out === 'string' ? { error: parsed(out) } : { client: new NativeClient(out) });

class NativePage {
  constructor(page) {
    this._page = page;
    this.data = JSON.parse(page.dataJson);
    this.hasMore = page.hasMore;
    this.nextCursor = page.nextCursor ?? null;
  }

  async nextPage() {
    return pageOutcome(await this._page.nextPage());
  }

  items() {
    const items = this._page.items();
    return { next: async () => JSON.parse(await items.next()) };
  }
}

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
    const out = JSON.parse(await this._client.request(op, ids, json(query), json(body), opts, typed, abort ?? undefined));
    if (out.head === undefined) return out; // {error}
    // The response's fields are built by the core from the status and headers when first read
    // (`.withResponse()`); most calls never read them.
    const { status, head } = out;
    let response;
    return {
      data: out.data,
      get response() {
        if (response === undefined) response = JSON.parse(wasm.responseFields(status, head));
        return response;
      },
    };
  }

  async list(op, ids, query, opts, typed, abort) {
    return pageOutcome(await this._client.list(op, ids, json(query), opts, typed, abort ?? undefined));
  }
}

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
  createAbort: () => wasm.createAbort(),
  abort: (id) => wasm.abort(id),
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
