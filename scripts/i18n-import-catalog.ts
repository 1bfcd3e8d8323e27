/**
 * Copies the translations of src/i18n/zh-Hans-catalog.ts (keyed by the English source, `{0}`, `{1}`…
 * for the `${…}` expressions of a `str` or `html` template) into xliff/zh-Hans.xlf as <target>s, the
 * file `lit-localize build` reads. The catalog wins over a target already there, so running it again
 * after merging new catalog entries is safe:
 *
 *   npm run i18n:extract && npm run i18n:import && npm run i18n:build
 *
 * Exits 1, naming them, when a translation does not fit its source's placeholders or a message of
 * the app has no translation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ZH_HANS } from '../src/i18n/zh-Hans-catalog';
import { UNIT, readSource, targetXml } from './i18n/xliff';

const XLIFF_FILE = 'xliff/zh-Hans.xlf';

const used = new Set<string>();
const problems: string[] = [];
const untranslated: string[] = [];
let written = 0;
const updated = readFileSync(XLIFF_FILE, 'utf8').replace(UNIT, (unit, head: string, _id: string, sourceXml: string) => {
  const { source, placeholders } = readSource(sourceXml);
  const translation = ZH_HANS[source];
  if (translation === undefined) {
    if (!unit.includes('<target>')) untranslated.push(source);
    return unit;
  }
  used.add(source);
  const target = targetXml(translation, placeholders);
  if ('problem' in target) {
    problems.push(`"${source}": ${target.problem}`);
    return unit;
  }
  written++;
  return `${head}  <target>${target.xml}</target>\n`;
});
writeFileSync(XLIFF_FILE, updated);

const unused = Object.keys(ZH_HANS).filter((source) => !used.has(source));
console.log(`${XLIFF_FILE}: ${written} targets from the catalog`);
if (unused.length) console.log(`catalog entries for messages the app no longer has (${unused.length}), left out:\n  ${unused.join('\n  ')}`);
if (untranslated.length) console.error(`messages without a translation (${untranslated.length}):\n  ${untranslated.join('\n  ')}`);
if (problems.length) console.error(`translations that do not fit their source (${problems.length}):\n  ${problems.join('\n  ')}`);
if (untranslated.length || problems.length) process.exit(1);
