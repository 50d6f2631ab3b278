/**
 * `flyte-pipeline init` against moto_server (a real AWS HTTP emulator) and the flytectl STAND-IN in
 * test/fixtures/bin (the real flytectl cannot be installed here; see that file).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import { execa } from 'execa';
import { lifecyclePolicy, DEFAULT_LIFECYCLE } from '../scripts/ecr.js';
import { BIN, ROOT, runBin } from './helpers/project.js';
import { startMoto, type Moto } from './helpers/moto.js';

const STANDIN_BIN = join(ROOT, 'test', 'fixtures', 'bin');

let moto: Moto;
let ecr: ECRClient;
beforeAll(async () => {
  moto = await startMoto();
  ecr = new ECRClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 60_000);
afterAll(async () => moto?.stop());

interface Sandbox {
  project: string;
  env: Record<string, string>;
  flytectlCalls: () => string[][];
}

/** A generated project, with the emulator's AWS settings and the flytectl stand-in first on PATH. */
async function generatedProject(name: string, extraFlags: string[] = []): Promise<Sandbox> {
  const workspace = mkdtempSync(join(tmpdir(), 'fp-init-'));
  const env = {
    ...(process.env as Record<string, string>),
    ...moto.env,
    PATH: `${STANDIN_BIN}${delimiter}${process.env.PATH}`,
    FLYTECTL_STANDIN_STATE: join(workspace, 'flyte-state.json'),
    FLYTECTL_STANDIN_LOG: join(workspace, 'flytectl-calls.jsonl'),
  };
  delete (env as Record<string, string | undefined>).FLYTECTL_CONFIG;
  const generated = await runBin(['new', name, '--defaults', '--skip-install', '--aws-region', 'eu-west-1', ...extraFlags], { cwd: workspace, env, extendEnv: false });
  if (generated.exitCode !== 0) throw new Error(String(generated.all));
  const logPath = env.FLYTECTL_STANDIN_LOG;
  return {
    project: join(workspace, name.toLowerCase().replace(/\s+/g, '-')),
    env,
    flytectlCalls: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []),
  };
}

const init = (sandbox: Sandbox, args: string[] = [], env: Record<string, string> = sandbox.env) =>
  runBin(['init', ...args], { cwd: sandbox.project, env, extendEnv: false });

const describe_ = async (repositoryName: string) =>
  (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] })).catch(() => ({ repositories: [] }))).repositories?.[0];

describe('flyte-pipeline init', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await generatedProject('Churn Model');
  }, 60_000);

  it('first run creates the repository (scan on push, immutable, AES256, tags), its lifecycle policy and the Flyte project', async () => {
    const result = await init(sandbox);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ECR repository\s+created\s+\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/churn-model \(scan on push, immutable tags, AES256\)$/m);
    expect(result.stdout).toMatch(/^ECR lifecycle\s+created\s+expire untagged images after 14 days, keep the last 100 images$/m);
    expect(result.stdout).toMatch(/^Flyte project\s+created\s+churn-model$/m);
    expect(result.stdout).toContain('Next: ./run --remote src/ full');

    const repository = await describe_('churn-model');
    expect(repository).toMatchObject({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE',
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository?.repositoryArn }));
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'flyte-project', Value: 'churn-model' }, { Key: 'managed-by', Value: 'generator-flyte-pipeline' }]));
    const { lifecyclePolicyText } = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'churn-model' }));
    expect(JSON.parse(lifecyclePolicyText ?? '')).toEqual(JSON.parse(lifecyclePolicy(DEFAULT_LIFECYCLE)));

    const config = join(sandbox.project, 'flyte-config.yaml');
    expect(sandbox.flytectlCalls()).toEqual([
      ['get', 'project', 'churn-model', '-o', 'json', '--config', config],
      ['create', 'project', '--id', 'churn-model', '--name', 'Churn-Model', '--description', 'A Flyte pipeline that trains, evaluates and reports on a model', '--labels', 'managed-by=generator-flyte-pipeline', '--config', config],
    ]);
  });

  it('second run changes nothing and says so', async () => {
    const callsBefore = sandbox.flytectlCalls().length;
    const result = await init(sandbox);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ECR repository\s+already existed\s+/m);
    expect(result.stdout).toMatch(/^ECR lifecycle\s+unchanged\s+/m);
    expect(result.stdout).toMatch(/^Flyte project\s+already existed\s+churn-model$/m);
    expect(sandbox.flytectlCalls().slice(callsBefore).map((call) => call[0])).toEqual(['get']);
  });

  it('restores a lifecycle policy edited out of band', async () => {
    const edited = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] });
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'churn-model', lifecyclePolicyText: edited }));
    const result = await init(sandbox);
    expect(result.stdout).toMatch(/^ECR lifecycle\s+updated\s+/m);
    const { lifecyclePolicyText } = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'churn-model' }));
    expect(JSON.parse(lifecyclePolicyText ?? '')).toEqual(JSON.parse(lifecyclePolicy(DEFAULT_LIFECYCLE)));
  });

  it('applies --expire-untagged-days and --keep-images, updating the policy', async () => {
    const result = await init(sandbox, ['--expire-untagged-days', '3', '--keep-images', '20']);
    expect(result.stdout).toMatch(/^ECR lifecycle\s+updated\s+expire untagged images after 3 days, keep the last 20 images$/m);
    const { lifecyclePolicyText } = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'churn-model' }));
    expect(JSON.parse(lifecyclePolicyText ?? '')).toEqual(JSON.parse(lifecyclePolicy({ expireUntaggedDays: 3, keepLastImages: 20 })));
  });
});

describe('flyte-pipeline init --dry-run', () => {
  it('reports what it would create and creates nothing', async () => {
    const sandbox = await generatedProject('Dry Model');
    const result = await init(sandbox, ['--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ECR repository\s+would create\s+\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/dry-model/m);
    expect(result.stdout).toMatch(/^ECR lifecycle\s+would create\s+/m);
    expect(result.stdout).toMatch(/^Flyte project\s+would create\s+dry-model$/m);
    expect(result.stdout).toContain('Dry run: nothing was changed');
    expect(await describe_('dry-model')).toBeUndefined();
    expect(sandbox.flytectlCalls().map((call) => call[0])).toEqual(['get']);
  }, 60_000);
});

describe('other entry points run the same helper', () => {
  it('make init in a generated project', async () => {
    const sandbox = await generatedProject('Make Model');
    const result = await execa('make', ['init', `FLYTE_PIPELINE=${process.execPath} ${BIN}`], { cwd: sandbox.project, env: sandbox.env, extendEnv: false, reject: false, all: true });
    expect(result.exitCode).toBe(0);
    expect(result.all).toMatch(/^ECR repository\s+created\s+/m);
    expect(await describe_('make-model')).toBeDefined();
    expect(sandbox.flytectlCalls().map((call) => call[0])).toEqual(['get', 'create']);
  }, 60_000);

  it('flyte-pipeline new --init', async () => {
    const sandbox = await generatedProject('Init Model', ['--init']);
    expect(await describe_('init-model')).toMatchObject({ imageTagMutability: 'IMMUTABLE' });
    expect(sandbox.flytectlCalls().map((call) => call[0])).toEqual(['get', 'create']);
  }, 60_000);

  it('--kms-key encrypts a new repository with that key', async () => {
    const sandbox = await generatedProject('Kms Model');
    const result = await init(sandbox, ['--kms-key', 'alias/ml-images']);
    expect(result.stdout).toContain('KMS key alias/ml-images');
    expect((await describe_('kms-model'))?.encryptionConfiguration).toMatchObject({ encryptionType: 'KMS' });
  }, 60_000);
});

describe('init refuses, changing nothing', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await generatedProject('Refused Model');
  }, 60_000);

  const expectRefusal = async (result: { exitCode?: number; stderr: unknown }, cause: RegExp) => {
    expect(result.exitCode).toBe(1);
    expect(String(result.stderr)).toMatch(cause);
    expect(String(result.stderr)).toMatch(/^error: .*\n  fix: .+\n?$/);
    expect(await describe_('refused-model')).toBeUndefined();
  };

  it('when flytectl is not on PATH (preflight)', async () => {
    const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => !existsSync(join(dir, 'flytectl'))).join(delimiter);
    await expectRefusal(await init(sandbox, [], { ...sandbox.env, PATH: path }), /flytectl is not on PATH/);
  });

  it('when no AWS credentials can be loaded (preflight)', async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = sandbox.env;
    const env = { ...rest, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config' };
    await expectRefusal(await init(sandbox, [], env), /no AWS credentials found/);
  });

  it('when the region is invalid', async () => {
    await expectRefusal(await init(sandbox, ['--aws-region', 'moon-1']), /--aws-region: "moon-1" is not an AWS region/);
  });

  it('outside a generated project, naming the flags to pass', async () => {
    const result = await runBin(['init'], { cwd: mkdtempSync(join(tmpdir(), 'fp-empty-')), env: sandbox.env, extendEnv: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no ecr repository known');
    expect(result.stderr).toContain('--ecr-repository');
  });

  it('when FlyteAdmin cannot be reached (checked before any change), with a fix', async () => {
    const other = await generatedProject('Offline Model');
    const result = await init(other, [], { ...other.env, FLYTECTL_STANDIN_FAIL: 'unavailable' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: flytectl get project failed \(FlyteAdmin at dns:\/\/\/localhost:30080\): .*Unavailable/m);
    expect(result.stderr).toContain('admin.endpoint');
    expect(await describe_('offline-model')).toBeUndefined();
  }, 60_000);

  it('with a bad --keep-images', async () => {
    await expectRefusal(await init(sandbox, ['--keep-images', '0']), /--keep-images must be a whole number/);
  });

  it('with a --flytectl-config that does not exist', async () => {
    await expectRefusal(await init(sandbox, ['--flytectl-config', '/nonexistent.yaml']), /flytectl config \/nonexistent\.yaml does not exist/);
  });
});

describe('the flytectl stand-in behaves like flytectl', () => {
  it('refuses an unknown flag as cobra does', async () => {
    const result = await execa(join(STANDIN_BIN, 'flytectl'), ['create', 'project', '--ID', 'x'], { reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('Error: unknown flag: --ID');
  });
  it('refuses a project name with whitespace', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'fp-standin-')), 'state.json');
    writeFileSync(state, '{"projects": []}');
    const result = await execa(join(STANDIN_BIN, 'flytectl'), ['create', 'project', '--id', 'x', '--name', 'a b'], { reject: false, env: { FLYTECTL_STANDIN_STATE: state } });
    expect(result.exitCode).toBe(1);
  });
});
