/**
 * Why a benchmark could not finish, sorted into the categories a person comparing devices cares about.
 * The codes are the JSON's; the English labels are the exports' and the CLI's; the page words each code
 * in its language.
 */
import type { Backend } from '../../core/protocol';

export const FAILURE_CATEGORIES = {
  'no-webgpu': 'no WebGPU',
  'no-adapter': 'no adapter',
  'missing-feature': 'missing feature',
  'out-of-memory': 'out of memory',
  'device-lost': 'device lost',
  'shader-failure': 'shader/pipeline failure',
  timeout: 'timeout',
  'wrong-results': 'wrong results',
  'download-failed': 'download failed',
  other: 'other error',
} as const;

export type FailureCategory = keyof typeof FAILURE_CATEGORIES;

export interface BenchFailure {
  category: FailureCategory;
  /** The backend it happened on; null before any backend ran (the download). */
  backend: Backend | null;
  /** The error's own message, as the runtime or browser gave it. */
  message: string;
}

/** Tests in order: the first that matches names the category. */
const RULES: [FailureCategory, (name: string, message: string) => boolean][] = [
  ['download-failed', (n, m) => /^Model(Fetch|FileMissing|Url)Error$/.test(n) || /failed to fetch|network|download/i.test(m)],
  ['no-webgpu', (n, m) => (n === 'WebGpuUnavailableError' && /api|navigator\.gpu/i.test(m)) || /no WebGPU API/i.test(m)],
  ['no-adapter', (n, m) => n === 'WebGpuUnavailableError' || /no (WebGPU )?adapter|requestAdapter/i.test(m)],
  ['missing-feature', (_n, m) => /shader-f16|feature|not supported by (this|the) (adapter|device)/i.test(m)],
  ['out-of-memory', (n, m) => n === 'OutOfMemoryError' || n === 'BenchWorkerCrashedError' || /out of memory|\boom\b|allocation failed|RangeError: Array buffer/i.test(m)],
  ['device-lost', (n, m) => n === 'GpuDeviceLostError' || /device (was )?lost|lost the device/i.test(m)],
  ['shader-failure', (_n, m) => /shader|pipeline|WGSL|compilation/i.test(m)],
  ['timeout', (n, m) => n === 'TimeoutError' || /timed? ?out/i.test(m)],
  ['wrong-results', (n) => n === 'WrongResultsError'],
];

/** WebGpuUnavailableError's own reason codes (src/core/protocol.ts), where the error carries one. */
const WEBGPU_CODES: Record<string, FailureCategory> = {
  'no-webgpu-api': 'no-webgpu',
  'no-adapter': 'no-adapter',
  'adapter-request-failed': 'no-adapter',
  'no-shader-f16': 'missing-feature',
  'session-build-failed': 'shader-failure',
  'wrong-8bit-kernels': 'wrong-results',
};

export function classifyFailure(error: unknown, backend: Backend | null): BenchFailure {
  const code = (error as { params?: { code?: unknown } } | null)?.params?.code;
  if (typeof code === 'string' && WEBGPU_CODES[code]) return { category: WEBGPU_CODES[code], backend, message: error instanceof Error ? error.message : String(code) };
  const name = error instanceof Error ? error.name : typeof error === 'object' && error && 'name' in error ? String((error as { name: unknown }).name) : '';
  const message = error instanceof Error ? error.message : typeof error === 'object' && error && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  const category = RULES.find(([, test]) => test(name, message))?.[0] ?? 'other';
  return { category, backend, message };
}
