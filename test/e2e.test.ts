/**
 * End to end, as a new user: `flyte-pipeline new --defaults` through the bin (which runs the real
 * `pipenv install --dev` from PyPI), then the generated project's own commands.
 * Needs pipenv and hadolint on PATH (`.ci/setup` installs both).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { runBin } from './helpers/project.js';

const WORKFLOWS = ['process_raw_data', 'generate_model_input', 'train_model', 'generate_model_output', 'evaluate', 'reporting', 'full'];

/** The user's shell: no outer virtualenv, the project's venv inside it, and no replay of Flyte's local cache. */
const { VIRTUAL_ENV: _ignored, ...baseEnv } = process.env;
const env = { ...baseEnv, PIPENV_VENV_IN_PROJECT: '1', PIPENV_YES: '1', PIPENV_NOSPIN: '1', FLYTE_LOCAL_CACHE_ENABLED: 'false' };

let project: string;
const inProject = (command: string, args: string[] = []) =>
  execa(command, args, { cwd: project, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });

beforeAll(async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'fp-e2e-'));
  const generated = await runBin(['new', 'Churn Model', '--defaults', '--aws-account-id', '210987654321', '--aws-region', 'eu-west-1'], {
    cwd: workspace,
    env,
    extendEnv: false,
    timeout: 15 * 60_000,
  });
  if (generated.exitCode !== 0) throw new Error(`flyte-pipeline new failed:\n${generated.all}`);
  project = join(workspace, 'churn-model');
}, 16 * 60_000);

describe('a project generated with --defaults', () => {
  it('was installed by pipenv: Pipfile.lock pins flytekit 1.16', () => {
    const lock = JSON.parse(readFileSync(join(project, 'Pipfile.lock'), 'utf8'));
    expect(lock.default.flytekit.version).toMatch(/^==1\.16\./);
    expect(lock.develop).toHaveProperty('pytest');
  });

  it('passes its own tests on the first run (make test)', async () => {
    const result = await inProject('make', ['test']);
    expect(result.all).toMatch(/\d+ passed/);
    expect(result.exitCode).toBe(0);
  }, 5 * 60_000);

  it('trains, evaluates and reports locally: ./run src/ full', async () => {
    const result = await inProject('./run', ['src/', 'full']);
    expect(result.exitCode).toBe(0);
    const model = /model=(\S+?\.joblib)/.exec(result.all ?? '')?.[1];
    const report = /report=(\S+?\.html)/.exec(result.all ?? '')?.[1];
    const accuracy = Number(/accuracy=([\d.]+)/.exec(result.all ?? '')?.[1]);
    const rocAuc = Number(/roc_auc=([\d.]+)/.exec(result.all ?? '')?.[1]);
    expect(model && existsSync(model)).toBeTruthy();
    expect(report && readFileSync(report, 'utf8')).toContain('ROC curve');
    expect(accuracy).toBeGreaterThan(0.9);
    expect(rocAuc).toBeGreaterThan(0.95);
  }, 5 * 60_000);

  it('runs a single step on its own: ./run src/ process_raw_data', async () => {
    const result = await inProject('./run', ['src/', 'process_raw_data']);
    expect(result.exitCode).toBe(0);
  }, 5 * 60_000);

  it('refuses an unknown workflow, listing the real ones', async () => {
    const result = await inProject('./run', ['src/', 'nope']);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('no workflow "nope"');
    for (const workflow of WORKFLOWS) expect(result.all).toContain(workflow);
  });

  it('packages all seven workflows with the project image: make package', async () => {
    const result = await inProject('make', ['package']);
    expect(result.exitCode).toBe(0);
    const listing = (await execa('tar', ['tzf', join(project, 'dist', 'flyte-package.tgz')])).stdout;
    for (const workflow of WORKFLOWS) expect(listing).toMatch(new RegExp(`workflows\\.${workflow}\\.${workflow}_\\d+\\.pb`));
    expect(listing).toMatch(/fast.*\.tar\.gz/);
  }, 5 * 60_000);

  it('plans the remote steps with the ECR image: make -n build push register', async () => {
    const result = await inProject('make', ['-n', 'build', 'push', 'register']);
    expect(result.exitCode).toBe(0);
    const image = /--tag (210987654321\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/churn-model:[0-9a-f]{16})/.exec(result.stdout)?.[1];
    expect(image).toBeDefined();
    expect(result.stdout).toContain(`docker push ${image}`);
    expect(result.stdout).toContain('aws ecr get-login-password --region eu-west-1');
    expect(result.stdout).toMatch(new RegExp(`pyflyte register --project churn-model --domain development --image ${image} --version \\S+ src/workflows`));
  });

  it('is formatted and lint-free as generated: black --check, flake8', async () => {
    const black = await inProject('pipenv', ['run', 'black', '--check', '.']);
    expect(black.all).not.toContain('would reformat');
    expect(black.exitCode).toBe(0);
    const flake8 = await inProject('pipenv', ['run', 'flake8', '.']);
    expect(flake8.all).toBe('');
    expect(flake8.exitCode).toBe(0);
  }, 2 * 60_000);

  it('has a Dockerfile hadolint finds nothing in', async () => {
    const result = await inProject('hadolint', ['Dockerfile']);
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('lists its make targets: make help', async () => {
    const result = await inProject('make', ['help']);
    for (const target of ['help', 'info', 'init', 'build', 'push', 'package', 'register', 'runcmd', 'test', 'code_style']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${target}\\s`, 'm'));
    }
  });
});
