/**
 * A folder URL (not a Hub id) of a repository that has only onnx/model_q4.onnx, as many exports do:
 * it loads without a dtype being chosen (the folder's dtypes are probed as a Hub id's are) and
 * chats with native onnxruntime's greedy tokens, on both backends.
 */
import { test, expect, chat, waitForLoad } from './fixtures';
import { startHubServer, type HubServer } from '../support/hub-server';
import { exportFixtures, NEW_TOKENS, PROMPT, type FixtureRepo } from '../support/export-fixtures/repos';

const ID = 'test-org/llama-q4-only';
let repo: FixtureRepo;
let hub: HubServer;

test.beforeAll(async () => {
  test.setTimeout(600_000); // the first run builds the fixtures and their references
  repo = (await exportFixtures()).find((r) => r.id === ID)!;
  hub = await startHubServer({ [ID]: { dir: repo.dir } });
});
test.afterAll(async () => {
  await hub?.close();
});

test('a q4-only folder URL loads without a chosen dtype and chats', async ({ page, backend }) => {
  test.setTimeout(backend === 'webgpu' ? 480_000 : 240_000); // SwiftShader emulates the GPU on 2 cores
  const folderUrl = `${hub.origin}/${ID}/resolve/main/`;
  await page.goto(`./?model=${encodeURIComponent(folderUrl)}&backend=${backend}&temperature=0&max_new_tokens=${NEW_TOKENS}`);
  await waitForLoad(page);
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  // Only the weights file the folder has was downloaded.
  expect(hub.requests.filter((r) => r.method === 'GET' && r.file.startsWith('onnx/')).map((r) => r.file)).toEqual(['onnx/model_q4.onnx']);
  const reply = await chat(page, PROMPT);
  expect(reply.tokenIds).toEqual(repo.files.find((f) => f.file === 'onnx/model_q4.onnx')!.reference.ids);
});
