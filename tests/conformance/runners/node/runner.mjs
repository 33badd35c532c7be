// The Node runner of the conformance suite, for @callwaitingai/sdk and (with
// CALLWAITINGAI_SDK_ENTRY=sdk-wasm/pkg/index.js) @callwaitingai/web: each step through the
// package's API as a user writes it (`await client.leads.create({...})`, `for await`), the
// outcome printed as JSON for the driver (tests/conformance/main.rs) to judge.
//
//   node runner.mjs manifest.json
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.env.CALLWAITINGAI_SDK_ENTRY;
if (!entry) throw new Error('set CALLWAITINGAI_SDK_ENTRY to the package entry to test');
const sdk = await import(pathToFileURL(path.resolve(entry)).href);
const { default: CallWaitingAI, Webhook, metaSubscriptionChallenge, verifyWebhook } = sdk;

/** `$name.path` → the value it names. */
function resolve(value, vars) {
  if (typeof value === 'string' && value.startsWith('$')) {
    let v = vars;
    for (const part of value.slice(1).split('.')) {
      v = v == null ? undefined : v[part];
    }
    if (v === undefined) throw new Error(`${value} names nothing (yet)`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, vars)]));
  return value;
}

function apiError(e) {
  if (!(e instanceof sdk.CallWaitingAIError)) throw e;
  return { error: { class: e.constructor.name, status: e.status ?? null, code: e.code ?? null, requestId: e.requestId ?? null } };
}

const pageJson = (p) => ({ data: p.data, hasMore: p.hasMore, nextCursor: p.nextCursor ?? null });

async function call(client, step) {
  const parts = step.call.split('.');
  const method = parts.reduce((target, p) => target[p], client);
  const args = [...(step.ids ?? [])];
  if (step.params !== undefined || step.options !== undefined) args.push(step.params ?? {});
  if (step.options !== undefined) args.push(step.options);
  try {
    const result = method(...args);
    if (result instanceof sdk.PagePromise) {
      if (step.mode === 'items') {
        const items = [];
        for await (const item of result) items.push(item);
        return { ok: items };
      }
      const page = await result;
      if (step.mode === 'next') {
        const next = await page.nextPage();
        return { ok: next && pageJson(next) };
      }
      return { ok: pageJson(page) };
    }
    return { ok: await result };
  } catch (e) {
    return apiError(e);
  }
}

function webhook(step) {
  try {
    switch (step.webhook) {
      case 'sign':
        return { ok: new Webhook(step.secret).sign(step.msgId, step.timestamp, step.payload) };
      case 'event':
        return { ok: new Webhook(step.secret).verifyEvent(step.payload, step.headers, { now: step.now, tolerance: step.tolerance }) };
      case 'events': {
        // Each delivery received, verified and typed; sorted by type (they arrive in any order).
        const hook = new Webhook(step.secret);
        const got = step.deliveries.map((d) => hook.verifyEvent(d.body, d.headers));
        return { ok: got.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)) };
      }
      case 'sign_request':
        return { ok: sdk.signWebhookRequest({ provider: step.provider, payload: step.payload, secret: step.secret, url: step.url ?? undefined, timestamp: step.timestamp, msgId: step.msgId }) };
      case 'provider_event': {
        const headers = { ...(step.headers ?? {}), ...(step.signedHeaders ?? {}) };
        const event = sdk.verifyWebhookEvent({ provider: step.provider, payload: step.payload, headers, secret: step.secret, url: step.url ?? undefined, now: step.now });
        const { messages, statuses, ...fields } = event;
        const out = { provider: event.provider, type: event.type, fields };
        if (messages) Object.assign(out, { messages, statuses });
        return { ok: out };
      }
      case 'verify':
        return { ok: new Webhook(step.secret).verify(step.payload, step.headers, { now: step.now, tolerance: step.tolerance }) };
      case 'provider':
        verifyWebhook({ provider: step.provider, payload: step.payload, headers: step.headers, secret: step.secret, url: step.url, now: step.now, tolerance: step.tolerance });
        return { ok: null };
      case 'challenge':
        return { ok: metaSubscriptionChallenge(step.query, step.verifyToken) };
      default:
        throw new Error(`unknown webhook step ${step.webhook}`);
    }
  } catch (e) {
    if (!(e instanceof sdk.CallWaitingAIError)) throw e;
    return { error: { class: e.constructor.name, kind: e.kind, message: e.message } };
  }
}

function client(entry, c) {
  const opts = { ...(entry.case.client ?? {}), ...(c ?? {}) };
  return new CallWaitingAI({ apiKey: 'key' in opts ? opts.key : entry.key, baseURL: opts.baseURL ?? entry.baseURL, maxRetries: opts.maxRetries, timeout: opts.timeout });
}

async function runCase(entry) {
  const vars = { ...entry.vars };
  const outcomes = [];
  for (const raw of entry.case.steps) {
    const { expect: _expect, save, ...rest } = raw;
    const step = resolve(rest, vars);
    let outcome;
    if (step.call) {
      let c;
      try {
        c = client(entry, step.client);
      } catch (e) {
        outcome = apiError(e); // the client's options were refused
      }
      if (c) outcome = await call(c, step);
    }
    else if (step.webhook) outcome = webhook(step);
    else if (step.receive) outcome = { ok: await (await fetch(`${vars.receiver.url}?n=${step.receive}`)).json() };
    else throw new Error(`not a step: ${JSON.stringify(raw)}`);
    // Through JSON, as the driver sees it (undefined fields drop out).
    outcome = JSON.parse(JSON.stringify(outcome));
    if (save) vars[save] = outcome.ok ?? null;
    outcomes.push(outcome);
  }
  return outcomes;
}

const manifest = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const entry of manifest) {
  try {
    results.push({ name: entry.case.name, outcomes: await runCase(entry) });
  } catch (e) {
    results.push({ name: entry.case.name, fatal: String(e?.stack ?? e) });
  }
}
process.stdout.write(JSON.stringify({ results }));
