// The package under test: the one JS layer over either native provider. Set
// CALLWAITINGAI_SDK_ENTRY to the package's ES module entry: ../sdk-node/index.mjs
// (@callwaitingai/sdk, the napi addon) or ../sdk-wasm/pkg/index.js (@callwaitingai/web, the wasm
// module); `npm run test:napi` and `npm run test:wasm` in sdk-js do.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.env.CALLWAITINGAI_SDK_ENTRY;
if (!entry) throw new Error('set CALLWAITINGAI_SDK_ENTRY to the entry of the package to test');

/** True for the napi package (@callwaitingai/sdk), false for the wasm one. */
export const NATIVE = !/sdk-wasm/.test(path.resolve(entry));
export const sdk = await import(pathToFileURL(path.resolve(entry)).href);
