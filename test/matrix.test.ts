/**
 * Every option must give a project that works. The options that interact, dependency manager x
 * linter, are crossed; GPU, CI and pre-commit are cycled across those cells (each on and off
 * twice). Per cell, as a user: generate through the bin (installing from PyPI), then the project's
 * tests, lint, `./run src/ full`, `make package`, hadolint; the CI and pre-commit YAML must parse
 * and name only commands the project has. pip's and uv's download caches are shared by the cells.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { expectSuccess, runBin } from './helpers/project.js';

interface Cell {
  dependencyManager: 'pipenv' | 'uv';
  linter: 'black-flake8' | 'ruff';
  gpu: boolean;
  ci: boolean;
  preCommit: boolean;
}

const CELLS: Cell[] = [
  { dependencyManager: 'pipenv', linter: 'black-flake8', gpu: false, ci: true, preCommit: true },
  { dependencyManager: 'pipenv', linter: 'ruff', gpu: true, ci: false, preCommit: true },
  { dependencyManager: 'uv', linter: 'black-flake8', gpu: true, ci: true, preCommit: false },
  { dependencyManager: 'uv', linter: 'ruff', gpu: false, ci: false, preCommit: false },
];

const { VIRTUAL_ENV: _outer, ...outer } = process.env;
// UV_PYTHON_DOWNLOADS=never: uv uses this machine's Python rather than fetching one.
const env = { ...outer, PIPENV_VENV_IN_PROJECT: '1', PIPENV_YES: '1', PIPENV_NOSPIN: '1', UV_PYTHON_DOWNLOADS: 'never', FLYTE_LOCAL_CACHE_ENABLED: 'false' };

const flags = (cell: Cell) => [
  '--dependency-manager',
  cell.dependencyManager,
  '--linter',
  cell.linter,
  cell.gpu ? '--gpu' : '--no-gpu',
  cell.ci ? '--ci' : '--no-ci',
  cell.preCommit ? '--pre-commit' : '--no-pre-commit',
];


describe.each(CELLS)('$dependencyManager x $linter (gpu $gpu, ci $ci, pre-commit $preCommit)', (cell) => {
  let project: string;
  const inProject = (command: string, args: string[] = []) =>
    execa(command, args, { cwd: project, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
  const runPrefix = cell.dependencyManager === 'uv' ? ['uv', 'run'] : ['pipenv', 'run'];
  const makeTargets = () => new Set([...readFileSync(join(project, 'Makefile'), 'utf8').matchAll(/^([a-z_-]+):/gm)].map((match) => match[1]));

  beforeAll(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'fp-matrix-'));
    const generated = await runBin(['new', 'Matrix Model', '--defaults', ...flags(cell)], { cwd: workspace, env, extendEnv: false, timeout: 15 * 60_000 });
    expectSuccess(generated);
    project = join(workspace, 'matrix-model');
  }, 16 * 60_000);

  it('installed and locked its dependencies', () => {
    expect(existsSync(join(project, cell.dependencyManager === 'uv' ? 'uv.lock' : 'Pipfile.lock'))).toBe(true);
    expect(existsSync(join(project, 'Pipfile'))).toBe(cell.dependencyManager === 'pipenv');
  });

  it('passes its tests and its linter', async () => {
    const tests = await inProject('make', ['test']);
    expectSuccess(tests);
    expect(tests.all).toMatch(/\d+ passed/);
    const lint = await inProject('make', ['lint']);
    expectSuccess(lint);
    expect(lint.all).toContain(cell.linter === 'ruff' ? 'ruff check .' : 'flake8 .');
  }, 5 * 60_000);

  it('trains locally and packages every workflow', async () => {
    const run = await inProject('./run', ['src/', 'full']);
    expectSuccess(run);
    expect(run.all).toMatch(/accuracy 0\.9\d/);
    expectSuccess(await inProject('make', ['package']));
    const listing = (await execa('tar', ['tzf', join(project, 'dist', 'flyte-package.tgz')])).stdout;
    expect(listing).toMatch(/workflows\.full\.full_\d+\.pb/);
  }, 5 * 60_000);

  it(`has a Dockerfile hadolint passes${cell.gpu ? ', on a CUDA base, with a GPU request on train_model' : ''}`, async () => {
    const hadolint = await inProject('hadolint', ['Dockerfile']);
    expect(hadolint.all).toBe('');
    const dockerfile = readFileSync(join(project, 'Dockerfile'), 'utf8');
    expect(dockerfile.includes('FROM nvidia/cuda:')).toBe(cell.gpu);
    expect(readFileSync(join(project, 'src', 'tasks', 'train_model.py'), 'utf8').includes('gpu="1"')).toBe(cell.gpu);
  });

  it(cell.ci ? 'has a CI workflow that parses and runs only what the project has' : 'has no CI workflow', async () => {
    const path = join(project, '.github', 'workflows', 'ci.yml');
    expect(existsSync(path)).toBe(cell.ci);
    if (!cell.ci) return;
    const workflow = parseYaml(readFileSync(path, 'utf8')) as { jobs: Record<string, { steps: Array<{ run?: string; uses?: string }> }> };
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
    expect(runs.length).toBeGreaterThan(0);
    const targets = makeTargets();
    for (const command of runs) {
      const [tool, ...rest] = command.split(/\s+/);
      if (tool === 'make') for (const target of rest) expect([command, targets.has(target)]).toEqual([command, true]);
      else if (tool === 'pip') expect(command).toMatch(/^pip install "pipenv==[\d.]+"$/);
      else expect([command, tool]).toEqual([command, cell.dependencyManager]);
    }
    expect(runs).toContain(cell.dependencyManager === 'uv' ? 'uv sync --frozen' : 'pipenv install --dev --deploy');
    // The commands CI runs, run here: the lint and tests passed above; the deploy job's make targets exist.
    expect(runs).toEqual(expect.arrayContaining(['make lint', 'make test', 'make build push register']));
  });

  it(cell.preCommit ? 'has pre-commit hooks that parse and call the project\'s own tools' : 'has no pre-commit config', async () => {
    const path = join(project, '.pre-commit-config.yaml');
    expect(existsSync(path)).toBe(cell.preCommit);
    if (!cell.preCommit) return;
    const config = parseYaml(readFileSync(path, 'utf8')) as { repos: Array<{ repo: string; hooks: Array<{ id: string; entry?: string }> }> };
    const local = config.repos.find((repo) => repo.repo === 'local');
    const entries = local?.hooks.map((hook) => hook.entry ?? '') ?? [];
    expect(entries.map((entry) => entry.split(' ').slice(2).join(' '))).toEqual(cell.linter === 'ruff' ? ['ruff format', 'ruff check'] : ['black', 'flake8']);
    for (const entry of entries) {
      const words = entry.split(' ');
      expect(words.slice(0, 2)).toEqual(runPrefix);
      // The tool is installed in the project's environment: `<run prefix> <tool> --version` answers.
      expectSuccess(await inProject(words[0], [words[1], words[2], '--version']));
    }
    const hygiene = config.repos.find((repo) => repo.repo.endsWith('pre-commit-hooks'));
    expect(hygiene?.hooks.map((hook) => hook.id)).toEqual(expect.arrayContaining(['trailing-whitespace', 'check-yaml', 'detect-private-key']));
  }, 60_000);
});
