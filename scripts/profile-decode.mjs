// Profiles one decode step several ways in the browser (see scripts/profile/decode.ts) on the stories260k fixture.
// Usage: node scripts/profile-decode.mjs [wasm|webgpu] [runs] [--worker] [--adapter | --gpu] [--model DIR] [--speeds]
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
// The chat way samples (the Chat's defaults) and stops at EOS: its tokens are not comparable.
const same = Object.entries(result.tokens).every(([way, ids]) => way === 'chat' || JSON.stringify(ids) === JSON.stringify(result.tokens.bareJsep));
const ratio = (a, b) => (result.median[a] && result.median[b] ? +(result.median[a] / result.median[b]).toFixed(3) : null);
console.log(JSON.stringify({ backend, inWorker: result.inWorker, median: result.median, loopOverStep: ratio('loop', 'step'), chatOverLoop: ratio('chat', 'loop'), sameTokens: same }, null, 1));
if (process.argv.includes('--speeds')) console.log(JSON.stringify(result.speeds));
