/** Per-request options. `timeout` is per attempt, in milliseconds. */
export interface RequestOptions {
  timeout?: number;
  /** The overall deadline of the call, retries and waits included, in milliseconds. */
  deadline?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
  /** For POSTs: by default a new key per call, reused across its retries. */
  idempotencyKey?: string;
  /** Query parameters the typed ones do not have, sent as given (wire names). */
  extraQuery?: Record<string, unknown>;
  /** Body fields the typed ones do not have, merged into the body as given (wire names). */
  extraBody?: Record<string, unknown>;
}

/** One page of a list; `for await` over it walks every item from here on, lazily. */
export declare class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly hasMore: boolean;
  readonly nextCursor: string | null;
  hasNextPage(): boolean;
  nextPage(): Promise<Page<T> | null>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** What `list()` returns: `await` it for the first page, `for await` it for every item. */
export declare class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R>;
  finally(onfinally?: (() => void) | null): Promise<Page<T>>;
  /** The first page with what its response said. */
  withResponse(): Promise<{ data: Page<T>; response: APIResponse }>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** What a successful response says besides its body. */
export interface APIResponse {
  status: number;
  headers: Record<string, string>;
  /** `X-Request-Id`. */
  requestId: string | null;
  /** Whether the server replayed a stored answer for the idempotency key. */
  idempotentReplayed: boolean;
  /** The rate-limit headers, when the response has them (`reset`: unix seconds). */
  rateLimit: { limit: number; remaining: number; reset: number } | null;
}

/** What a method returns: a Promise of the body; `.withResponse()` for the response too. */
export declare class APIPromise<T> extends Promise<T> {
  /** The body with what the response said besides. */
  withResponse(): Promise<{ data: T; response: APIResponse }>;
}

{{errors}}
export type WebhookErrorKind =
  | 'missing_header'
  | 'invalid_header'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'invalid_secret'
  | 'invalid_payload'
  | 'handshake_failed'
  | (string & {});

export type WebhookPayload = string | Uint8Array | ArrayBuffer;
export type WebhookHeaders =
  | Record<string, string | string[] | number | undefined>
  | { entries(): IterableIterator<[string, string]>; get(name: string): string | null };

/** A Standard Webhooks verifier for one secret (`whsec_…`, `whpk_…` or `whsk_…`). */
export declare class Webhook {
  constructor(secret: string);
  /** Verifies the raw body; returns the event exactly as sent. `now` is unix seconds. */
  verify(payload: WebhookPayload, headers: WebhookHeaders, options?: { now?: number; tolerance?: number }): VerifiedWebhookEvent;
  /** The `webhook-signature` value of a message, for your own tests. */
  sign(msgId: string, timestamp: number, payload: WebhookPayload): string;
}

export type WebhookProvider = 'standard' | 'stripe' | 'calendly' | 'github' | 'meta' | 'twilio' | 'slack';

/** Verifies a webhook from `provider`; throws `WebhookVerificationError` with `.kind`. */
export declare function verifyWebhook(args: {
  provider?: WebhookProvider;
  payload: WebhookPayload;
  headers: WebhookHeaders;
  secret: string;
  /** The full public URL (Twilio signs it). */
  url?: string;
  tolerance?: number;
  now?: number;
}): void;

/** Meta's subscription handshake: returns `hub.challenge` or throws (`handshake_failed`). */
export declare function metaSubscriptionChallenge(
  query: string | URLSearchParams | Record<string, string>,
  verifyToken: string,
): string;

export interface ClientOptions {
  /** Default: `CALLWAITINGAI_API_KEY`. */
  apiKey?: string;
  /** The server's origin; default `CALLWAITINGAI_BASE_URL`. `/api/v1` is appended. */
  baseURL?: string;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Per attempt, in milliseconds (default 60000). */
  timeout?: number;
  /** The overall deadline of a call, retries and waits included, in milliseconds (default 120000). */
  deadline?: number;
  /**
   * What the client tells `logger` (default `'off'`): every call's outcome at `'debug'`
   * (operation, status, request id, time), every failure at `'info'`. Never the API key.
   */
  logLevel?: 'off' | 'error' | 'warn' | 'info' | 'debug';
  /** Where the client logs (default `console`). */
  logger?: Pick<Console, 'error' | 'warn' | 'info' | 'debug'>;
}
