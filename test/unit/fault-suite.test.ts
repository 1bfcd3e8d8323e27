/**
 * docs/fault-suite.md is the fault suite: every probe it lists must name a browser test that exists,
 * every numbered probe test in the specs must be listed (or `npm run test:faults` would skip it), and
 * the grep that command runs must select exactly the listed tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultSuiteGrep, faultSuiteSpecs, parseFaultSuite, readFaultSuite, specFile, FAULT_SUITE_DOC } from '../support/fault-suite';
import { REPO_ROOT } from '../support/paths';

/** Every single-quoted string literal in a spec, unescaped: test titles, including those built in loops. */
function stringLiterals(spec: string): string[] {
  const source = readFileSync(path.join(REPO_ROOT, specFile(spec)), 'utf8');
  return [...source.matchAll(/'((?:[^'\\\n]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** The titles of the tests a spec declares directly with `test('…'`. */
function declaredTitles(spec: string): string[] {
  const source = readFileSync(path.join(REPO_ROOT, specFile(spec)), 'utf8');
  return [...source.matchAll(/\btest\(\s*'((?:[^'\\\n]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

const suite = readFaultSuite();

describe('docs/fault-suite.md', () => {
  it('lists as many probes as it says, numbered 1 to N once each', () => {
    const said = Number(/The (\d+) probes/.exec(readFileSync(FAULT_SUITE_DOC, 'utf8'))?.[1]);
    const probes = [...new Set(suite.map((t) => t.probe))];
    expect(probes).toEqual(Array.from({ length: said }, (_, i) => i + 1));
  });

  it('names, for every probe, a test that exists in the spec it names', () => {
    const missing = suite.filter((t) => !stringLiterals(t.spec).includes(t.title));
    expect(missing).toEqual([]);
  });

  it('lists every numbered probe test of the specs it runs', () => {
    const listed = new Set(suite.map((t) => t.title));
    for (const spec of new Set(suite.map((t) => t.spec))) {
      const numbered = stringLiterals(spec).filter((s) => /^P\d+ /.test(s));
      expect(numbered.filter((title) => !listed.has(title)), spec).toEqual([]);
    }
  });

  it('gives npm run test:faults a grep that selects exactly the listed tests', () => {
    const grep = new RegExp(faultSuiteGrep(suite));
    const listed = new Set(suite.map((t) => t.title));
    const specs = [...new Set(suite.map((t) => t.spec))];
    expect(faultSuiteSpecs(suite)).toEqual(specs.map(specFile));
    for (const spec of specs) {
      for (const title of [...declaredTitles(spec), ...stringLiterals(spec).filter((s) => /^P\d+ /.test(s))]) {
        expect(grep.test(title), `${spec} › ${title}`).toBe(listed.has(title));
      }
    }
  });

  it('reads a cell naming several tests, and refuses one that names none', () => {
    expect(parseFaultSuite('| 3 | a probe | faults › P03 one; two; hub-models › a; b |')).toEqual([
      { probe: 3, spec: 'faults', title: 'P03 one; two' },
      { probe: 3, spec: 'hub-models', title: 'a; b' },
    ]);
    expect(() => parseFaultSuite('| 4 | a probe | just a sentence |')).toThrow(/probe 4/);
  });
});
