/** Flags of the reference server (see `callwaitingai-server --help`). */
export interface ReferenceServerOptions {
  /** The share of API requests that fail (500, 503 or a dropped connection), 0 to 1. */
  faultRate?: number;
  /** Makes the faults reproducible. */
  faultSeed?: number;
  /** Delay of every API request: milliseconds, or the server's form (`'200ms'`). */
  latency?: number | string;
  /** Requests per minute per key, or the server's form (`'100/min'`). */
  rateLimit?: number | string;
  /** The webhook delivery retry schedule: milliseconds each, or `'5s,5m'`. */
  webhookRetryDelays?: Array<number | string> | string;
  /** Seed a demo organisation; `apiKey` is then its key. */
  demo?: boolean;
  /** More command-line flags, as given. */
  args?: string[];
  /** The binary to run (default: `CALLWAITINGAI_SERVER_BIN`, else the installed platform package's). */
  binary?: string;
}

/** A running reference server. */
export interface ReferenceServer {
  /** The base URL (`http://127.0.0.1:PORT`): the SDK's `baseURL`. */
  readonly url: string;
  /** An API key of a fresh organisation (the demo organisation's with `demo`). */
  readonly apiKey: string;
  /** What the server wrote to stderr so far. */
  logs(): string;
  /** Stops the server; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a reference server on a free loopback port, in memory; resolves once it listens. */
export declare function startReferenceServer(options?: ReferenceServerOptions): Promise<ReferenceServer>;

/** The path of the reference server binary for this platform; throws, naming the fix, when none is installed. */
export declare function binaryPath(binary?: string): string;
