// Why decode slows as the context grows, on WASM (see scripts/profile/context.ts).
// Usage: node scripts/profile-context.mjs [shape] [long-context]   (default: gpt-25m 1024)
import { runProfilePage } from './profile/run-page.mjs';

const result = await runProfilePage('context', { shape: process.argv[2] ?? 'gpt-25m', long: process.argv[3] ?? '1024' });
console.log(JSON.stringify(result, null, 1));
