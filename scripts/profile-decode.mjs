// Profiles one decode step several ways in the browser (see scripts/profile/decode.ts) on the stories260k fixture.
// Usage: node scripts/profile-decode.mjs [wasm|webgpu] [runs] [--worker] [--adapter | --gpu] [--model DIR]
//   --worker  run in a module worker, as the app's engine does
//   --adapter / --gpu  hold a WebGPU adapter / device open first, as the benchmark page does: on a software
//             adapter (SwiftShader) that alone slows WASM 1.5-2x on 2 cores; a real GPU does not
import path from 'node:path';
import { runProfilePage } from './profile/run-page.mjs';

const backend = process.argv[2] ?? 'wasm';
const runs = process.argv[3] ?? '5';
const holdGpu = process.argv.includes('--gpu') ? '1' : process.argv.includes('--adapter') ? 'adapter' : null;
const modelArg = process.argv.indexOf('--model');
const fixture = path.resolve(modelArg > 0 ? process.argv[modelArg + 1] : '../shared/models/stories260k');
const query = { backend, runs, ...(process.argv.includes('--worker') ? { worker: '1' } : {}), ...(holdGpu ? { gpu: holdGpu } : {}) };
const result = await runProfilePage('decode', query, { fixture });
const same = Object.values(result.tokens).every((ids) => JSON.stringify(ids) === JSON.stringify(result.tokens.bareJsep));
console.log(JSON.stringify({ backend, inWorker: result.inWorker, median: result.median, sameTokens: same }, null, 1));
