/**
 * A folder URL with no dtype chosen loads the first weights file the folder has, in the Hub's dtype
 * order (as a Hub id offers them), so a repository with only onnx/model_q4.onnx loads; a folder with
 * none names the file it looked for first.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModelFiles } from '../../src/models/fetch-model';
import { ModelFileMissingError } from '../../src/core/errors';
import { rejection } from '../support/rejection';

const FOLDERS: Record<string, Record<string, string>> = {
  'q4-only': { 'config.json': '{"model_type":"llama"}', 'tokenizer.json': '{}', 'onnx/model_q4.onnx': 'q4 weights' },
  'q4-and-fp16': { 'config.json': '{}', 'tokenizer.json': '{}', 'onnx/model_q4.onnx': 'q4', 'onnx/model_fp16.onnx': 'fp16' },
  'no-weights': { 'config.json': '{}', 'tokenizer.json': '{}' },
};

let server: Server;
let base: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const [, folder, ...rest] = decodeURIComponent(request.url ?? '').split('/');
    const body = FOLDERS[folder]?.[rest.join('/')];
    if (request.method === 'GET') asked.push(`${folder}/${rest.join('/')}`);
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body) }).end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a folder URL without a chosen dtype', () => {
  it('loads onnx/model_q4.onnx from a folder that has nothing else, and says which file it loaded', async () => {
    const files = await fetchModelFiles(`${base}/q4-only/`, () => undefined);
    expect(files.onnxFile).toBe('onnx/model_q4.onnx');
    expect(new TextDecoder().decode(files.onnx)).toBe('q4 weights');
    expect(asked).not.toContain('q4-only/onnx/model.onnx');
  });

  it('takes the first dtype in the Hub order where there are several, and the asked-for file when one is asked for', async () => {
    expect((await fetchModelFiles(`${base}/q4-and-fp16/`, () => undefined)).onnxFile).toBe('onnx/model_fp16.onnx');
    expect((await fetchModelFiles(`${base}/q4-and-fp16/`, () => undefined, { onnxFile: 'onnx/model_q4.onnx' })).onnxFile).toBe('onnx/model_q4.onnx');
  });

  it('names the missing file where the folder has no weights at all', async () => {
    const error = await rejection(fetchModelFiles(`${base}/no-weights/`, () => undefined));
    expect(error).toBeInstanceOf(ModelFileMissingError);
    expect((error as Error).message).toContain('onnx/model.onnx');
  });
});
