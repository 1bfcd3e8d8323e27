/** Types of bundle-harness.mjs, for the unit test that bundles the harness. */
export const RUNTIME_FILES: RegExp;
export function bundleHarness(options: { outDir: string; mode: 'copy' | 'link' }): Promise<{ harness: string; runtimeFiles: string[] }>;
