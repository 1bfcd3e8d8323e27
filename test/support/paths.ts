/** Where the read-only fixtures live: ../shared beside the checkout (never copied into the repo). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.TL_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared');
export const FIXTURE_MODEL_DIR = path.join(SHARED_DIR, 'models/stories260k');
export const GPT2_TOKENIZER_DIR = path.join(SHARED_DIR, 'tokenizers/gpt2');
