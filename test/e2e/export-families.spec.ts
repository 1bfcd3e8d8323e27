/**
 * Models as visitors download them from the Hub, in both export families: an Optimum-style repo in
 * fp32 (with external data), fp16, q8 and q4; an onnxruntime-genai builder repo (GroupQueryAttention
 * fed from the attention mask, RotaryEmbedding, SkipSimplifiedLayerNormalization, MatMulNBits, fp16
 * caches); and a repo with nothing but model_q4.onnx. Each is chosen in the confirm dialog, loaded
 * from the local Hub server and chatted with through the UI; its greedy reply must be exactly the
 * tokens native onnxruntime-node produced for the same prompt (test/support/export-fixtures).
 */
import { test, expect, chat, waitForLoad } from './fixtures';
import { startHubServer, type HubServer } from '../support/hub-server';
import { exportFixtures, FIXTURE_CASES, NEW_TOKENS, PROMPT, type FixtureRepo } from '../support/export-fixtures/repos';

let repos: FixtureRepo[];
let hub: HubServer;

test.beforeAll(async () => {
  test.setTimeout(600_000); // the first run builds the fixtures and their references
  repos = await exportFixtures();
  hub = await startHubServer(Object.fromEntries(repos.map((r) => [r.id, { dir: r.dir }])));
});
test.afterAll(async () => {
  await hub?.close();
});

for (const { id, family, dtype, file } of FIXTURE_CASES) {
  test(`${family} export ${id} in ${dtype} answers with native onnxruntime's greedy tokens`, async ({ page, backend }) => {
    const repo = repos.find((r) => r.id === id)!;
    const reference = repo.files.find((f) => f.dtype === dtype)!.reference;
    hub.requests.length = 0;
    test.setTimeout(backend === 'webgpu' ? 480_000 : 240_000); // SwiftShader emulates the GPU on 2 cores
    // fp16 arithmetic needs the adapter's shader-f16; without it Auto runs the model on WASM and says why.
    const needsF16 = dtype === 'fp16' || dtype === 'q4f16';
    // onnxruntime-web 1.30's WebGPU EP gets the q8 graph (DynamicQuantizeLinear + MatMulInteger) wrong:
    // the prefill token is right, every decode step after it repeats it (a bare InferenceSession loop
    // does the same; the WASM EP matches native). So the engine refuses it there and Auto uses WASM.
    const wrongOnWebGpu = dtype === 'q8';
    // A model WebGPU may refuse goes through Auto, which falls back to WASM and says why. SwiftShader is a
    // software adapter, which Auto never chooses (it says so): the other models force WebGPU to run there.
    const preference = backend === 'wasm' ? 'wasm' : needsF16 || wrongOnWebGpu ? 'auto' : 'webgpu';
    await page.goto(`./?model=${id}&hub=${encodeURIComponent(hub.origin)}&backend=${preference}&temperature=0&max_new_tokens=${NEW_TOKENS}`);
    const adapter = backend === 'webgpu' ? await page.evaluate(async () => {
      const found = await navigator.gpu?.requestAdapter();
      const info = found?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
      return { f16: !!found?.features.has('shader-f16'), software: !!info?.isFallbackAdapter || /swiftshader|llvmpipe/i.test(`${info?.architecture} ${info?.description}`) };
    }) : { f16: false, software: false };
    const expectedBackend = backend === 'webgpu' && preference === 'auto' && (adapter.software || (needsF16 && !adapter.f16) || wrongOnWebGpu) ? 'wasm' : backend;
    const confirm = page.getByTestId('model-confirm');
    // The repo's dtypes and nothing else are offered.
    await expect(confirm.locator('[data-testid^=dtype-size-]')).toHaveCount(repo.files.length);
    await confirm.getByRole('radio', { name: dtype, exact: true }).check();
    await confirm.getByTestId('confirm-download').click();
    await waitForLoad(page);
    await expect(page.getByTestId('load-error')).toHaveCount(0);
    await expect(page.getByTestId('backend-badge')).toHaveText(expectedBackend);
    if (expectedBackend !== backend) {
      await expect(page.getByTestId('fallback-reason')).toContainText(adapter.software ? 'software one'
        : wrongOnWebGpu ? 'computes 8-bit (MatMulInteger) models wrongly on WebGPU' : 'no shader-f16 support');
    }
    expect(hub.requests.filter((r) => r.repo === id && r.method === 'GET' && r.file.startsWith('onnx/')).map((r) => r.file)).toEqual(
      file === 'onnx/model.onnx' ? [file, `${file}_data`] : [file],
    );
    const reply = await chat(page, PROMPT);
    expect(reply.tokenIds).toEqual(reference.ids);
  });
}
