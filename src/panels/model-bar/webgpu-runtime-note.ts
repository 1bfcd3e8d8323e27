/**
 * The model bar's line about how WebGPU runs: which onnxruntime-web build (JSPI, or asyncify where the
 * browser has no JSPI) and how the KV cache is held (fixed capacity, or growing, and why).
 */
import { html, nothing } from 'lit';
import { msg, str } from '@lit/localize';
import type { KvCacheNote, ModelInfo } from '../../core/protocol';

function describeBuild(info: ModelInfo): string {
  return info.ortBuild === 'jspi'
    ? msg('WebGPU runtime: JSPI build')
    : msg('WebGPU runtime: asyncify build (this browser has no JSPI)');
}

function describeCache(note: KvCacheNote): string {
  if (note.kind === 'static') return msg(str`KV cache: fixed, ${note.capacity} tokens`);
  switch (note.reason) {
    case 'no-group-query-attention':
      return msg('KV cache: growing (the graph has no GroupQueryAttention to write it in place)');
    case 'adapter-limit':
      return msg('KV cache: growing (a fixed one does not fit this GPU adapter\'s buffer limits)');
    case 'off':
      return msg('KV cache: growing (a fixed one measured slower on this runtime)');
  }
}

export function renderWebGpuRuntime(info: ModelInfo) {
  if (info.backend !== 'webgpu' || !info.ortBuild) return nothing;
  return html`<span class="note" data-testid="webgpu-runtime">${describeBuild(info)}${info.kvCache ? html` · <span data-testid="kv-cache">${describeCache(info.kvCache)}</span>` : nothing}</span>`;
}
