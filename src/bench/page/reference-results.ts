/**
 * Results shipped with the app for the compare view: every device the project has measured, each a
 * real report of the benchmark (its date, browser and runtime inside), read through the same checks as a
 * link. docs/bench-results.md says how each was measured.
 */
import type { BenchReport } from './report';
import { readReport } from './read-report';
// The development VM (2 vCPUs shared with other jobs, no GPU), tl-gpt on WASM, measured while loaded.
import devVmWasm from './reference/dev-vm-wasm-2026-12-07.json';
// The same VM later that day on onnxruntime-web 1.31.1: WASM, and WebGPU on SwiftShader, a software
// adapter (a GPU emulated on the CPU: its speed says nothing about a GPU), measured while loaded.
import devVmSwiftShaderWasm from './reference/dev-vm-swiftshader-wasm-2026-12-07.json';

export const REFERENCE_RESULTS: BenchReport[] = [readReport(devVmWasm), readReport(devVmSwiftShaderWasm)];
