'use strict';
// The JS layer of @callwaitingai/sdk (Node) and @callwaitingai/web (browsers and edge
// runtimes): error classes, pages, resources built from the core's operation table, and
// webhook helpers. Everything with a rule in it (retries, idempotency keys, pagination,
// signatures) runs in the Rust core. This file is one function over a `native` surface: the
// napi addon (../native.cjs) in Node, the wasm module (adapted by sdk-wasm/js/native.js) in
// the web package, whose build inlines this file unchanged. Keep it free of Node APIs.

/**
 * @param native the core's surface: NativeClient, NativeWebhook, nativeVerifyWebhook,
 *   nativeMetaSubscriptionChallenge, operations()
 * @param env reads an environment variable (undefined where there are none)
 * @param runtime the JS runtime, for `User-Agent` (`node/20.11.0`, `deno/2.1.0`, `browser`)
 */
module.exports = function createSdk(native, env = () => undefined, runtime = '') {
  class CallWaitingAIError extends Error {
    constructor(message, fields = {}) {
      super(message);
      this.name = new.target.name;
      this.status = fields.status ?? undefined;
      this.code = fields.code ?? undefined;
      this.requestId = fields.requestId ?? undefined;
      this.headers = fields.headers ?? {};
      this.data = fields.data ?? undefined;
      this.retryAfter = fields.retryAfterMs != null ? fields.retryAfterMs / 1000 : undefined;
      /** The raw error body (`message` is cut to 1000 characters). */
      this.body = fields.body ?? undefined;
    }
  }
  class APIError extends CallWaitingAIError {}
  class BadRequestError extends APIError {}
  class AuthenticationError extends APIError {}
  class PermissionDeniedError extends APIError {}
  class NotFoundError extends APIError {}
  class ConflictError extends APIError {}
  class UnprocessableEntityError extends APIError {}
  class RateLimitError extends APIError {}
  class InternalServerError extends APIError {}
  class APIConnectionError extends CallWaitingAIError {}
  class APITimeoutError extends APIConnectionError {}
  class InvalidRequestError extends CallWaitingAIError {}
  class WebhookVerificationError extends CallWaitingAIError {
    constructor(message, kind) {
      super(message);
      this.kind = kind;
    }
  }

  const BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
  };

  function toError(e) {
    let Cls;
    if (e.kind === 'timeout') Cls = APITimeoutError;
    else if (e.kind === 'connection') Cls = APIConnectionError;
    else if (e.kind === 'invalid_input') Cls = InvalidRequestError;
    else if (e.status != null) Cls = BY_STATUS[e.status] ?? (e.status >= 500 ? InternalServerError : APIError);
    else Cls = APIError;
    return new Cls(e.message, e);
  }

  function nativeOptions(o) {
    if (!o) return undefined;
    return {
      timeout: o.timeout,
      maxRetries: o.maxRetries,
      headers: o.headers,
      idempotencyKey: o.idempotencyKey,
    };
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
      const out = await this._native.nextPage();
      if (out.error) throw toError(out.error);
      return out.page ? new Page(out.page) : null;
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

  /** What list() returns: await it for the first page; `for await` it for every item. */
  class PagePromise {
    constructor(fetch) {
      this._fetch = fetch;
      this._promise = null;
    }

    _first() {
      if (!this._promise) this._promise = this._fetch();
      return this._promise;
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
          throw new InvalidRequestError(`${id} needs ${pathParams.join(', ')}`);
        }
        const ids = given.map(String);
        const params = takesParams ? args[pathParams.length] : undefined;
        const options = args[pathParams.length + (takesParams ? 1 : 0)];
        const query = takesQuery ? params : undefined;
        const body = takesBody ? params ?? {} : undefined;
        if (listOf) {
          return new PagePromise(async () => {
            const out = await client._native.list(id, ids, query ?? null, nativeOptions(options));
            if (out.error) throw toError(out.error);
            return new Page(out.page);
          });
        }
        return client._native
          .request(id, ids, query ?? null, body ?? null, nativeOptions(options))
          .then((out) => {
            if (out.error) throw toError(out.error);
            return out.data;
          });
      };
      target[verb] = (...args) => {
        try {
          return call(...args);
        } catch (e) {
          const err = e instanceof CallWaitingAIError ? e : new InvalidRequestError(String(e && e.message));
          if (listOf) return new PagePromise(() => Promise.reject(err));
          return Promise.reject(err);
        }
      };
    }
  }

  class CallWaitingAI {
    /**
     * @param {{apiKey?: string, baseURL?: string, maxRetries?: number, timeout?: number}} [opts]
     * `apiKey` defaults to CALLWAITINGAI_API_KEY, `baseURL` to CALLWAITINGAI_BASE_URL; `timeout`
     * is per attempt, in milliseconds (default 60000).
     */
    constructor(opts = {}) {
      let nativeClient;
      try {
        nativeClient = new native.NativeClient(
          opts.apiKey ?? env('CALLWAITINGAI_API_KEY') ?? null,
          opts.baseURL ?? env('CALLWAITINGAI_BASE_URL') ?? null,
          opts.maxRetries ?? null,
          opts.timeout ?? null,
          runtime,
        );
      } catch (e) {
        throw new InvalidRequestError(e.message);
      }
      Object.defineProperty(this, '_native', { value: nativeClient, enumerable: false });
      attachResources(this);
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
        return this._native
          .request(operationId, ids.map(String), query ?? null, body ?? null, nativeOptions(options))
          .then((out) => {
            if (out.error) throw toError(out.error);
            return out.data;
          });
      } catch (e) {
        return Promise.reject(e instanceof CallWaitingAIError ? e : new InvalidRequestError(String(e && e.message)));
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

  function webhookError(e) {
    const msg = String(e && e.message);
    const i = msg.indexOf(':');
    return new WebhookVerificationError(msg, i > 0 ? msg.slice(0, i) : 'invalid_header');
  }

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
    throw new TypeError('payload must be a string, Buffer or Uint8Array (the raw request body)');
  }

  class Webhook {
    /** `whsec_…` (HMAC), `whpk_…` (Ed25519 public key) or `whsk_…` (Ed25519 private key). */
    constructor(secret) {
      try {
        this._native = new native.NativeWebhook(secret);
      } catch (e) {
        throw webhookError(e);
      }
    }

    /** Verifies the raw body; returns the event exactly as sent. `now` is unix seconds. */
    verify(payload, headers, opts = {}) {
      const body = payloadOf(payload);
      try {
        this._native.verifySignature(body, joinedHeaders(headers), opts.now ?? null, opts.tolerance ?? null);
      } catch (e) {
        throw webhookError(e);
      }
      // The signature is good; the body must be the JSON event (V8's parser is the fast one).
      try {
        return JSON.parse(typeof body === 'string' ? body : DECODER.decode(body));
      } catch (e) {
        throw new WebhookVerificationError(`invalid_payload: the signature is valid but the body is not JSON: ${e.message}`, 'invalid_payload');
      }
    }

    /** The `webhook-signature` value of a message, for your own tests. */
    sign(msgId, timestamp, payload) {
      try {
        return this._native.sign(msgId, timestamp, payloadOf(payload));
      } catch (e) {
        throw webhookError(e);
      }
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
    try {
      native.nativeVerifyWebhook(provider, payloadOf(payload), joinedHeaders(headers), secret, url ?? null, tolerance ?? null, now ?? null);
    } catch (e) {
      if (/unknown webhook provider/.test(String(e && e.message))) throw new TypeError(e.message);
      throw webhookError(e);
    }
  }

  /** Meta's subscription handshake: the raw query string, URLSearchParams or an object. */
  function metaSubscriptionChallenge(query, verifyToken) {
    const text = typeof query === 'string' ? query : new URLSearchParams(query).toString();
    try {
      return native.nativeMetaSubscriptionChallenge(text, verifyToken);
    } catch (e) {
      throw webhookError(e);
    }
  }

  const errors = {
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
  };
  Object.assign(CallWaitingAI, errors);

  return {
    CallWaitingAI,
    ...errors,
    Page,
    PagePromise,
    Webhook,
    verifyWebhook,
    metaSubscriptionChallenge,
  };
};
