'use strict';
// The JS layer of @callwaitingai/sdk (Node) and @callwaitingai/web (browsers and edge
// runtimes): one function over a `native` provider, the napi addon (sdk-node) or the wasm
// module (adapted by sdk-wasm/js/sdk.js). It gives the core's data JavaScript shapes: error
// classes built from the core's table, pages and page-promises, `client.<resource>.<verb>`
// built from the core's operation table, and the webhook helpers. It decides nothing: options
// are checked, defaults applied and failures classified in the Rust core
// (`callwaitingai::bindings`). The web build inlines this file unchanged; keep it free of Node
// APIs.

/**
 * @param native the provider: createClient, createWebhook, createAbort, abort, verifyWebhook,
 *   verifyWebhookEvent,
 *   signWebhookRequest,
 *   metaSubscriptionChallenge, operations(), errorClasses(), and (Node) enableLogging
 * @param env reads an environment variable (undefined where there are none)
 * @param runtime the JS runtime, for `User-Agent` (`node/20.11.0`, `deno/2.1.0`, `browser`)
 */
module.exports = function createSdk(native, env = () => undefined, runtime = '') {
  // --- errors: one class per row of the core's table -----------------------------------------

  const errors = {};
  /** Each class's ancestors as its row declares them (a class that extends a built-in, such
   * as InvalidRequestError extending TypeError, has them only here). */
  const ancestors = new Map();

  function assignFields(target, fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (k !== 'message') target[k] = v ?? undefined;
    }
    if (target.headers === undefined) target.headers = {};
  }

  for (const { name, parent, also } of native.errorClasses()) {
    const Base = also ? globalThis[also] : parent ? errors[parent] : Error;
    const cls = {
      [name]: class extends Base {
        constructor(message, fields = {}) {
          super(message);
          this.name = new.target.name;
          assignFields(this, fields);
        }
      },
    }[name];
    ancestors.set(cls, new Set(parent ? [parent, ...ancestors.get(errors[parent])] : []));
    errors[name] = cls;
  }
  const { CallWaitingAIError } = errors;
  // `instanceof` follows the table: an InvalidRequestError is a CallWaitingAIError too.
  Object.defineProperty(CallWaitingAIError, Symbol.hasInstance, {
    value(x) {
      if (Function.prototype[Symbol.hasInstance].call(this, x)) return true;
      const declared = x != null && ancestors.get(x.constructor);
      return !!declared && declared.has(this.name);
    },
  });

  /** Throws nothing: builds the error a failure (`{class, fields}`) names. */
  function toError(failure) {
    const Cls = errors[failure.class] ?? CallWaitingAIError;
    return new Cls(failure.fields.message, failure.fields);
  }

  /** Invalid input this layer finds itself (a missing id, a payload of the wrong type). */
  function invalid(message) {
    return new errors.InvalidRequestError(message, { kind: 'invalid_input', message });
  }

  /** What the provider returned: its value, or the failure thrown as its class. */
  function unwrap(out, key) {
    if (out.error) throw toError(out.error);
    return out[key];
  }

  /** A call's `{ data, response }`, the response read from the native outcome only when asked
   * for (the browser module builds it then). */
  function answered(out) {
    const data = unwrap(out, 'data');
    return {
      data,
      get response() {
        return out.response;
      },
    };
  }

  /**
   * Starts a native call with the options' `signal` (an `AbortSignal`) wired to the core: when
   * it fires (or has fired), the call stops, retries included, and rejects with
   * `APIUserAbortError`. `start(optionsJson, abortId)` gets the other options as JSON text
   * (encoded first: an option JSON cannot hold fails before anything is registered).
   */
  function abortable(options, start) {
    const { signal, ...rest } = options ?? {};
    const optionsJson = json(rest);
    if (signal == null) return start(optionsJson, null);
    if (typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
      throw invalid('signal must be an AbortSignal');
    }
    const id = native.createAbort();
    const onAbort = () => native.abort(id);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return start(optionsJson, id).finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Options, a query or a body as JSON text, as both providers take them (encoded before the
   * call starts: a cycle fails typed and registers nothing). NaN and the infinities become
   * strings (JSON would make them null and silently drop a bad value), which the core refuses
   * like any other bad value; a BigInt is the number it is (a string beyond 2^53, refused as a
   * number). */
  function json(v) {
    if (v == null) return null;
    try {
      return JSON.stringify(v, (_, x) =>
        typeof x === 'number' && !Number.isFinite(x)
          ? String(x)
          : typeof x === 'bigint'
            ? Number.isSafeInteger(Number(x)) ? Number(x) : String(x)
            : x,
      );
    } catch (e) {
      // A cycle: typed like any other bad input.
      throw invalid(`cannot send these options or parameters as JSON: ${e && e.message}`);
    }
  }

  if (native.enableLogging && env('CALLWAITINGAI_LOG')) {
    const failure = native.enableLogging(env('CALLWAITINGAI_LOG'));
    if (failure) throw toError(failure);
  }

  class Page {
    constructor(nativePage) {
      this._native = nativePage;
      this.data = nativePage.data;
      this.hasMore = nativePage.hasMore;
      this.nextCursor = nativePage.nextCursor;
    }

    hasNextPage() {
      return this.hasMore && this.nextCursor != null;
    }

    /** The next page, or null after the last. */
    async nextPage() {
      const page = unwrap(await this._native.nextPage(), 'page');
      return page ? new Page(page) : null;
    }

    /** Every item from this page on, fetched lazily. */
    async *[Symbol.asyncIterator]() {
      const items = this._native.items();
      for (;;) {
        const out = await items.next();
        if (out.error) throw toError(out.error);
        if (out.done) return;
        yield out.value;
      }
    }
  }

  /**
   * What a method returns: a Promise of the body, and `.withResponse()` for `{ data, response }`
   * (the status, headers, request id, whether the server replayed a stored answer for the
   * idempotency key, and the rate limit).
   */
  class APIPromise extends Promise {
    static get [Symbol.species]() {
      return Promise;
    }

    /** @param outcome a Promise of `{ data, response }` */
    constructor(outcome) {
      super((resolve) => resolve(undefined));
      this._outcome = outcome;
    }

    then(onFulfilled, onRejected) {
      return this._outcome.then((o) => o.data).then(onFulfilled, onRejected);
    }

    catch(onRejected) {
      return this.then(undefined, onRejected);
    }

    finally(onFinally) {
      return this.then().finally(onFinally);
    }

    /** The body with what the response said besides. */
    withResponse() {
      return this._outcome.then((o) => ({ data: o.data, response: o.response }));
    }
  }

  /**
   * What list() returns: await it for the first page; `for await` it for every item;
   * `.withResponse()` for `{ data: page, response }`. Nothing is fetched until one of those.
   */
  class PagePromise {
    /** @param fetch returns a Promise of `{ data: Page, response }` */
    constructor(fetch) {
      this._fetch = fetch;
      this._promise = null;
    }

    _raw() {
      if (!this._promise) this._promise = this._fetch();
      return this._promise;
    }

    _first() {
      return this._raw().then((o) => o.data);
    }

    then(onFulfilled, onRejected) {
      return this._first().then(onFulfilled, onRejected);
    }

    catch(onRejected) {
      return this._first().catch(onRejected);
    }

    finally(onFinally) {
      return this._first().finally(onFinally);
    }

    /** The first page with what its response said. */
    withResponse() {
      return this._raw().then((o) => ({ data: o.data, response: o.response }));
    }

    async *[Symbol.asyncIterator]() {
      const page = await this._first();
      yield* page;
    }
  }

  function camel(s) {
    return s.replace(/[-_]([a-z])/g, (_, c) => c.toUpperCase());
  }

  /** Builds `client.leads.create(...)` and friends from the core's operation table. */
  function attachResources(client) {
    for (const [id, method, pathParams, listOf, takesQuery, takesBody] of native.operations()) {
      const parts = id.split('.').map(camel);
      const verb = parts.pop();
      let target = client;
      for (const p of parts) {
        if (!Object.prototype.hasOwnProperty.call(target, p)) {
          Object.defineProperty(target, p, { value: {}, enumerable: true });
        }
        target = target[p];
      }
      const takesParams = takesQuery || takesBody;
      // Every method reports every failure through its promise, bad arguments included, so
      // that `.catch()` and `await` see them all.
      const call = (...args) => {
        const given = args.slice(0, pathParams.length);
        if (given.length < pathParams.length || given.some((x) => x == null)) {
          throw invalid(`${id} needs ${pathParams.join(', ')}`);
        }
        const ids = given.map(String);
        const params = takesParams ? args[pathParams.length] : undefined;
        const options = args[pathParams.length + (takesParams ? 1 : 0)];
        const query = json(takesQuery ? params : null);
        const body = json(takesBody ? params ?? {} : null);
        if (listOf) {
          return new PagePromise(() =>
            logged(client, id, (async () => {
              const out = await abortable(options, (opts, abort) => client._native.list(id, ids, query, opts, true, abort));
              return { data: new Page(unwrap(out, 'page')), response: out.response };
            })()),
          );
        }
        return new APIPromise(
          logged(client, id, abortable(options, (opts, abort) => client._native.request(id, ids, query, body, opts, true, abort)).then(answered)),
        );
      };
      target[verb] = (...args) => {
        try {
          return call(...args);
        } catch (e) {
          const err = e instanceof CallWaitingAIError ? e : invalid(String(e && e.message));
          if (listOf) return new PagePromise(() => Promise.reject(err));
          return new APIPromise(Promise.reject(err));
        }
      };
    }
  }

  /** `logLevel` (checked by the core): how much the client tells its `logger`. */
  const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'];

  /**
   * Logs one call on the client's logger: its outcome at `debug` (operation, status, request
   * id, time), its failure at `info` (class, status, request id). Never the API key or a body.
   */
  function logged(client, id, outcome) {
    const log = client[LOG];
    if (!log) return outcome;
    const started = Date.now();
    return outcome.then(
      (o) => {
        const r = o.response ?? {};
        log('debug', `callwaitingai: ${id} ${r.status ?? ''} ${r.requestId ?? ''} ${Date.now() - started}ms`);
        return o;
      },
      (e) => {
        log('info', `callwaitingai: ${id} failed: ${e && e.name} ${e && e.status != null ? e.status : ''} ${(e && e.requestId) ?? ''} ${Date.now() - started}ms`);
        throw e;
      },
    );
  }

  /** Where a client keeps its log function. */
  const LOG = Symbol('log');

  /** Where withOptions hands a new client its native half (not an option users can pass). */
  const NATIVE = Symbol('native client');

  class CallWaitingAI {
    /**
     * @param {{apiKey?: string, baseURL?: string, maxRetries?: number, timeout?: number, deadline?: number}} [opts]
     * `apiKey` defaults to CALLWAITINGAI_API_KEY, `baseURL` to CALLWAITINGAI_BASE_URL; the core
     * checks every option and applies the defaults (`timeout` is per attempt, in milliseconds).
     */
    constructor(opts = {}) {
      const options = { ...opts, apiKey: opts.apiKey ?? env('CALLWAITINGAI_API_KEY'), baseURL: opts.baseURL ?? env('CALLWAITINGAI_BASE_URL') };
      const nativeClient = opts[NATIVE] ?? unwrap(native.createClient(json({ ...options, logger: undefined }), runtime), 'client');
      Object.defineProperty(this, '_native', { value: nativeClient, enumerable: false });
      // The core has checked logLevel; the logger defaults to the console.
      const level = LOG_LEVELS.indexOf(opts.logLevel ?? 'off');
      const logger = opts.logger ?? console;
      const log = opts[LOG] !== undefined ? opts[LOG] : level > 0 ? (at, message) => LOG_LEVELS.indexOf(at) <= level && logger[at](message) : null;
      Object.defineProperty(this, LOG, { value: log, enumerable: false });
      attachResources(this);
    }

    /**
     * A client with the given options changed and the rest as this one's, sharing its
     * connection pool: `client.withOptions({ timeout: 300_000 }).calls.list()`.
     */
    withOptions(opts = {}) {
      const { logger, logLevel, ...rest } = opts;
      const native = unwrap(this._native.withOptions(json({ ...rest, logLevel })), 'client');
      // Logging as this client's unless the options change it.
      const keep = logger === undefined && logLevel === undefined;
      return new CallWaitingAI({ [NATIVE]: native, [LOG]: keep ? this[LOG] : undefined, logger, logLevel });
    }

    get baseURL() {
      return this._native.baseUrl;
    }

    /**
     * Any operation by its operationId, resolving to the JSON as sent: for what the typed
     * methods do not take, such as field selection:
     * `client.request('leads.list', [], { query: { fields: 'id,name' } })`.
     */
    request(operationId, ids = [], { query, body, ...options } = {}) {
      try {
        const [q, b] = [json(query ?? null), json(body ?? null)];
        return new APIPromise(
          abortable(options, (opts, abort) => this._native.request(operationId, ids.map(String), q, b, opts, false, abort)).then(answered),
        );
      } catch (e) {
        return new APIPromise(Promise.reject(e instanceof CallWaitingAIError ? e : invalid(String(e && e.message))));
      }
    }

    /** What the client sends as `User-Agent` (`callwaitingai-node/0.1.0 node/20.11.0`). */
    get userAgent() {
      return this._native.userAgent;
    }

    toString() {
      return `CallWaitingAI(baseURL=${this._native.displayBaseUrl})`;
    }

    [Symbol.for('nodejs.util.inspect.custom')]() {
      return this.toString();
    }
  }

  // --- webhooks -----------------------------------------------------------------------------------

  /**
   * Headers for the native verifier, as one `name\0value\0…` string (a JS object costs more to
   * hand over than the verification itself). Accepts a plain object, Node's IncomingHttpHeaders
   * (array values: the first counts) or a fetch `Headers`.
   */
  function joinedHeaders(headers) {
    if (!headers) return '';
    const entries = typeof headers.entries === 'function' && typeof headers.get === 'function'
      ? headers.entries()
      : Object.entries(headers);
    let out = '';
    for (const [k, raw] of entries) {
      if (raw == null) continue;
      const v = Array.isArray(raw) ? String(raw[0]) : String(raw);
      if (k.includes('\0') || v.includes('\0')) continue; // never a valid header
      out += out === '' ? `${k}\0${v}` : `\0${k}\0${v}`;
    }
    return out;
  }

  const DECODER = new TextDecoder('utf-8', { fatal: true });

  function payloadOf(p) {
    if (typeof p === 'string' || p instanceof Uint8Array) return p;
    if (p instanceof ArrayBuffer) return new Uint8Array(p);
    throw invalid('payload must be a string, Buffer or Uint8Array (the raw request body)');
  }

  class Webhook {
    /** `whsec_…` (HMAC), `whpk_…` (Ed25519 public key) or `whsk_…` (Ed25519 private key). */
    constructor(secret) {
      this._native = unwrap(native.createWebhook(String(secret ?? '')), 'webhook');
    }

    /** Verifies the raw body; returns the event exactly as sent. `now` is unix seconds. */
    verify(payload, headers, opts = {}) {
      const body = payloadOf(payload);
      const failure = this._native.verifySignature(body, joinedHeaders(headers), opts.now ?? null, opts.tolerance ?? null);
      if (failure) throw toError(failure);
      // The signature is good; the body must be the JSON event (V8's parser is the fast one).
      try {
        return JSON.parse(typeof body === 'string' ? body : DECODER.decode(body));
      } catch (e) {
        const message = `invalid_payload: the signature is valid but the body is not JSON: ${e.message}`;
        throw new errors.WebhookVerificationError(message, { kind: 'invalid_payload', message });
      }
    }

    /**
     * Verifies the raw body and types the event: `switch (event.type)` narrows `event.data`.
     * A type newer than this SDK is returned as sent; a known type whose body does not decode
     * throws `WebhookVerificationError` (`invalid_payload`, naming the field).
     */
    verifyEvent(payload, headers, opts = {}) {
      const event = this.verify(payload, headers, opts);
      const failure = this._native.checkEvent(payloadOf(payload));
      if (failure) throw toError(failure);
      return event;
    }

    /** The `webhook-signature` value of a message, for your own tests. */
    sign(msgId, timestamp, payload) {
      return unwrap(this._native.sign(String(msgId), Number(timestamp), payloadOf(payload)), 'value');
    }

    toString() {
      return "Webhook(secret='[redacted]')";
    }

    [Symbol.for('nodejs.util.inspect.custom')]() {
      return this.toString();
    }
  }

  /** Verifies a webhook from `provider` (standard, stripe, calendly, github, meta, twilio, slack). */
  function verifyWebhook({ provider = 'standard', payload, headers, secret, url, tolerance, now }) {
    const failure = native.verifyWebhook(String(provider), payloadOf(payload), joinedHeaders(headers), String(secret ?? ''), url ?? null, tolerance ?? null, now ?? null);
    if (failure) throw toError(failure);
  }

  /**
   * Verifies a webhook from `provider` and types it: `provider`, `type`, `raw` (the JSON body,
   * or the form fields) and the provider's fields in camelCase; Meta's also has `messages` and
   * `statuses` (every WhatsApp message and status, each with its `phoneNumberId`). A kind this
   * SDK does not type comes back with `type` `unknown` (or as sent) and never throws.
   */
  function verifyWebhookEvent({ provider = 'standard', payload, headers, secret, url, tolerance, now }) {
    const [, fields, lists] = unwrap(native.verifyWebhookEvent(String(provider), payloadOf(payload), joinedHeaders(headers), String(secret ?? ''), url ?? null, tolerance ?? null, now ?? null), 'value');
    for (const [key, [, items]] of Object.entries(lists)) fields[key] = items;
    return fields;
  }

  /**
   * The headers `provider` would send with `payload`, signed with `secret` (Twilio: the auth
   * token and the full `url`), to test your own handler without the provider. `timestamp` is
   * unix seconds (default now).
   */
  function signWebhookRequest({ provider = 'standard', payload, secret, url, timestamp, msgId }) {
    const pairs = unwrap(native.signWebhookRequest(String(provider), payloadOf(payload), String(secret ?? ''), url ?? null, timestamp ?? null, msgId ?? null), 'value');
    return Object.fromEntries(pairs);
  }

  /** Meta's subscription handshake: the raw query string, URLSearchParams or an object. */
  function metaSubscriptionChallenge(query, verifyToken) {
    const text = typeof query === 'string' ? query : new URLSearchParams(query).toString();
    return unwrap(native.metaSubscriptionChallenge(text, String(verifyToken ?? '')), 'value');
  }

  Object.assign(CallWaitingAI, errors);

  return {
    CallWaitingAI,
    ...errors,
    Page,
    PagePromise,
    APIPromise,
    Webhook,
    verifyWebhook,
    verifyWebhookEvent,
    signWebhookRequest,
    metaSubscriptionChallenge,
  };
};
