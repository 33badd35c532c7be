/* @ts-self-types="./index.d.ts" */
// @callwaitingai/web: the CallWaitingAI client and webhook verification for browsers, Deno,
// edge functions and Node >= 18. One ES module that initialises itself with top-level await:
//
//   import { CallWaitingAI, verifyWebhook } from '@callwaitingai/web';
//
// The Rust core, compiled to WebAssembly, does the work (requests through `fetch`, retries,
// idempotency keys, pagination, signatures); this file loads it and adapts it to the native
// surface that the shared JS layer (./client.js, built from sdk-node/lib/client.cjs) expects.
import initWasm, * as wasm from './callwaitingai_wasm.js';
import createSdk from './client.js';

/** The module's bytes: read from disk where the module is a file (Node, Deno), else fetched. */
async function wasmSource() {
  const url = new URL('./callwaitingai_wasm_bg.wasm', import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  return fetch(url);
}

await initWasm({ module_or_path: await wasmSource() });

// NaN and the infinities become strings (JSON would make them null, silently dropping a bad
// option); the core then rejects them like any other bad value.
const json = (v) =>
  v == null ? null : JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** A failure comes back from the module as the JSON text of `{error}`. */
function pageOutcome(r) {
  if (r == null) return { page: null };
  if (typeof r === 'string') return JSON.parse(r);
  return { page: new NativePage(r) };
}

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
 * The platform's URL parser normalises international host names (to punycode) before the core
 * sees them: the module is built without Unicode IDNA tables (see Cargo.toml). What it cannot
 * parse goes to the core as given, which reports it.
 */
function platformUrl(url) {
  if (url == null) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

class NativeClient {
  constructor(apiKey, baseUrl, maxRetries, timeout, runtime) {
    this._client = new wasm.NativeClient(apiKey ?? undefined, platformUrl(baseUrl), maxRetries ?? undefined, timeout ?? undefined, runtime);
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

  async request(op, ids, query, body, opts) {
    return JSON.parse(await this._client.request(op, ids, json(query), json(body), json(opts)));
  }

  async list(op, ids, query, opts) {
    return pageOutcome(await this._client.list(op, ids, json(query), json(opts)));
  }
}

const OPERATIONS = JSON.parse(wasm.operationsJson());

const native = {
  NativeClient,
  NativeWebhook: wasm.NativeWebhook,
  nativeVerifyWebhook: wasm.nativeVerifyWebhook,
  nativeMetaSubscriptionChallenge: wasm.nativeMetaSubscriptionChallenge,
  operations: () => OPERATIONS,
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

export default sdk.CallWaitingAI;
export const {
  CallWaitingAI,
  CallWaitingAIError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  InvalidRequestError,
  WebhookVerificationError,
  Page,
  PagePromise,
  Webhook,
  verifyWebhook,
  metaSubscriptionChallenge,
} = sdk;
