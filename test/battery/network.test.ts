/**
 * Every network call has a time-out and names the endpoint it gave up on: ECR through the AWS SDK,
 * FlyteAdmin through flytectl. Tested against a local TCP server that accepts connections and never
 * answers (what a black-holed proxy or a wrong port behind a load balancer does). And what FlyteAdmin
 * would refuse is refused before anything is created.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { execa } from 'execa';
import { GENERATOR_NAME } from '../../shared/package.js';
import { networkTimeouts, runInit } from '../../scripts/init.js';
import { BIN, ROOT } from '../helpers/project.js';
import { expectPrintedRefusal, refusal, workspace } from './helpers.js';

const STANDIN_BIN = join(ROOT, 'test', 'fixtures', 'bin');

/** Accepts every connection, reads what comes, answers nothing. */
async function silentServer(): Promise<{ server: Server; port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    port,
    connections: () => sockets.length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function project(answers: Record<string, unknown> = {}, endpoint = 'dns:///localhost:30080'): string {
  const dir = workspace('fp-network-');
  writeFileSync(
    join(dir, '.yo-rc.json'),
    JSON.stringify({ [GENERATOR_NAME]: { projectName: 'Churn', description: 'A model', awsRegion: 'eu-west-1', awsAccountId: '210987654321', ecrRepository: 'churn', flyteProject: 'churn', ...answers } }),
  );
  writeFileSync(join(dir, 'flyte-config.yaml'), `admin:\n  endpoint: "${endpoint}"\n  insecure: true\n`);
  return dir;
}

let silent: Awaited<ReturnType<typeof silentServer>>;
beforeAll(async () => {
  silent = await silentServer();
});
afterAll(async () => silent.close());

const flytectlNotFound = async (args: string[]) =>
  args[0] === 'get' ? { exitCode: 1, stdout: '', stderr: 'Error: rpc error: code = NotFound desc = missing entity' } : { exitCode: 0, stdout: 'project created successfully.', stderr: '' };

describe('ECR that accepts and never answers', () => {
  it('init gives up after the time-out (each of the SDK’s attempts bounded), naming the endpoint; nothing created', async () => {
    const endpoint = `http://127.0.0.1:${silent.port}`;
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_ECR: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    const created: string[][] = [];
    const started = Date.now();
    try {
      const error = await refusal(
        runInit(project(), {}, {
          flytectl: async (args) => (created.push(args), flytectlNotFound(args)),
          log: () => undefined,
          env: { ...process.env, FLYTE_PIPELINE_TIMEOUT: '1' },
        }),
      );
      expect(error.message).toMatch(new RegExp(`^ECR at ${endpoint.replace(/\./g, '\\.')} did not answer in time \\(.*1000 ms.*\\), so init stopped$`));
      expect(error.fix).toContain('FLYTE_PIPELINE_TIMEOUT');
    } finally {
      process.env = saved;
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(silent.connections()).toBeGreaterThan(0);
    expect(created.filter((args) => args[0] === 'create')).toEqual([]);
  }, 30_000);

  it('through the bin: one line naming the endpoint, exit 1, nothing created with flytectl', async () => {
    const dir = project();
    const log = join(dir, 'flytectl-calls.jsonl');
    const result = await execa(process.execPath, [BIN, 'init'], {
      cwd: dir,
      reject: false,
      stdin: 'ignore',
      env: {
        ...process.env,
        PATH: `${STANDIN_BIN}${delimiter}${process.env.PATH}`,
        AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${silent.port}`,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        FLYTE_PIPELINE_TIMEOUT: '1',
        FLYTECTL_STANDIN_LOG: log,
        FLYTECTL_STANDIN_STATE: join(dir, 'state.json'),
      },
    });
    expectPrintedRefusal(result, new RegExp(`ECR at http://127\\.0\\.0\\.1:${silent.port} did not answer in time`));
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    expect(calls.map((call) => call[0])).toEqual(['get']);
  }, 30_000);
});

describe('FlyteAdmin that accepts and never answers', () => {
  it('flytectl is stopped after the time-out; the error names the endpoint from the flytectl config; nothing created', async () => {
    // A flytectl that does what the real one does against such an endpoint: connects, then waits.
    const fakeBin = join(workspace('fp-flytectl-'), 'bin');
    mkdirSync(fakeBin);
    writeFileSync(
      join(fakeBin, 'flytectl'),
      `#!${process.execPath}\nconst net = require('node:net');\nnet.connect(${silent.port}, '127.0.0.1');\nsetInterval(() => undefined, 1000);\n`,
    );
    chmodSync(join(fakeBin, 'flytectl'), 0o755);
    const endpoint = `dns:///127.0.0.1:${silent.port}`;
    const ecr = new ECRClient({ region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const ecrMock = mockClient(ecr);
    const started = Date.now();
    try {
      const error = await refusal(runInit(project({}, endpoint), {}, { ecr, log: () => undefined, env: { PATH: `${fakeBin}${delimiter}${process.env.PATH}`, FLYTE_PIPELINE_TIMEOUT: '1' } }));
      expect(error.message).toBe(`flytectl get project got no answer from FlyteAdmin at ${endpoint} in time, so it was stopped`);
      expect(error.fix).toMatch(/check that dns:\/\/\/127\.0\.0\.1:\d+ is reachable .*FLYTE_PIPELINE_TIMEOUT=SECONDS/);
      expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    } finally {
      ecrMock.restore();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});

describe('FLYTE_PIPELINE_TIMEOUT', () => {
  it.each([
    [undefined, { ecrMs: 20_000, flytectlMs: 120_000 }],
    ['5', { ecrMs: 5000, flytectlMs: 5000 }],
    ['0.5', { ecrMs: 500, flytectlMs: 500 }],
  ])('%p -> %o', (value, expected) => expect(networkTimeouts({ FLYTE_PIPELINE_TIMEOUT: value })).toEqual(expected));
  it.each(['0', '-1', 'soon', '99999', 'Infinity'])('%p is refused, naming the rule', (value) => {
    expect(() => networkTimeouts({ FLYTE_PIPELINE_TIMEOUT: value })).toThrow(/is not a number of seconds \(more than 0, at most 3600\)/);
  });
});

describe('init refuses what FlyteAdmin or AWS would refuse, before anything is created', () => {
  const ecr = new ECRClient({ region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  const ecrMock = mockClient(ecr);
  const awsError = (name: string) => Object.assign(new Error(name), { name });
  beforeEach(() => {
    ecrMock.reset();
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'));
    ecrMock.on(GetLifecyclePolicyCommand).rejects(awsError('LifecyclePolicyNotFoundException'));
  });
  afterAll(() => ecrMock.restore());
  const run = (answers: Record<string, unknown>, calls: string[][] = []) =>
    runInit(project(answers), { dryRun: false }, { ecr, log: () => undefined, env: {}, flytectl: async (args) => (calls.push(args), flytectlNotFound(args)) });

  it.each([
    ['a 301-byte description', { description: 'd'.repeat(301) }, /"description": the description is 301 bytes long; FlyteAdmin takes a project description of at most 300/],
    ['a 151-character, 302-byte description', { description: 'é'.repeat(151) }, /302 bytes/],
    ['a 66-byte project name', { projectName: 'é'.repeat(33) }, /"projectName": the project name is 66 bytes long/],
    ['region eu-west-99', { awsRegion: 'eu-west-99' }, /--aws-region: "eu-west-99" is not an AWS region/],
    ['region us-east-7', { awsRegion: 'us-east-7' }, /is not an AWS region/],
    ['Flyte project Churn_Model', { flyteProject: 'Churn_Model' }, /DNS-1123/],
    ['ECR repository Churn', { ecrRepository: 'Churn' }, /not a valid ECR repository name/],
    ['account 12345', { awsAccountId: '12345' }, /12 digits/],
  ])('%s', async (_what, answers, cause) => {
    const calls: string[][] = [];
    const error = await refusal(run(answers, calls));
    expect(error.message).toMatch(cause);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    expect(calls.filter((args) => args[0] === 'create')).toEqual([]);
  });

  it('cn-north-1: the repository is reported under amazonaws.com.cn, the China registry domain', async () => {
    const reports = await runInit(project({ awsRegion: 'cn-north-1' }), { dryRun: true }, { ecr, log: () => undefined, env: {}, flytectl: flytectlNotFound });
    expect(reports[0].detail).toContain('210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/churn');
  });

  it('a flytectl that prints terminal escapes or a flood: its last line is shown short and printable', async () => {
    const error = await refusal(
      runInit(project(), {}, { ecr, log: () => undefined, env: {}, flytectl: async () => ({ exitCode: 1, stdout: '', stderr: `\u001b[2J${'x'.repeat(5000)}` }) }),
    );
    expect(error.message).not.toContain('\u001b');
    expect(error.message.length).toBeLessThan(450);
  });
});
