/**
 * `npm run test:faults [-- <playwright options>]`: runs the fault suite, exactly the browser tests
 * docs/fault-suite.md lists, on both backends (or the `--project` given). It tests the build in `dist`
 * (or `TL_OUT_DIR`): build first. Two workers unless `TL_E2E_WORKERS` says otherwise; SwiftShader without
 * workgroup zero-fill unless `TL_E2E_SKIP_WORKGROUP_INIT=0`.
 */
import { spawnSync } from 'node:child_process';
import { faultSuiteGrep, faultSuiteSpecs, readFaultSuite } from '../test/support/fault-suite';
import { REPO_ROOT } from '../test/support/paths';

const tests = readFaultSuite();
const args = ['playwright', 'test', ...faultSuiteSpecs(tests), '--grep', faultSuiteGrep(tests), ...process.argv.slice(2)];
// Two browsers at once (one per core here), unless TL_E2E_WORKERS says otherwise: the suite's two big
// specs share their probes out between them. SwiftShader without workgroup zero-fill compiles shaders
// about 4× sooner; it is not a browser's WebGPU, so only this suite uses it, and its token checks on
// WebGPU (the fixture's) pass with it (docs/fault-suite.md, "Run time").
const env = {
  ...process.env,
  TL_E2E_WORKERS: process.env.TL_E2E_WORKERS ?? '2',
  TL_E2E_SKIP_WORKGROUP_INIT: process.env.TL_E2E_SKIP_WORKGROUP_INIT ?? '1',
};
const result = spawnSync('npx', args, { cwd: REPO_ROOT, stdio: 'inherit', env });
process.exit(result.status ?? 1);
