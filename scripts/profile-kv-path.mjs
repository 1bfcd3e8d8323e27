// The WASM KV cache as `present.*` fed back vs the engine's append cache, side by side (see scripts/profile/kv-path.ts).
// Usage: node scripts/profile-kv-path.mjs [shape] [long-context] [steps] [rounds]   (default: gpt-25m 1024 16 3)
import { runProfilePage } from './profile/run-page.mjs';

const [shape = 'gpt-25m', long = '1024', steps = '16', rounds = '3'] = process.argv.slice(2);
const result = await runProfilePage('kv-path', { shape, long, steps, rounds });
console.log(JSON.stringify(result, null, 1));
