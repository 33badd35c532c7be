// The package under test. By default @callwaitingai/sdk (this folder); with
// CALLWAITINGAI_SDK_ENTRY=<path to an ES module> the same tests run against another package of
// the same API: sdk-wasm's `npm test` points it at pkg/index.js (@callwaitingai/web).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const override = process.env.CALLWAITINGAI_SDK_ENTRY;

/** True for the napi package, false when another package is under test. */
export const NATIVE = !override;
export const sdk = await import(override ? pathToFileURL(path.resolve(override)).href : new URL('../index.mjs', import.meta.url).href);
