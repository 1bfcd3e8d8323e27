/**
 * `npm run test:faults [-- <playwright options>]`: runs the fault suite, exactly the browser tests
 * docs/fault-suite.md lists, on both backends (or the `--project` given). It tests the build in `dist`
 * (or `TL_OUT_DIR`): build first.
 */
import { spawnSync } from 'node:child_process';
import { faultSuiteGrep, faultSuiteSpecs, readFaultSuite } from '../test/support/fault-suite';
import { REPO_ROOT } from '../test/support/paths';

const tests = readFaultSuite();
const args = ['playwright', 'test', ...faultSuiteSpecs(tests), '--grep', faultSuiteGrep(tests), ...process.argv.slice(2)];
const result = spawnSync('npx', args, { cwd: REPO_ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
