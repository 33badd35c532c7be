'use strict';
// CommonJS entry: `const CallWaitingAI = require('@callwaitingai/sdk')`, with every named export
// on it too (`const { Webhook } = require('@callwaitingai/sdk')`).
const native = require('./native.cjs');
const createSdk = require('./lib/client.cjs');

const sdk = createSdk(native, (name) => process.env[name], `node/${process.versions.node}`);

module.exports = sdk.CallWaitingAI;
Object.assign(module.exports, sdk, { default: sdk.CallWaitingAI });
