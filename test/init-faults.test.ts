/** AWS faults moto cannot produce (access denied, throttling), through aws-sdk-client-mock. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { UserError } from '../shared/errors.js';
import { runInit } from '../scripts/init.js';

const ecrMock = mockClient(ECRClient);
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fp-faults-'));
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-flyte-pipeline': { projectName: 'Churn', awsRegion: 'us-east-1', awsAccountId: '123456789012', ecrRepository: 'churn', flyteProject: 'churn' } }));
  return dir;
}

const flytectlCalls: string[][] = [];
const deps = () => ({
  ecr: new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } }),
  flytectl: async (args: string[]) => {
    flytectlCalls.push(args);
    return args[0] === 'get'
      ? { exitCode: 1, stdout: '', stderr: 'Error: rpc error: code = NotFound desc = missing entity' }
      : { exitCode: 0, stdout: 'project created successfully.', stderr: '' };
  },
  log: () => undefined,
  env: {},
});

beforeEach(() => {
  ecrMock.reset();
  flytectlCalls.length = 0;
});

it('access denied: cause and the permissions to grant; nothing created, no Flyte project', async () => {
  ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ml is not authorized to perform: ecr:DescribeRepositories'));
  const attempt = runInit(project(), {}, deps());
  await expect(attempt).rejects.toBeInstanceOf(UserError);
  await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('AWS denied access'), fix: expect.stringContaining('ecr:CreateRepository') });
  expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  expect(flytectlCalls.filter((call) => call[0] === 'create')).toEqual([]);
});

it('throttling that outlasted the SDK retries: says it is safe to re-run', async () => {
  ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException', 'not found'));
  ecrMock.on(CreateRepositoryCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
  await expect(runInit(project(), {}, deps())).rejects.toMatchObject({ message: expect.stringContaining('throttled'), fix: expect.stringContaining('safe to re-run') });
});

it('expired credentials', async () => {
  ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
  await expect(runInit(project(), {}, deps())).rejects.toMatchObject({ message: expect.stringContaining('rejected the credentials') });
});

it('a repository created concurrently counts as already existing', async () => {
  ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException', 'not found'));
  ecrMock.on(CreateRepositoryCommand).rejects(awsError('RepositoryAlreadyExistsException', 'exists'));
  ecrMock.on(GetLifecyclePolicyCommand).rejects(awsError('LifecyclePolicyNotFoundException', 'none'));
  const reports = await runInit(project(), {}, deps());
  expect(reports[0]).toMatchObject({ resource: 'ECR repository', outcome: 'already existed' });
});

it('an unexpected error is not disguised', async () => {
  ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('ServerException', 'boom'));
  await expect(runInit(project(), {}, deps())).rejects.toMatchObject({ name: 'ServerException' });
});
