/** The GPU report's plan (which models on which adapter) and its roofline rows. */
import { describe, expect, it } from 'vitest';
import { adapterBandwidth, buildGpuReport, gpuReportMarkdown, isSoftwareAdapter, reportModel } from '../../src/bench/page/gpu-report';
import { spread } from '../../src/bench/shared/stats';
import type { BenchReport } from '../../src/bench/page/report';

const swiftshader = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' };
const rtx = { vendor: 'nvidia', architecture: 'ada-lovelace', description: 'NVIDIA GeForce RTX 4090' };

describe('GPU report plan', () => {
  it('tells software adapters from GPUs', () => {
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter(rtx)).toBe(false);
    expect(isSoftwareAdapter(rtx, true)).toBe(true);
  });

  it('shrinks synthetic shapes to tiny on a software adapter, and says so', () => {
    expect(reportModel('synthetic:llama-0.5b', true)).toEqual({ model: 'synthetic:tiny', note: expect.stringContaining('software adapter') });
    expect(reportModel('embedded', true)).toEqual({ model: 'embedded', note: null });
    expect(reportModel('synthetic:llama-0.5b:fp16', false)).toEqual({ model: 'synthetic:llama-0.5b:fp16', note: null });
  });

  it('falls back to fp32 for a weight type the synthetic parser does not know, and rejects an unknown shape', () => {
    expect(reportModel('synthetic:llama-0.5b:int3', false)).toEqual({ model: 'synthetic:llama-0.5b', note: expect.stringContaining('no such weight type') });
    expect(() => reportModel('synthetic:llama-70b:fp16', false)).toThrow('unknown synthetic shape');
  });

  it('takes the bandwidth given, else a preset the adapter names, else none', () => {
    expect(adapterBandwidth(rtx, 500)).toEqual({ gbps: 500, source: '--bandwidth' });
    expect(adapterBandwidth(rtx, null)).toEqual({ gbps: 1008, source: 'preset NVIDIA RTX 4090' });
    expect(adapterBandwidth(swiftshader, null)).toBeNull();
  });
});

describe('GPU report rows', () => {
  const decode = (median: number) => ({ ...spread([median]) });
  const bench = {
    createdAt: '2026-11-29T21:00:00Z',
    environment: { adapter: null },
    settings: { promptTokens: 16, newTokens: 16, warmupRuns: 1, measuredRuns: 2, longContextTokens: 1024 },
    models: [{ name: 'tl-gpt', weightBytesPerToken: 1e6, kvBytesPerToken: 1000, contextLength: 512 }],
    records: [{
      model: 'tl-gpt', engine: 'ours', backend: 'webgpu', decodeTokensPerSecond: decode(100),
      longContext: { tokens: 512, decodeTokensPerSecond: decode(50) },
      gpu: { dispatchesPerToken: 200, submitsPerToken: 13, buffersCreatedPerToken: 1, bytesAllocatedPerToken: 16384, readsPerToken: 1, bytesReadPerToken: 16384 },
    }],
  } as unknown as BenchReport;

  it('puts each context against the roofline of weights plus that much KV cache', () => {
    const report = buildGpuReport(bench, false, { gbps: 100, source: '--bandwidth' }, []);
    // Mean contexts: 16 + 16/2 = 24 and 512 − 16/2 = 504.
    expect(report.rows.map((r) => [r.context, r.bytesPerToken, r.rooflineTokensPerSecond])).toEqual([
      [24, 1e6 + 24_000, 100e9 / (1e6 + 24_000)],
      [504, 1e6 + 504_000, 100e9 / (1e6 + 504_000)],
    ]);
    expect(report.rows[1].fractionOfRoofline).toBeCloseTo(50 / (100e9 / 1.504e6));
    expect(report.notes).toEqual(['tl-gpt: long context clamped to 512 (its context is 512 tokens)']);
    expect(gpuReportMarkdown(report)).toContain('| tl-gpt | 504 | 50.0 | 1.50 |');
  });

  it('says when it has no bandwidth to draw the roofline with', () => {
    const report = buildGpuReport(bench, true, null, ['synthetic:llama-0.5b → synthetic:tiny']);
    expect(report.rows[0].rooflineTokensPerSecond).toBeNull();
    expect(report.notes.join('\n')).toContain('pass --bandwidth');
    expect(gpuReportMarkdown(report)).toContain('software');
  });
});
