/** The app generator, run in-process with yeoman-test: what it writes, and what it refuses. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import helpers from 'yeoman-test';
import { decodeSnapshot } from '../generators/lib/snapshot.js';
import { APP_GENERATOR, listFiles } from './helpers/project.js';

const EXPECTED_FILES = [
  '.dockerignore',
  '.flyte-pipeline/base.json.gz',
  '.github/workflows/ci.yml',
  '.gitignore',
  '.pre-commit-config.yaml',
  '.yo-rc.json',
  'Dockerfile',
  'Makefile',
  'Pipfile',
  'README.md',
  'data/01_raw/README.md',
  'data/01_raw/breast_cancer.csv',
  ...['02_intermediate', '03_primary', '04_feature', '05_model_input', '06_models', '07_model_output', '08_reporting'].map(
    (layer) => `data/${layer}/.gitkeep`,
  ),
  'flyte-config.yaml',
  'pyproject.toml',
  'run',
  'scripts/remote.py',
  'scripts/run_local.py',
  'setup.cfg',
  'src/candidates.py',
  'src/dataset.py',
  ...['__init__', 'code_version', 'content_hash', 'declarations', 'errors', 'evaluate', 'features', 'generate_model_input', 'generate_model_output', 'layers', 'local_cache', 'numbered_classes', 'problem', 'process_raw_data', 'reporting', 'settings', 'train_model'].map(
    (name) => `src/tasks/${name}.py`,
  ),
  ...['__init__', 'evaluate', 'full', 'generate_model_input', 'generate_model_output', 'process_raw_data', 'reporting', 'train_model'].map(
    (name) => `src/workflows/${name}.py`,
  ),
  ...['__init__', 'conftest', 'test_candidates', 'test_code_version', 'test_content_hash', 'test_dataset', 'test_declarations', 'test_evaluate', 'test_features', 'test_generate_model_input', 'test_generate_model_output', 'test_layers', 'test_local_cache', 'test_problem', 'test_process_raw_data', 'test_remote', 'test_reporting', 'test_run_local', 'test_train_model', 'test_workflows'].map(
    (name) => `tests/${name}.py`,
  ),
].sort();

/** Our flags are not in yeoman's option types: pass them through as the generator sees them. */
type Flags = Record<string, unknown>;

function generate(options: Flags, args: string[] = ['Churn Model']) {
  return helpers
    .run(APP_GENERATOR)
    .withArguments(args)
    .withOptions({ skipInstall: true, defaults: true, ...options } as Flags as never);
}

function withExistingFolder(options: Flags) {
  return generate(options).onTargetDirectory((dir) => {
    mkdirSync(join(dir, 'churn-model'));
    writeFileSync(join(dir, 'churn-model', 'notes.txt'), 'mine');
  });
}

describe('generating "Churn Model" with --defaults', () => {
  let project: string;
  beforeAll(async () => {
    const result = await generate({ awsAccountId: '210987654321', awsRegion: 'eu-west-1' });
    project = join(result.cwd, 'churn-model');
  });

  it('writes exactly the project layout into ./churn-model', () => {
    expect(listFiles(project)).toEqual(EXPECTED_FILES);
  });

  it('leaves no template tag in any file', () => {
    for (const file of listFiles(project).filter((path) => !path.endsWith('.gz'))) {
      expect([file, readFileSync(join(project, file), 'utf8').includes('<%')]).toEqual([file, false]);
    }
  });

  it('makes ./run executable', () => {
    expect(statSync(join(project, 'run')).mode & 0o111).toBe(0o111);
  });

  it('stores every answer, and the generator version, in .yo-rc.json', () => {
    const config = JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
    expect(config).toMatchObject({
      generatorVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      projectName: 'Churn Model',
      pythonVersion: '3.11',
      awsAccountId: '210987654321',
      awsRegion: 'eu-west-1',
      ecrRepository: 'churn-model',
      flyteProject: 'churn-model',
      flyteDomain: 'development',
    });
  });

  it('uses the answers in the Makefile, Pipfile and Dockerfile', () => {
    const makefile = readFileSync(join(project, 'Makefile'), 'utf8');
    expect(makefile).toContain('AWS_ACCOUNT_ID ?= 210987654321');
    expect(makefile).toContain('ECR_REPOSITORY ?= churn-model');
    expect(readFileSync(join(project, 'Pipfile'), 'utf8')).toContain('python_version = "3.11"');
    expect(readFileSync(join(project, 'Dockerfile'), 'utf8')).toMatch(/^FROM python:3\.11-slim-bookworm$/m);
  });

  it('keeps what it wrote, byte for byte, as the base of the next upgrade', () => {
    const { generatorVersion, files } = decodeSnapshot(readFileSync(join(project, '.flyte-pipeline', 'base.json.gz')));
    expect(generatorVersion).toMatch(/^\d+\.\d+\.\d+/);
    const written = listFiles(project).filter((path) => !['.yo-rc.json', '.flyte-pipeline/base.json.gz'].includes(path));
    expect([...files.keys()].sort()).toEqual(written);
    for (const path of written) expect([path, files.get(path)?.equals(readFileSync(join(project, path)))]).toEqual([path, true]);
  });

  it('ships a sample data set under 1 MB', () => {
    expect(statSync(join(project, 'data/01_raw/breast_cancer.csv')).size).toBeLessThan(1_000_000);
  });
});

describe('python version', () => {
  it.each(['3.10', '3.12'])('%s reaches the Pipfile, Dockerfile and black target', async (version) => {
    const result = await generate({ pythonVersion: version });
    const project = join(result.cwd, 'churn-model');
    expect(readFileSync(join(project, 'Pipfile'), 'utf8')).toContain(`python_version = "${version}"`);
    expect(readFileSync(join(project, 'Dockerfile'), 'utf8')).toContain(`FROM python:${version}-slim-bookworm`);
    expect(readFileSync(join(project, 'pyproject.toml'), 'utf8')).toContain(`py${version.replace('.', '')}`);
  });
});

describe('no secret is written', () => {
  it('AWS credentials in the environment appear in no generated file', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYsecret';
    const previous = { ...process.env };
    Object.assign(process.env, { AWS_SECRET_ACCESS_KEY: secret, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEYID0000', AWS_SESSION_TOKEN: 'tok-secret-123' });
    try {
      const result = await generate({});
      const project = join(result.cwd, 'churn-model');
      for (const file of listFiles(project)) {
        const text = readFileSync(join(project, file), 'utf8');
        expect([file, text.includes(secret) || text.includes('AKIAEXAMPLEKEYID0000') || text.includes('tok-secret-123')]).toEqual([file, false]);
      }
    } finally {
      process.env = previous;
    }
  });
});

describe('refusals write nothing', () => {
  it.each([
    [{ awsAccountId: '1234' }, /12 digits/],
    [{ awsRegion: 'mars-1' }, /not an AWS region/],
    [{ ecrRepository: 'Bad Repo' }, /ECR repository/],
    [{ flyteProject: 'Bad_Project' }, /DNS-1123/],
    [{ pythonVersion: '3.9' }, /3\.10, 3\.11, 3\.12/],
  ])('%o', async (options, message) => {
    const context = generate(options);
    await expect(context).rejects.toThrow(message);
    expect(existsSync(join(context.targetDirectory ?? '', 'churn-model'))).toBe(false);
  });

  it('an unusable project name', async () => {
    const context = generate({}, ['!!!']);
    await expect(context).rejects.toThrow(/no letter or digit/);
  });

  it('a non-empty target folder, unless --force', async () => {
    // yeoman-test passes force: true by default; a user's run does not.
    const refused = withExistingFolder({ force: false });
    await expect(refused).rejects.toThrow(/exists and is not empty/);
    expect(readFileSync(join(refused.targetDirectory ?? '', 'churn-model', 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(refused.targetDirectory ?? '', 'churn-model', 'Makefile'))).toBe(false);

    const forced = await withExistingFolder({ force: true });
    expect(existsSync(join(forced.cwd, 'churn-model', 'Makefile'))).toBe(true);
  });
});

describe('hostile free text stays inert text', () => {
  const canary = `/tmp/fp-canary-${process.pid}`;
  const hostile = `It's "quoted" \\ back\\slash <%= 7*7 %> <%- x %> $(touch ${canary}) \`touch ${canary}\` $HOME #not-a-comment % ; rm -rf /`;
  let project: string;
  beforeAll(async () => {
    const result = await generate({ description: `${hostile}\nsecond line`, author: `O'Brien "Bob" \\ $(id)` }, [`Churn "Model" $(touch ${canary})`]);
    project = join(result.cwd, 'churn-model-touch-tmp-fp-canary-' + process.pid);
  });
  const folded = `${hostile} second line`;

  it('derives the slug from the name and keeps the name verbatim', () => {
    const config = JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
    expect(config.description).toBe(folded);
    expect(config.projectName).toBe(`Churn "Model" $(touch ${canary})`);
  });

  it('TOML (pyproject.toml, Pipfile) parses back to the same text', async () => {
    const script = 'import json, sys, tomllib; print(json.dumps([tomllib.load(open(p, "rb")) for p in sys.argv[1:]]))';
    const { stdout } = await execa('python3', ['-c', script, 'pyproject.toml', 'Pipfile'], { cwd: project });
    const [pyproject, pipfile] = JSON.parse(stdout);
    expect(pyproject.project.description).toBe(folded);
    expect(pyproject.project.authors[0].name).toBe(`O'Brien "Bob" \\ $(id)`);
    expect(pipfile.requires.python_version).toBe('3.11');
  });

  it('YAML (flyte-config.yaml) parses', () => {
    expect(parseYaml(readFileSync(join(project, 'flyte-config.yaml'), 'utf8'))).toMatchObject({ admin: { endpoint: 'dns:///localhost:30080' } });
  });

  it('Python compiles', async () => {
    const result = await execa('python3', ['-m', 'compileall', '-q', 'src', 'tests'], { cwd: project, reject: false, env: { PYTHONPYCACHEPREFIX: join(project, '..', 'pycache') } });
    expect(result.exitCode).toBe(0);
  });

  it('the Makefile prints the text as given and runs none of it (make info)', async () => {
    const result = await execa('make', ['info'], { cwd: project, reject: false });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`description      ${folded}`);
    expect(result.stdout).toContain(`project          Churn "Model" $(touch ${canary})`);
    expect(existsSync(canary)).toBe(false);
  });

  it('the run script parses (bash -n) and its dry run executes nothing', async () => {
    expect((await execa('bash', ['-n', 'run'], { cwd: project, reject: false })).exitCode).toBe(0);
    const dryRun = await execa('./run', ['--dry-run', 'src/', 'full'], { cwd: project, reject: false, env: { VIRTUAL_ENV: '/nonexistent' } });
    // ./run passes the user's inputs as given; run_local.py adds the files each workflow reads from data/.
    expect(dryRun.stdout.trim()).toBe('python scripts/run_local.py src/workflows/full.py full');
    expect(existsSync(canary)).toBe(false);
  });

  it('README shows the text with Markdown and HTML escaped', () => {
    const readme = readFileSync(join(project, 'README.md'), 'utf8');
    expect(readme).toContain('&lt;%= 7\\*7 %&gt;');
    expect(readme).not.toContain('<%');
  });
});

describe('options change what is generated', () => {
  const files = async (options: Flags) => {
    const result = await generate(options);
    const project = join(result.cwd, 'churn-model');
    return { project, list: listFiles(project), read: (path: string) => readFileSync(join(project, path), 'utf8') };
  };

  it('uv: pyproject.toml carries the dependencies; no Pipfile; uv in the Makefile, run script, Dockerfile', async () => {
    const { list, read } = await files({ dependencyManager: 'uv' });
    expect(list).not.toContain('Pipfile');
    expect(read('pyproject.toml')).toContain('"flytekit~=1.16.0",');
    expect(read('pyproject.toml')).toContain('[dependency-groups]');
    expect(read('Makefile')).toContain('RUN ?= $(if $(VIRTUAL_ENV),,uv run)');
    expect(read('run')).toContain('run=(uv run)');
    expect(read('Dockerfile')).toContain('COPY pyproject.toml uv.lock /tmp/deps/');
    expect(read('README.md')).toContain('uv sync');
  });

  it('ruff: ruff settings and make targets; no black or flake8 anywhere', async () => {
    const { list, read } = await files({ linter: 'ruff' });
    expect(list).not.toContain('setup.cfg');
    expect(read('pyproject.toml')).toContain('[tool.ruff]');
    expect(read('Pipfile')).toContain('ruff = ');
    expect(read('Makefile')).toContain('$(RUN) ruff format --check .');
    for (const path of ['Pipfile', 'Makefile', 'pyproject.toml', '.pre-commit-config.yaml']) expect([path, /black|flake8/.test(read(path))]).toEqual([path, false]);
  });

  it('--gpu: a GPU request and accelerator on train_model, a CUDA base image, README notes for the cluster', async () => {
    const { read } = await files({ gpu: true });
    expect(read('src/tasks/train_model.py')).toContain('requests=Resources(cpu="2", mem="4Gi", gpu="1")');
    expect(read('src/tasks/train_model.py')).toContain('accelerator=T4');
    expect(read('Dockerfile')).toMatch(/^FROM nvidia\/cuda:\S+-runtime-ubuntu\S+$/m);
    expect(read('README.md')).toContain('k8s.amazonaws.com/accelerator');
    const cpu = await files({ gpu: false });
    expect(cpu.read('src/tasks/train_model.py')).not.toContain('gpu');
  });

  it('--no-ci and --no-pre-commit leave their files out', async () => {
    const { list, read } = await files({ ci: false, preCommit: false });
    expect(list).not.toContain('.github/workflows/ci.yml');
    expect(list).not.toContain('.pre-commit-config.yaml');
    expect(read('README.md')).not.toContain('pre-commit install');
  });

  it('stores the options in .yo-rc.json, the yes/no ones as booleans', async () => {
    const { read } = await files({ dependencyManager: 'uv', linter: 'ruff', gpu: true, ci: false, preCommit: true });
    expect(JSON.parse(read('.yo-rc.json'))['generator-flyte-pipeline']).toMatchObject({ dependencyManager: 'uv', linter: 'ruff', gpu: true, ci: false, preCommit: true });
  });

  it('refuses an unknown choice', async () => {
    await expect(generate({ dependencyManager: 'poetry' })).rejects.toThrow(/"poetry" is not a dependency manager: choose pipenv or uv/);
  });
});
