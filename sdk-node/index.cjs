'use strict';
// CommonJS entry: `const CallWaitingAI = require('@callwaitingai/sdk')`, with every named export
// on it too (`const { Webhook } = require('@callwaitingai/sdk')`).
const sdk = require('./lib/client.cjs');

module.exports = sdk.CallWaitingAI;
Object.assign(module.exports, sdk, { default: sdk.CallWaitingAI });
