/** The local Hub stand-in answers like the Hub, or the e2e tests would prove nothing about the real one. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../support/hub-server';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';

let hub: HubServer;
beforeAll(async () => {
  hub = await startHubServer({
    'test-org/stories260k': { dir: FIXTURE_MODEL_DIR },
    'transformer-lab/tl-gpt': { dir: path.join(REPO_ROOT, 'models/tl-gpt') },
    'faulty/stories260k': {
      dir: FIXTURE_MODEL_DIR,
      faults: {
        'onnx/model.onnx': { cutAfterBytes: 1000 },
        'onnx/model_q4.onnx': { wrongSha256: true },
        'onnx/model_fp16.onnx': { contentType: 'text/html', claimBytes: 50e9 },
      },
      overrides: { 'onnx/model_q4.onnx': readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx')), 'onnx/model_fp16.onnx': '<!doctype html><p>hi' },
    },
  });
});
afterAll(() => hub.close());

describe('the local Hub', () => {
  it('serves <id>/resolve/main/<file> with the SHA-256 as ETag for weights and CORS for the app', async () => {
    const onnx = readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx'));
    const response = await fetch(`${hub.origin}/test-org/stories260k/resolve/main/onnx/model.onnx`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${createHash('sha256').update(onnx).digest('hex')}"`);
    expect(response.headers.get('x-linked-size')).toBe(String(onnx.length));
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(Buffer.from(await response.arrayBuffer()).equals(onnx)).toBe(true);
  });

  it('answers byte ranges and HEAD like the Hub', async () => {
    const url = `${hub.origin}/transformer-lab/tl-gpt/resolve/main/config.json`;
    const whole = readFileSync(path.join(REPO_ROOT, 'models/tl-gpt/config.json'));
    const ranged = await fetch(url, { headers: { Range: 'bytes=5-' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 5-${whole.length - 1}/${whole.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(5))).toBe(true);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(whole.length));
  });

  it('says which of repo and file is missing', async () => {
    const noFile = await fetch(`${hub.origin}/test-org/stories260k/resolve/main/onnx/model_q4.onnx`);
    expect([noFile.status, noFile.headers.get('x-error-code')]).toEqual([404, 'EntryNotFound']);
    const noRepo = await fetch(`${hub.origin}/nobody/nothing/resolve/main/config.json`);
    expect([noRepo.status, noRepo.headers.get('x-error-code')]).toEqual([404, 'RepoNotFound']);
  });

  it('serves the faults the fault suite asks for: a cut connection (once), a wrong hash, an HTML type, a 50 GB claim', async () => {
    const base = `${hub.origin}/faulty/stories260k/resolve/main/`;
    const onnx = readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx'));
    await expect(fetch(`${base}onnx/model.onnx`).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect((await (await fetch(`${base}onnx/model.onnx`)).arrayBuffer()).byteLength).toBe(onnx.length);
    const q4 = await fetch(`${base}onnx/model_q4.onnx`);
    expect(q4.headers.get('etag')).not.toBe(`"${createHash('sha256').update(onnx).digest('hex')}"`);
    const head = await fetch(`${base}onnx/model_fp16.onnx`, { method: 'HEAD' });
    expect([head.headers.get('content-type'), head.headers.get('x-linked-size')]).toEqual(['text/html', '50000000000']);
  });
});
