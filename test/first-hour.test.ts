/**
 * The first hour's rough edges (issue 17, item 4): an upgrade with nothing to do says so and that
 * the user's edits stay; answers in the forms people paste (a dashed account id, an upper-case
 * region, a place name) normalised or pointed at the region they mean; the Flyte endpoint's rule
 * and its check the same.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { FLYTE_ENDPOINT_RULE, normaliseAwsAccountId, normaliseAwsRegion, validateAwsRegion, validateFlyteEndpoint } from '../shared/validators.js';
import { runInit } from '../scripts/init.js';
import { expectPrintedRefusal, fingerprint } from './battery/helpers.js';
import { ROOT, runBin } from './helpers/project.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-first-hour-'));
const NEW = ['--defaults', '--skip-install', '--skip-git'];

describe('flyte-pipeline upgrade on a project at the current version', () => {
  let project: string;
  beforeAll(async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn Model', ...NEW], { cwd })).exitCode).toBe(0);
    project = join(cwd, 'churn-model');
    // Seven files edited, as a user does in the first days: six changed, one deleted.
    for (const path of ['README.md', 'Makefile', 'src/tasks/evaluate.py', 'src/tasks/train_model.py', 'src/candidates.py', 'tests/test_evaluate.py']) {
      appendFileSync(join(project, path), '\n# my change\n');
    }
    rmSync(join(project, 'tests', 'test_reporting.py'));
  });

  it.each([{ args: ['--dry-run'] }, { args: [] }])('upgrade $args says there is nothing to upgrade, and that the edited files stay as they are; writes nothing', async ({ args }) => {
    const before = fingerprint(project);
    const result = await runBin(['upgrade', ...args], { cwd: project });
    expect([result.exitCode, String(result.stderr)]).toEqual([0, '']);
    const lines = String(result.stdout).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Nothing to upgrade: Churn Model is at \d+\.\d+\.\d+, the current template, with the same answers\.$/);
    expect(lines[1]).toMatch(/^ {2}unchanged {7}\d+ files$/);
    expect(lines[2]).toBe(
      'Your 7 edited files stay as they are: Makefile, README.md, src/candidates.py, src/tasks/evaluate.py, src/tasks/train_model.py, tests/test_evaluate.py, tests/test_reporting.py (deleted).',
    );
    expect(lines).toHaveLength(3);
    expect(result.stdout).not.toMatch(/would upgrade|Upgrading/);
    expect(fingerprint(project)).toEqual(before);
  });

  it('an answer changed is an upgrade: the plan, from the version to itself', async () => {
    const result = await runBin(['upgrade', '--dry-run', '--flyte-domain', 'staging'], { cwd: project });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Dry run: would upgrade Churn Model from (\S+) to \1$/m);
    expect(result.stdout).toMatch(/^ {2}(updated|merged) +Makefile$/m);
  });
});

describe('answers as people paste them', () => {
  it.each([
    ['2109-8765-4321', '210987654321'],
    ['2109 8765 4321', '210987654321'],
    ['210987654321', '210987654321'],
    ['2109-8765-432', '2109-8765-432'],
    ['acct-210987654321', 'acct-210987654321'],
  ])('account id %p -> %p', (given, stored) => expect(normaliseAwsAccountId(given)).toBe(stored));

  it.each([
    ['EU-WEST-1', 'eu-west-1'],
    ['Us-East-2', 'us-east-2'],
    ['CN-NORTH-1', 'cn-north-1'],
    ['Ireland', 'Ireland'],
    ['EU-WEST-9', 'EU-WEST-9'],
  ])('region %p -> %p', (given, stored) => expect(normaliseAwsRegion(given)).toBe(stored));

  it.each([
    ['Ireland', 'eu-west-1 (Ireland)'],
    ['Dublin', 'eu-west-1 (Ireland)'],
    ['Europe (Ireland)', 'eu-west-1 (Ireland)'],
    ['US East (Ohio)', 'us-east-2 (Ohio)'],
    ['US East (N. Virginia)', 'us-east-1 (N. Virginia)'],
    ['Frankfurt', 'eu-central-1 (Frankfurt)'],
    ['London', 'eu-west-2 (London)'],
    ['Sao Paulo', 'sa-east-1 (São Paulo)'],
    ['Japan', 'ap-northeast-1 (Tokyo) or ap-northeast-3 (Osaka)'],
    ['euwest1', 'eu-west-1 (Ireland)'],
    ['eu_west_1', 'eu-west-1 (Ireland)'],
  ])('a hint names the region %p means', (given, meant) => {
    expect(validateAwsRegion(normaliseAwsRegion(given))).toBe(`"${given}" is not an AWS region: it looks like ${meant}`);
  });

  it('through the bin: a dashed account id and an upper-case region are stored as AWS writes them', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Churn', ...NEW, '--aws-account-id', '2109-8765-4321', '--aws-region', 'EU-WEST-1'], { cwd });
    expect(result.exitCode).toBe(0);
    const stored = JSON.parse(readFileSync(join(cwd, 'churn', '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
    expect(stored).toMatchObject({ awsAccountId: '210987654321', awsRegion: 'eu-west-1' });
    expect(readFileSync(join(cwd, 'churn', 'Makefile'), 'utf8')).toMatch(/^AWS_ACCOUNT_ID \?= 210987654321\nAWS_REGION \?= eu-west-1$/m);
  });

  it('from an answers file too', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'answers.yaml'), 'aws-account-id: 2109-8765-4321\naws-region: AP-SOUTHEAST-2\n');
    expect((await runBin(['new', 'Churn', ...NEW, '--answers', 'answers.yaml'], { cwd })).exitCode).toBe(0);
    const stored = JSON.parse(readFileSync(join(cwd, 'churn', '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
    expect(stored).toMatchObject({ awsAccountId: '210987654321', awsRegion: 'ap-southeast-2' });
  });

  it('a place name is refused with the region it means, and nothing is written', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Churn', ...NEW, '--aws-region', 'Ireland'], { cwd });
    expectPrintedRefusal(result, /^error: --aws-region: "Ireland" is not an AWS region: it looks like eu-west-1 \(Ireland\)$/m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('init takes its flags the same way', async () => {
    const ecrMock = mockClient(ECRClient);
    ecrMock.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('none'), { name: 'RepositoryNotFoundException' }));
    ecrMock.on(GetLifecyclePolicyCommand).rejects(Object.assign(new Error('none'), { name: 'RepositoryNotFoundException' }));
    const dir = workspace();
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-flyte-pipeline': { projectName: 'Churn', awsRegion: 'us-east-1', awsAccountId: '123456789012', ecrRepository: 'churn', flyteProject: 'churn' } }));
    try {
      const reports = await runInit(dir, { awsRegion: 'EU-WEST-1', awsAccountId: '2109-8765-4321', dryRun: true }, {
        ecr: new ECRClient({ region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } }),
        flytectl: async () => ({ exitCode: 1, stdout: '', stderr: 'Error: rpc error: code = NotFound desc = missing entity' }),
        log: () => undefined,
        env: {},
      });
      expect(reports[0].detail).toMatch(/^210987654321\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/churn /);
    } finally {
      ecrMock.restore();
    }
  });
});

describe('the Flyte endpoint: the README’s rule is the check', () => {
  it.each(['localhost:30080', 'dns:///localhost:30080', 'dns:///flyte.example.com', 'dns:///flyte.example.com:443', 'flyte.internal', 'https://flyte.example.com', 'https://flyte.example.com:8443', 'http://localhost:30080'])(
    'accepts %p',
    (value) => expect(validateFlyteEndpoint(value)).toBe(true),
  );

  it.each(['host:port', 'https://flyte.example.com/admin', 'dns://flyte.example.com', 'grpc://flyte.example.com:443', 'flyte.example.com:0', 'flyte.example.com:70000', 'a b:80', ''])(
    'refuses %p, stating the rule',
    (value) => expect(validateFlyteEndpoint(value)).toMatch(/is not a Flyte admin endpoint: host\[:port\], dns:\/\/\/host\[:port\] or https:\/\/host\[:port\] \(no port: 443\)$|port \d+; a port is 1 to 65535$/),
  );

  it('the README’s table states the same rule', () => {
    const row = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').find((line) => line.startsWith('| `--flyte-endpoint` |')) ?? '';
    expect(row.replace(/`/g, '')).toContain(FLYTE_ENDPOINT_RULE);
  });
});
