/**
 * End to end, as a new user: `flyte-pipeline new --defaults` through the bin (which runs the real
 * `pipenv install --dev` from PyPI), then the generated project's own commands.
 * Needs pipenv and hadolint on PATH (`.ci/setup` installs both).
 */
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { execa } from 'execa';
import { startMoto, type Moto } from './helpers/moto.js';
import helpers from 'yeoman-test';
import { APP_GENERATOR, ROOT, listFiles, expectSuccess, runBin } from './helpers/project.js';

const WORKFLOWS = ['process_raw_data', 'generate_model_input', 'train_model', 'generate_model_output', 'evaluate', 'reporting', 'full'];

/** The user's shell: no outer virtualenv, the project's venv inside it, and no replay of Flyte's local cache. */
const { VIRTUAL_ENV: _ignored, ...baseEnv } = process.env;
const env = { ...baseEnv, PIPENV_VENV_IN_PROJECT: '1', PIPENV_YES: '1', PIPENV_NOSPIN: '1', FLYTE_LOCAL_CACHE_ENABLED: 'false' };

let project: string;

const inProject = (command: string, args: string[] = []) =>
  execa(command, args, { cwd: project, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });

beforeAll(async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'fp-e2e-'));
  const generated = await runBin(['new', 'Churn Model', '--defaults', '--aws-account-id', '210987654321', '--aws-region', 'eu-west-1', '--flyte-endpoint', 'localhost:30080'], {
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
    // The summary: what ran, each output in its data layer, the model and its headline metric
    // against the baseline, the report to open.
    const model = /^\s+model\s+(data\/06_models\/model\.joblib)$/m.exec(result.stdout)?.[1];
    const report = /^Report: file:\/\/(\S+\/data\/08_reporting\/report\.html)$/m.exec(result.stdout)?.[1];
    const accuracy = Number(/accuracy ([\d.]+)/.exec(result.stdout)?.[1]);
    const rocAuc = Number(/^Validation roc_auc ([\d.]+) \(\d+ rows\): baseline 0\.5/m.exec(result.stdout)?.[1]);
    expect(result.stdout).toMatch(/^  ran: +process_raw_data, generate_model_input, candidate_settings, fit_candidate \(each setting\)/m);
    expect(result.stdout).toMatch(/^Model: \w+ \{.*\} \(binary, 7 settings tried\)$/m);
    expect(result.stdout).toMatch(/^Gates: all passed$/m);
    expect(model && existsSync(join(project, model))).toBeTruthy();
    expect(report && readFileSync(report, 'utf8')).toContain('id="roc-curve"');
    expect(accuracy).toBeGreaterThan(0.9);
    expect(rocAuc).toBeGreaterThan(0.95);
    expect(result.stdout).not.toContain('PipelineOutput(');
  }, 5 * 60_000);

  it('runs each step on its own from the files of the step before: ./run src/ train_model', async () => {
    for (const [workflow, name, output] of [['process_raw_data', 'output', 'data/03_primary/primary.parquet'], ['train_model', 'model', 'data/06_models/model.joblib']]) {
      const result = await inProject('./run', ['src/', workflow]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +${output}$`, 'm'));
    }
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
    expect(result.stdout).toContain('docker login --username AWS --password-stdin 210987654321.dkr.ecr.eu-west-1.amazonaws.com');
    expect(result.stdout).toMatch(new RegExp(`pyflyte register --project churn-model --domain development --image ${image} --version \\S+ --copy auto --destination-dir /home/flyte/app src/workflows`));
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

/**
 * The remote loop (`./run --remote`), on the same installed project. ECR is moto_server; docker is
 * the STAND-IN in test/fixtures/bin (no Docker daemon here); FlyteAdmin is out of reach, so the
 * launch is checked as the plan's exact step, and registration as the real `pyflyte register`
 * failing to connect.
 */
describe('the remote loop', () => {
  let moto: Moto;
  let ecr: ECRClient;
  let remoteEnv: Record<string, string>;
  let dockerLog: string;
  const inRemote = (command: string, args: string[] = [], extra: Record<string, string> = {}) =>
    execa(command, args, { cwd: project, env: { ...remoteEnv, ...extra }, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
  const plan = async (): Promise<RemotePlan> => {
    const result = await inRemote('./run', ['--remote', '--dry-run', '--json', 'src/', 'full']);
    if (result.exitCode !== 0) throw new Error(String(result.all));
    return JSON.parse(String(result.stdout)) as RemotePlan;
  };
  const runs = (current: RemotePlan) => current.steps.map((step) => `${step.name}:${step.run ? 'run' : 'skip'}`);
  const dockerCalls = (verb: string) => readFileSync(dockerLog, 'utf8').trim().split('\n').filter((line) => line && JSON.parse(line)[0] === verb).length;
  const git = (...args: string[]) => inRemote('git', args);

  beforeAll(async () => {
    moto = await startMoto();
    const workspace = mkdtempSync(join(tmpdir(), 'fp-remote-'));
    dockerLog = join(workspace, 'docker.jsonl');
    writeFileSync(dockerLog, '');
    remoteEnv = {
      ...(env as Record<string, string>),
      ...moto.env,
      PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}${delimiter}${process.env.PATH}`,
      DOCKER_STANDIN_STATE: join(workspace, 'docker.json'),
      DOCKER_STANDIN_LOG: dockerLog,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    };
    ecr = new ECRClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'churn-model', imageTagMutability: 'IMMUTABLE' }));
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-qm', 'generated');
  }, 60_000);
  afterAll(async () => moto?.stop());

  it('the image tag is stable across runs and clones, ignores src/, and follows every image input', async () => {
    const tag = async (dir: string) => (await execa('python3', ['scripts/remote.py', 'image-tag'], { cwd: dir })).stdout;
    const original = await tag(project);
    expect(original).toMatch(/^[0-9a-f]{16}$/);
    expect(await tag(project)).toBe(original);
    const clone = join(mkdtempSync(join(tmpdir(), 'fp-clone-')), 'clone');
    await execa('git', ['clone', '-q', project, clone]);
    expect(await tag(clone)).toBe(original);
    appendFileSync(join(clone, 'src', 'tasks', 'evaluate.py'), '# a code change\n');
    expect(await tag(clone)).toBe(original);
    for (const input of ['Pipfile', 'Pipfile.lock', 'Dockerfile']) {
      appendFileSync(join(clone, input), '\n');
      expect([input, await tag(clone)]).not.toEqual([input, original]);
      await execa('git', ['checkout', '--', input], { cwd: clone });
      expect(await tag(clone)).toBe(original);
    }
  });

  it('the image tag follows the Python version', async () => {
    const other = mkdtempSync(join(tmpdir(), 'fp-py312-'));
    const args = ['new', 'Churn Model', '--defaults', '--skip-install', '--aws-account-id', '210987654321', '--aws-region', 'eu-west-1'];
    expect((await runBin([...args, '--python-version', '3.12'], { cwd: other })).exitCode).toBe(0);
    copyFileSync(join(project, 'Pipfile.lock'), join(other, 'churn-model', 'Pipfile.lock'));
    const tag = async (dir: string) => (await execa('python3', ['scripts/remote.py', 'image-tag'], { cwd: dir })).stdout;
    expect(await tag(join(other, 'churn-model'))).not.toBe(await tag(project));
  });

  it('plans against ECR: fresh -> build and push; tag present -> skipped; code change -> skipped, new version; dependency change -> build and push', async () => {
    const fresh = await plan();
    expect(runs(fresh)).toEqual(['build:run', 'push:run', 'register:run', 'launch:run']);
    expect(fresh.image).toBe(`210987654321.dkr.ecr.eu-west-1.amazonaws.com/churn-model:${fresh.tag}`);
    expect(fresh.version).toMatch(/^[0-9a-f]{12}$/);
    expect(fresh.steps[0].command).toEqual(['docker', 'build', '--platform', 'linux/amd64', '--tag', fresh.image, '.']);
    expect(fresh.steps[1].command).toEqual(['docker', 'push', fresh.image]);
    expect(fresh.steps[2].command).toEqual(['pyflyte', 'register', '--project', 'churn-model', '--domain', 'development', '--image', fresh.image, '--version', fresh.version, '--copy', 'auto', '--destination-dir', '/home/flyte/app', 'src/workflows']);
    // The declared data (src/dataset.py); FlyteAdmin is absent here, which a dry run says in the step's line.
    expect(fresh.steps[3].reason).toMatch(new RegExp(`^launch plan workflows\\.full\\.full @ ${fresh.version} with \\{"raw_data": "data/01_raw/breast_cancer\\.csv"\\}; not checked: FlyteAdmin at localhost:30080 is unreachable`));

    await ecr.send(new PutImageCommand({ repositoryName: 'churn-model', imageTag: fresh.tag, imageManifest: FAKE_MANIFEST }));
    const present = await plan();
    expect(runs(present)).toEqual(['build:skip', 'push:skip', 'register:run', 'launch:run']);
    expect(present.version).toBe(fresh.version);

    appendFileSync(join(project, 'src', 'tasks', 'evaluate.py'), '# a code-only change\n');
    const codeChange = await plan();
    expect(runs(codeChange)).toEqual(['build:skip', 'push:skip', 'register:run', 'launch:run']);
    expect(codeChange.tag).toBe(fresh.tag);
    expect(codeChange.version).toMatch(new RegExp(`^${fresh.version}-[0-9a-f]{8}$`));
    await git('checkout', '--', 'src/tasks/evaluate.py');

    appendFileSync(join(project, 'Pipfile.lock'), '\n');
    const dependencyChange = await plan();
    expect(runs(dependencyChange)).toEqual(['build:run', 'push:run', 'register:run', 'launch:run']);
    expect(dependencyChange.tag).not.toBe(fresh.tag);
    await git('checkout', '--', 'Pipfile.lock');
  }, 120_000);

  it('make build push does the docker work only when the image inputs changed', async () => {
    const buildsAndPushes = () => `${dockerCalls('build')}/${dockerCalls('push')}`;
    writeFileSync(dockerLog, '');
    appendFileSync(join(project, 'Dockerfile'), '# a new image\n');
    expect((await inRemote('make', ['build', 'push'])).exitCode).toBe(0);
    expect(buildsAndPushes()).toBe('1/1');
    appendFileSync(join(project, 'src', 'tasks', 'evaluate.py'), '# a code-only change\n');
    const again = await inRemote('make', ['build', 'push']);
    expect(again.all).toContain('build: skipped');
    expect(again.all).toContain('push: skipped, ECR already has');
    expect(buildsAndPushes()).toBe('1/1');
    await git('checkout', '--', 'Dockerfile', 'src/tasks/evaluate.py');
  }, 120_000);

  it('make package serialises the workflows with the computed image', async () => {
    const image = (await inRemote('make', ['-s', 'print-IMAGE'])).stdout;
    expect((await inRemote('make', ['package'])).exitCode).toBe(0);
    const task = await execa('tar', ['xzOf', join(project, 'dist', 'flyte-package.tgz'), '--wildcards', '*tasks.train_model.fit_candidate_task_1.pb'], { encoding: 'latin1' });
    expect(task.stdout).toContain(image);
  }, 120_000);

  it('make runcmd prints the exact local and remote command lines for this tree', async () => {
    const image = (await inRemote('make', ['-s', 'print-IMAGE'])).stdout;
    const version = (await inRemote('python3', ['scripts/remote.py', 'version'])).stdout;
    const result = await inRemote('make', ['runcmd']);
    expect(result.stdout).toContain('local:  ./run src/ full');
    expect(result.stdout).toContain(`remote: ./run --remote src/ full      (image ${image}, version ${version})`);
  });

  describe('clear errors, exit 1', () => {
    const expectError = (result: { exitCode?: number; stderr?: unknown }, cause: RegExp, fix: RegExp) => {
      expect(result.exitCode).toBe(1);
      expect(String(result.stderr)).toMatch(cause);
      expect(String(result.stderr)).toMatch(fix);
    };

    it('the ECR repository is missing: points to make init (a dry run plans on, saying so in its steps)', async () => {
      expectError(await inRemote('./run', ['--remote', 'src/', 'full'], { ECR_REPOSITORY: 'no-such-repo', DOCKER_STANDIN_DAEMON: 'down' }), /ECR repository no-such-repo does not exist/, /make init/);
      const plan = await inRemote('./run', ['--remote', '--dry-run', 'src/', 'full'], { ECR_REPOSITORY: 'no-such-repo' });
      expect(plan.exitCode).toBe(0);
      expect(plan.stdout).toMatch(/^ {2}push {6}run {3}unless ECR has the tag \w+: not checked, ECR repository no-such-repo does not exist in eu-west-1 \(fix: create it with `make init`\)$/m);
      expect(plan.stdout).toMatch(/^ {2}launch {4}run {3}launch plan workflows\.full\.full @ /m);
    });

    it('the Docker daemon is not running, when an image must be built', async () => {
      appendFileSync(join(project, 'Pipfile.lock'), '\n');
      expectError(await inRemote('./run', ['--remote', 'src/', 'full'], { DOCKER_STANDIN_DAEMON: 'down' }), /Docker daemon is not running/, /start Docker/);
      await git('checkout', '--', 'Pipfile.lock');
    });

    it('docker cannot log in to ECR', async () => {
      appendFileSync(join(project, 'Pipfile.lock'), '\n\n');
      expectError(await inRemote('./run', ['--remote', 'src/', 'full'], { DOCKER_STANDIN_LOGIN: 'fail' }), /docker could not log in to 210987654321\.dkr\.ecr/, /AWS credentials/);
      await git('checkout', '--', 'Pipfile.lock');
    });

    it('FlyteAdmin is unreachable: the real pyflyte register fails to connect', async () => {
      const result = await inRemote('./run', ['--remote', 'src/', 'full']);
      expect(result.stdout).toMatch(/build\s+skip/);
      expect(result.stdout).toContain('$ pyflyte register --project churn-model');
      expectError(result, /FlyteAdmin is unreachable/, /admin\.endpoint in .*flyte-config\.yaml/);
    }, 120_000);
  });
});

interface RemotePlan {
  image: string;
  tag: string;
  version: string;
  steps: Array<{ name: string; run: boolean; reason: string; command: string[] }>;
}

const FAKE_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: `sha256:${'a'.repeat(64)}` },
  layers: [],
});

/** Growing the installed project with `flyte-pipeline workflow`, then its own checks. */
describe('growing the project: flyte-pipeline workflow', () => {
  it('adds a step wired after process_raw_data and a standalone one; tests, black, flake8 and ./run src/ full pass', async () => {
    const wired = await runBin(['workflow', 'remove_outliers', '--after', 'process_raw_data'], { cwd: project });
    expect(wired.exitCode).toBe(0);
    expect(wired.all).toContain('full now runs it after process_raw_data');
    const standalone = await runBin(['workflow', 'calibrate'], { cwd: join(project, 'src') });
    expect(standalone.exitCode).toBe(0);
    for (const path of ['src/tasks/calibrate.py', 'src/workflows/calibrate.py', 'tests/test_calibrate.py']) expect(existsSync(join(project, path))).toBe(true);
    const full = readFileSync(join(project, 'src', 'workflows', 'full.py'), 'utf8');
    expect(full).toContain('    primary = process_raw_data(raw_data=raw_data)\n    primary = remove_outliers(data=primary)\n');
    expect(full).not.toContain('calibrate');

    const tests = await inProject('make', ['test']);
    expect(tests.all).toMatch(/test_remove_outliers\.py|passed/);
    expect(tests.exitCode).toBe(0);
    expect((await inProject('pipenv', ['run', 'black', '--check', '.'])).exitCode).toBe(0);
    expect((await inProject('pipenv', ['run', 'flake8', '.'])).all).toBe('');
    const run = await inProject('./run', ['src/', 'full']);
    expect(run.exitCode).toBe(0);
    expect(run.all).toMatch(/accuracy 0\.9\d/);
    expect((await inProject('./run', ['src/', 'calibrate', '--help'])).exitCode).toBe(0);
    // Alone, the wired step reads what process_raw_data wrote; the standalone one needs --data.
    const alone = await inProject('./run', ['src/', 'remove_outliers']);
    expect(alone.exitCode).toBe(0);
    expect(alone.stdout).toMatch(/^  output  data\/02_intermediate\/remove_outliers\.parquet$/m);
    const unwired = await inProject('./run', ['src/', 'calibrate']);
    expect(unwired.exitCode).toBe(1);
    expect(unwired.stderr.split('\n')).toEqual(['error: calibrate needs --data', '  fix: pass --data VALUE (./run src/ calibrate --help lists the inputs)']);
  }, 5 * 60_000);

  it.each([
    [['workflow', 'Remove-Outliers'], /not a snake_case Python identifier/],
    [['workflow', 'remove_outliers'], /src\/tasks\/remove_outliers\.py already exists/],
    [['workflow', 'resample', '--after', 'train_model'], /train_model does not return one table/],
    [['workflow', 'resample', '--after', 'nowhere'], /there is no src\/workflows\/nowhere\.py/],
    [['workflow'], /no workflow name given/],
  ])('refuses %j, writing nothing', async (args, cause) => {
    const before = readFileSync(join(project, 'src', 'workflows', 'full.py'), 'utf8');
    const result = await runBin(args, { cwd: project });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(cause);
    expect(existsSync(join(project, 'src', 'tasks', 'resample.py'))).toBe(false);
    expect(readFileSync(join(project, 'src', 'workflows', 'full.py'), 'utf8')).toBe(before);
  });

  it('refuses outside a generated project', async () => {
    const result = await runBin(['workflow', 'x'], { cwd: mkdtempSync(join(tmpdir(), 'fp-nowhere-')) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('is not in a project made by flyte-pipeline');
  });
});

/**
 * Upgrading: a project generated with an older template (a fixture made from the current one),
 * edited as a user would, then `flyte-pipeline upgrade`. Its tests run in the installed project's venv.
 */
describe('upgrading a project made with an older template', () => {
  const OLD_VERSION = '0.0.9';
  const answers = { skipInstall: true, defaults: true, awsAccountId: '210987654321', awsRegion: 'eu-west-1', flyteEndpoint: 'localhost:30080' };
  let old: string;
  let fresh: string;
  const venv = () => ({ ...(env as Record<string, string>), VIRTUAL_ENV: join(project, '.venv'), PATH: `${join(project, '.venv', 'bin')}${delimiter}${process.env.PATH}` });
  const inOld = (command: string, args: string[]) => execa(command, args, { cwd: old, env: venv(), extendEnv: false, reject: false, all: true, stdin: 'ignore' });
  const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

  /** The current template with the differences an older release would have. */
  function olderTemplate(): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'fp-old-template-')), 'project');
    cpSync(join(ROOT, 'templates', 'project'), dir, { recursive: true });
    const edit = (path: string, from: string, to: string) => {
      const text = readFileSync(join(dir, path), 'utf8');
      if (!text.includes(from)) throw new Error(`fixture: ${from} not in ${path}`);
      writeFileSync(join(dir, path), text.replace(from, to));
    };
    edit('README.md.ejs', '## Quick start', '## Getting started');
    edit('Makefile.ejs', 'help: ## List the targets', 'help: ## Show the targets');
    edit('src/tasks/evaluate.py', '"""Everything metrics.json holds."""', '"""What metrics.json holds."""');
    edit('src/tasks/train_model.py.ejs', '"""The setting with the best test score (the first of equals)."""', '"""The best setting."""');
    rmSync(join(dir, 'tests', 'test_content_hash.py'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'NOTES.md'), '# Notes\n');
    return dir;
  }

  beforeAll(async () => {
    const freshDir = mkdtempSync(join(tmpdir(), 'fp-fresh-'));
    const args = ['new', 'Churn Model', '--defaults', '--skip-install', '--aws-account-id', '210987654321', '--aws-region', 'eu-west-1', '--flyte-endpoint', 'localhost:30080'];
    expect((await runBin(args, { cwd: freshDir })).exitCode).toBe(0);
    fresh = join(freshDir, 'churn-model');
    // Templates and version are hidden options, for this test only: through yeoman-test.
    const generated = await helpers.run(APP_GENERATOR).withArguments(['Churn Model'])
      .withOptions({ ...answers, templatesDir: olderTemplate(), templateVersion: OLD_VERSION } as never);
    old = join(generated.cwd, 'churn-model');
    // The user's edits: one the template does not touch, one it merges with, one that clashes.
    appendFileSync(join(old, 'README.md'), '\n## Our team notes\n\nKeep this section.\n');
    writeFileSync(join(old, 'src/tasks/train_model.py'), read(old, 'src/tasks/train_model.py').replace('TRAIN_SCORE_ROWS = 10_000', 'TRAIN_SCORE_ROWS = 20_000'));
    writeFileSync(join(old, 'src/tasks/evaluate.py'), read(old, 'src/tasks/evaluate.py').replace('"""What metrics.json holds."""', '"""What metrics.json holds (our wording)."""'));
  }, 60_000);

  it('--dry-run lists every change from 0.0.9 and writes nothing', async () => {
    const before = listFiles(old).map((path) => `${path}:${readFileSync(join(old, path)).toString('base64')}`);
    const result = await runBin(['upgrade', '--dry-run'], { cwd: old });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain(`Dry run: would upgrade Churn Model from ${OLD_VERSION} to`);
    expect(result.all).toMatch(/updated\s+Makefile/);
    expect(result.all).toMatch(/merged\s+README\.md/);
    expect(result.all).toMatch(/merged\s+src\/tasks\/train_model\.py/);
    expect(result.all).toMatch(/conflict\s+src\/tasks\/evaluate\.py/);
    expect(result.all).toMatch(/added\s+tests\/test_content_hash\.py/);
    expect(result.all).toMatch(/obsolete\s+docs\/NOTES\.md/);
    expect(listFiles(old).map((path) => `${path}:${readFileSync(join(old, path)).toString('base64')}`)).toEqual(before);
  });

  it('upgrade: untouched files equal a fresh generation, edits survive, the conflict is marked and reported', async () => {
    const result = await runBin(['upgrade'], { cwd: old });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('the upgrade left conflicts in src/tasks/evaluate.py');
    const edited = ['README.md', 'src/tasks/train_model.py', 'src/tasks/evaluate.py', '.yo-rc.json', '.flyte-pipeline/base.json.gz'];
    for (const path of listFiles(fresh).filter((file) => !edited.includes(file))) {
      expect([path, read(old, path) === read(fresh, path)]).toEqual([path, true]);
    }
    expect(read(old, 'README.md')).toContain('## Quick start');
    expect(read(old, 'README.md')).toContain('## Our team notes\n\nKeep this section.');
    expect(read(old, 'src/tasks/train_model.py')).toContain('TRAIN_SCORE_ROWS = 20_000');
    expect(read(old, 'src/tasks/train_model.py')).toContain('"""The setting with the best test score (the first of equals)."""');
    const evaluate = read(old, 'src/tasks/evaluate.py');
    expect(evaluate).toContain('<<<<<<< yours\n    """What metrics.json holds (our wording)."""');
    expect(evaluate).toContain(`||||||| template ${OLD_VERSION}\n    """What metrics.json holds."""\n=======\n    """Everything metrics.json holds."""\n>>>>>>> template`);
    expect(existsSync(join(old, 'docs', 'NOTES.md'))).toBe(true);
    const config = JSON.parse(read(old, '.yo-rc.json'))['generator-flyte-pipeline'];
    expect(config.generatorVersion).toBe(JSON.parse(read(ROOT, 'package.json')).version);
  });

  it('once the conflict is resolved, the project passes its tests, black and flake8; a second upgrade changes nothing', async () => {
    const evaluate = read(old, 'src/tasks/evaluate.py');
    writeFileSync(join(old, 'src/tasks/evaluate.py'), evaluate.replace(/<<<<<<< yours\n([^\n]*\n)[^]*?>>>>>>> [^\n]*\n/, '$1'));
    const tests = await inOld('make', ['test']);
    expectSuccess(tests);
    expect(tests.all).toMatch(/\d+ passed/);
    expect((await inOld('black', ['--check', '.'])).exitCode).toBe(0);
    expect((await inOld('flake8', ['.'])).all).toBe('');
    const again = await runBin(['upgrade'], { cwd: old });
    expect(again.exitCode).toBe(0);
    expect(again.all).toMatch(/^\s+unchanged\s+\d+ files$/m);
    expect(again.all).not.toMatch(/updated|merged|conflict/);
  }, 5 * 60_000);
});

/**
 * A project made by the release before the user's data and the model search (the templates of
 * commit cba22df, from this repository's history), with an edit of its user's: it upgrades, keeps
 * the edit, and trains on its sample as before, now through the dataset declaration.
 */
describe('upgrading a project made before the data and model declarations', () => {
  const PREVIOUS = 'cba22df';
  let old: string;
  const venv = () => ({ ...(env as Record<string, string>), VIRTUAL_ENV: join(project, '.venv'), PATH: `${join(project, '.venv', 'bin')}${delimiter}${process.env.PATH}` });
  const inOld = (command: string, args: string[]) => execa(command, args, { cwd: old, env: venv(), extendEnv: false, reject: false, all: true, stdin: 'ignore' });

  beforeAll(async () => {
    const previous = mkdtempSync(join(tmpdir(), 'fp-previous-'));
    const archive = await execa('git', ['archive', PREVIOUS, 'templates/project'], { cwd: ROOT, encoding: 'buffer' });
    await execa('tar', ['x', '-C', previous], { input: archive.stdout });
    const generated = await helpers.run(APP_GENERATOR).withArguments(['Churn Model']).withOptions({
      skipInstall: true, defaults: true, awsAccountId: '210987654321', awsRegion: 'eu-west-1', flyteEndpoint: 'localhost:30080',
      templatesDir: join(previous, 'templates', 'project'), templateVersion: '0.0.9',
    } as never);
    old = join(generated.cwd, 'churn-model');
    // What the previous release wrote holds no data answer: drop the ones today's generator stored.
    const config = JSON.parse(readFileSync(join(old, '.yo-rc.json'), 'utf8'));
    for (const key of ['data', 'target', 'problemType', 'positiveClass', 'leaveOut']) delete config['generator-flyte-pipeline'][key];
    writeFileSync(join(old, '.yo-rc.json'), JSON.stringify(config, null, 2));
    appendFileSync(join(old, 'README.md'), '\n## Our team notes\n\nKeep this section.\n');
  }, 60_000);

  it('upgrades with its edit kept, declares the sample, passes its tests and trains on the sample', async () => {
    const result = await runBin(['upgrade'], { cwd: old });
    expect([result.exitCode, result.all]).toEqual([0, expect.stringMatching(/added\s+src\/dataset\.py/)]);
    expect(readFileSync(join(old, 'README.md'), 'utf8')).toContain('## Our team notes\n\nKeep this section.');
    expect(readFileSync(join(old, 'src/dataset.py'), 'utf8')).toContain('raw_data="data/01_raw/breast_cancer.csv"');
    const tests = await inOld('make', ['test']);
    expectSuccess(tests);
    const run = await inOld('./run', ['src/', 'full']);
    expectSuccess(run);
    const metrics = JSON.parse(readFileSync(join(old, 'data/08_reporting/metrics.json'), 'utf8'));
    expect([metrics.problem_type, metrics.target, metrics.data.file]).toEqual(['binary', 'diagnosis', 'breast_cancer.csv']);
    expect(metrics.score).toBeGreaterThan(metrics.baseline[metrics.selection_metric]);
  }, 5 * 60_000);
});
