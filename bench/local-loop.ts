/**
 * Local-loop benchmark (`npm run bench:local`): the wall time of `./run src/ full` in a generated
 * project, cold (an empty local cache: every task runs) against warm (every task from the cache),
 * alternated, median of BENCH_RUNS (5) each. The bar (issue 11): warm <= 40 % of cold.
 * Each cold run gets a home of its own, so an empty ~/.flyte/local-cache; the warm run after it
 * uses the same home. One untimed run first compiles the project's bytecode.
 * BENCH_PROJECT=PATH times an installed project instead of generating and installing one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN } from '../test/helpers/project.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
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

/** Seconds taken by `./run src/ full` with this home (and so this local cache). */
async function run(home: string): Promise<number> {
  const started = performance.now();
  await execa('./run', ['src/', 'full'], { cwd, env: { ...env, HOME: home, TMPDIR: mkdtempSync(join(workspace, 'tmp-')) }, extendEnv: false });
  return (performance.now() - started) / 1000;
}

await run(mkdtempSync(join(workspace, 'home-')));
const cold: number[] = [];
const warm: number[] = [];
for (let index = 0; index < RUNS; index += 1) {
  const home = mkdtempSync(join(workspace, 'home-'));
  cold.push(await run(home));
  warm.push(await run(home));
}
const ratio = median(warm) / median(cold);
const seconds = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
console.log(`\n./run src/ full, ${RUNS} alternated runs each (seconds)`);
console.log(`cold (empty cache)   median ${median(cold).toFixed(2)}   runs ${seconds(cold)}`);
console.log(`warm (all cached)    median ${median(warm).toFixed(2)}   runs ${seconds(warm)}`);
console.log(`warm / cold          ${(100 * ratio).toFixed(0)} %   (bar: <= ${100 * BAR} %: ${ratio <= BAR ? 'met' : 'NOT met'})`);
process.exitCode = ratio <= BAR ? 0 : 1;
