/**
 * Foundation benchmark (`npm run bench`):
 *   1. whole-process time of `flyte-pipeline new --defaults --skip-install`, median of RUNS;
 *   2. `./run src/ full` in a freshly installed project with Flyte's local cache cold, then warm.
 * The local cache lives in ~/.flyte/local-cache, so step 2 runs with HOME set to an empty folder.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Options } from 'execa';
import { BIN } from '../test/helpers/project.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function timed(command: string, args: string[], options: Options = {}): Promise<number> {
  const started = performance.now();
  await execa(command, args, { stdin: 'ignore', ...options });
  return (performance.now() - started) / 1000;
}

async function generationTimes(): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const cwd = mkdtempSync(join(tmpdir(), 'fp-bench-new-'));
    times.push(await timed(process.execPath, [BIN, 'new', 'Bench Model', '--defaults', '--skip-install'], { cwd }));
  }
  return times;
}

async function localRunTimes(): Promise<{ install: number; cold: number; warm: number }> {
  const { VIRTUAL_ENV: _outer, ...outer } = process.env;
  const env = { ...outer, PIPENV_VENV_IN_PROJECT: '1', PIPENV_YES: '1', PIPENV_NOSPIN: '1' };
  const cwd = mkdtempSync(join(tmpdir(), 'fp-bench-run-'));
  const install = await timed(process.execPath, [BIN, 'new', 'Bench Model', '--defaults'], { cwd, env, extendEnv: false });
  const project = join(cwd, 'bench-model');
  const home = join(cwd, 'home');
  mkdirSync(home);
  // Resolve pipenv's venv once with the real HOME, so both timed runs pay the same start-up.
  await execa('pipenv', ['--venv'], { cwd: project, env, extendEnv: false });
  const runEnv = { ...env, HOME: home, FLYTE_LOCAL_CACHE_ENABLED: 'true' };
  const cold = await timed('./run', ['src/', 'full'], { cwd: project, env: runEnv, extendEnv: false });
  const warm = await timed('./run', ['src/', 'full'], { cwd: project, env: runEnv, extendEnv: false });
  return { install, cold, warm };
}

const generation = await generationTimes();
console.log(`flyte-pipeline new --defaults --skip-install, ${RUNS} runs: median ${median(generation).toFixed(2)} s ` +
  `(min ${Math.min(...generation).toFixed(2)}, max ${Math.max(...generation).toFixed(2)})`);
if (!process.argv.includes('--skip-run')) {
  const { install, cold, warm } = await localRunTimes();
  console.log(`flyte-pipeline new --defaults (with pipenv install --dev): ${install.toFixed(1)} s`);
  console.log(`./run src/ full: cold cache ${cold.toFixed(2)} s, warm cache ${warm.toFixed(2)} s, warm/cold ${(warm / cold).toFixed(2)}`);
}
