/**
 * The bin runs from a bundle (scripts/bundle/bundle.mjs) split along its dynamic imports, so that a
 * command loads only what it needs: `--help` and `--version` answer without loading yeoman, and
 * `new` never loads the AWS SDK (only `init` uses it). Before issue 13 every command loaded all of
 * it from ~2,000 files: 0.6 s for `--help`. Which chunks a command loaded is recorded by a module
 * hook; what each chunk holds is in the bundle's metafile (dist/bundle-meta.json).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { BIN, ROOT, expectSuccess, listFiles } from './helpers/project.js';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

const work = mkdtempSync(join(tmpdir(), 'fp-bundle-'));
const HOOK = join(work, 'record-loads.mjs');
writeFileSync(
  HOOK,
  `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ load(url, context, nextLoad) { appendFileSync(process.env.LOADED_LOG, url + '\\n'); return nextLoad(url, context); } });
`,
);

/** The source files (package paths under node_modules/, or ours) whose code `flyte-pipeline ARGS` loaded. */
async function loadedSources(args: string[], cwd: string): Promise<string[]> {
  const log = join(work, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const result = await execa(process.execPath, ['--import', HOOK, BIN, ...args], { cwd, reject: false, all: true, stdin: 'ignore', env: { LOADED_LOG: log } });
  expectSuccess(result);
  const metafile = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle-meta.json'), 'utf8')) as Metafile;
  const chunks = readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => relative(ROOT, fileURLToPath(url)).split('\\').join('/'));
  expect(chunks).toContain('dist/bin/bundle/cli.js');
  // Outside the bundle, only the entry that checks the Node version.
  expect(chunks.filter((chunk) => !chunk.startsWith('dist/bin/bundle/'))).toEqual(['dist/bin/flyte-pipeline.js']);
  return chunks.flatMap((chunk) => Object.keys(metafile.outputs[chunk]?.inputs ?? {}));
}

const packagesIn = (sources: string[]): Set<string> =>
  new Set(sources.filter((source) => source.startsWith('node_modules/')).map((source) => source.split('/').slice(1, source.split('/')[1].startsWith('@') ? 3 : 2).join('/')));

describe('the bundled bin', () => {
  it.each([[['--help']], [['--version']], [['new', '--help']], [['init', '--help']]])('`flyte-pipeline %j` loads neither yeoman nor the AWS SDK', async (args) => {
    const packages = [...packagesIn(await loadedSources(args, work))];
    expect(packages.filter((name) => /yeoman|inquirer|@aws-sdk|@smithy|execa/.test(name))).toEqual([]);
  });

  it('`new` loads yeoman and the app generator, not the AWS SDK, the npm registry client nor the external editor', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fp-bundle-new-'));
    const sources = await loadedSources(['new', 'Churn', '--defaults', '--skip-install'], cwd);
    expect(listFiles(join(cwd, 'churn'))).toEqual(expect.arrayContaining(['Makefile', 'Pipfile', 'src/workflows/full.py', '.yo-rc.json']));
    expect(sources).toEqual(expect.arrayContaining(['generators/app/index.ts', 'bin/run.ts']));
    const packages = packagesIn(sources);
    expect(['yeoman-environment', 'yeoman-generator'].filter((name) => !packages.has(name))).toEqual([]);
    expect([...packages].filter((name) => /@aws-sdk|@smithy|latest-version|^ky$|@npmcli|external-editor|iconv-lite|chardet/.test(name))).toEqual([]);
  });
});
