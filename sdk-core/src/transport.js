// The runtime's `fetch`, one attempt per call across the boundary, for the core's wasm32
// transport (sdk-core/src/transport.rs, which imports this file) and for @callwaitingai/web's
// JavaScript, which drives its calls itself (sdk-wasm/js/sdk.js; sdk-wasm/build.mjs puts this
// file into the package's glue and exports its functions). See transport.rs for what it does.
let callwaitingai_send = null;
export function callwaitingai_use(send) {
  callwaitingai_send = send;
}
export function callwaitingai_fetch(url, method, headers, body, controller, maxBytes) {
  const sent = callwaitingai_send === null ? undefined : callwaitingai_send(url, method, headers, body, controller, maxBytes);
  if (sent !== undefined) return sent;
  return fetch(url, { method, headers, body, signal: controller.signal }).then((res) => {
    let head = '';
    for (const [name, value] of res.headers) head += name + ':' + value + '\n';
    const declared = res.headers.get('content-length');
    const known = declared !== null && /^[0-9]{1,15}$/.test(declared);
    // A browser shows Content-Encoding only for the same origin or when the server exposes it.
    if (known && Number(declared) > maxBytes) return callwaitingai_refuse(res, head);
    if (known && !res.headers.has('content-encoding')) {
      return res.arrayBuffer().then((buffer) => [res.status, head, new Uint8Array(buffer)]);
    }
    const reader = res.body && res.body.getReader();
    const chunks = [];
    let size = 0;
    const next = () =>
      reader === null
        ? [res.status, head, new Uint8Array(0)]
        : reader.read().then(({ done, value }) => {
            if (done) {
              const whole = new Uint8Array(size);
              let at = 0;
              for (const chunk of chunks) whole.set(chunk, (at += chunk.length) - chunk.length);
              return [res.status, head, whole];
            }
            size += value.length;
            if (size > maxBytes) return reader.cancel().then(() => [res.status, head, null], () => [res.status, head, null]);
            chunks.push(value);
            return next();
          });
    return next();
  });
}
function callwaitingai_refuse(res, head) {
  const done = () => [res.status, head, null];
  return res.body ? res.body.cancel().then(done, done) : done();
}
export function callwaitingai_abort_after(controller, ms) {
  return setTimeout(() => controller.abort(), Math.min(ms, 2147483647));
}
