/**
 * Local-loop benchmark (`npm run bench:local`): the wall time of `./run src/ full` in a generated
 * project, on the bundled sample and on a 100,000-row table with categorical columns (and gaps,
 * an id and a date column: test/local/tables.py's churn table), each:
 * - cold: an empty local cache (a home of its own) and no fitted candidate kept: every task runs;
 * - warm: right after, nothing changed: every task from the cache;
 * - one more candidate: a candidate added to src/candidates.py: only it is fitted.
 * Alternated, median of BENCH_RUNS (5) each. Bars (issues 11, 16): warm <= 40 % of cold.
 * BENCH_PROJECT=PATH times an installed project instead of generating and installing one;
 * BENCH_ROWS sets the large table's rows (100000).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN } from '../test/helpers/project.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BAR = 0.4;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { VIRTUAL_ENV: _outer, FLYTE_LOCAL_CACHE_ENABLED: _cache, ...outer } = process.env;
const env: Record<string, string> = { ...(outer as Record<string, string>), PIPENV_VENV_IN_PROJECT: '1', PIPENV_YES: '1', PIPENV_NOSPIN: '1' };
const workspace = mkdtempSync(join(tmpdir(), 'fp-bench-local-'));

let project = process.env.BENCH_PROJECT;
if (!project) {
  console.log('generating and installing a project (pipenv install --dev)...');
  await execa(process.execPath, [BIN, 'new', 'Bench Model', '--defaults'], { cwd: workspace, env, extendEnv: false });
  project = join(workspace, 'bench-model');
}
const cwd = project;
const python = join(cwd, '.venv', 'bin', 'python');
const declaration = join(cwd, 'src', 'dataset.py');
const candidates = join(cwd, 'src', 'candidates.py');
const sampleDeclaration = readFileSync(declaration, 'utf8');
const sampleCandidates = readFileSync(candidates, 'utf8');

/** Seconds taken by `./run src/ full` with this home (and so this local cache). */
async function run(home: string): Promise<number> {
  const started = performance.now();
  await execa('./run', ['src/', 'full'], { cwd, env: { ...env, HOME: home, TMPDIR: mkdtempSync(join(workspace, 'tmp-')) }, extendEnv: false });
  return (performance.now() - started) / 1000;
}

/** A cold run: a new home (an empty local cache), no fitted candidate kept in data/. */
async function cold(): Promise<[number, string]> {
  const home = mkdtempSync(join(workspace, 'home-'));
  rmSync(join(cwd, 'data', '06_models', 'candidates'), { recursive: true, force: true });
  return [await run(home), home];
}

const ONE_MORE = `
CANDIDATES["binary"] = [*CANDIDATES["binary"], Candidate("extra_trees", "sklearn.ensemble.ExtraTreesClassifier", {"n_estimators": [100], "random_state": [0]})]
`;

async function measure(name: string): Promise<void> {
  writeFileSync(candidates, sampleCandidates);
  await run(mkdtempSync(join(workspace, 'home-')));
  const times = { cold: [] as number[], warm: [] as number[], added: [] as number[] };
  for (let index = 0; index < RUNS; index += 1) {
    const [seconds, home] = await cold();
    times.cold.push(seconds);
    times.warm.push(await run(home));
    writeFileSync(candidates, sampleCandidates + ONE_MORE);
    times.added.push(await run(home));
    writeFileSync(candidates, sampleCandidates);
  }
  const ratio = median(times.warm) / median(times.cold);
  const seconds = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  console.log(`\n${name}: ./run src/ full, ${RUNS} alternated runs each (seconds)`);
  console.log(`cold (empty cache)       median ${median(times.cold).toFixed(2)}   runs ${seconds(times.cold)}`);
  console.log(`warm (all cached)        median ${median(times.warm).toFixed(2)}   runs ${seconds(times.warm)}`);
  console.log(`one candidate added      median ${median(times.added).toFixed(2)}   runs ${seconds(times.added)}`);
  console.log(`warm / cold              ${(100 * ratio).toFixed(0)} %   (bar: <= ${100 * BAR} %: ${ratio <= BAR ? 'met' : 'NOT met'})`);
  if (ratio > BAR) process.exitCode = 1;
}

try {
  await measure('the sample (569 rows, 30 numeric columns)');
  const tables = join(cwd, 'data', '01_raw');
  await execa(python, ['-c', `import sys; sys.path.insert(0, sys.argv[1]); import tables; tables.churn(${ROWS}).to_csv(sys.argv[2], index=False)`, join(import.meta.dirname, '..', '..', 'test', 'local'), join(tables, 'bench-churn.csv')]);
  writeFileSync(
    declaration,
    sampleDeclaration
      .replace(/raw_data=".*?"/, 'raw_data="data/01_raw/bench-churn.csv"')
      .replace(/target=".*?"/, 'target="churned"')
      .replace(/positive_class=".*?"/, 'positive_class="yes"')
      .replace(/leave_out=\[.*?\]/, 'leave_out=["customer_id"]'),
  );
  await measure(`a ${ROWS.toLocaleString('en')}-row table (churn: 2 categorical, 3 numeric, 1 date, an id; gaps)`);
} finally {
  writeFileSync(declaration, sampleDeclaration);
  writeFileSync(candidates, sampleCandidates);
  rmSync(join(cwd, 'data', '01_raw', 'bench-churn.csv'), { force: true });
}
