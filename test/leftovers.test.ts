/**
 * Hostile leftovers (issue 17, item 5): a name whose slug is too short for ECR, refused at the name;
 * an answers file that is not UTF-8, refused naming it; an ECR endpoint that accepts and never
 * answers, said within seconds and given up on within 60 s; every network failure of init with a
 * fix naming AWS_ENDPOINT_URL_ECR or the region; numeric flags bounded by what ECR takes. And
 * `init --dry-run` plans every step, even those it cannot check.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { execa } from 'execa';
import { UserError } from '../shared/errors.js';
import { GENERATOR_NAME } from '../shared/package.js';
import { validateProjectName } from '../shared/validators.js';
import { ECR_ATTEMPTS, ECR_TIMEOUT_MS, explainAwsError } from '../scripts/ecr.js';
import { runInit } from '../scripts/init.js';
import { expectPrintedRefusal, refusal } from './battery/helpers.js';
import { BIN, ROOT, runBin } from './helpers/project.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-leftovers-'));
const NEW = ['--defaults', '--skip-install', '--skip-git'];
const STANDIN_BIN = join(ROOT, 'test', 'fixtures', 'bin');
const flytectlNotFound = async (args: string[]) =>
  args[0] === 'get' ? { exitCode: 1, stdout: '', stderr: 'Error: rpc error: code = NotFound desc = missing entity' } : { exitCode: 0, stdout: 'project created successfully.', stderr: '' };

/** A project's .yo-rc.json and flyte-config.yaml, nothing else: what init reads. */
function project(answers: Record<string, unknown> = {}): string {
  const dir = workspace();
  writeFileSync(
    join(dir, '.yo-rc.json'),
    JSON.stringify({ [GENERATOR_NAME]: { projectName: 'Churn', description: 'A model', awsRegion: 'eu-west-1', awsAccountId: '210987654321', ecrRepository: 'churn', flyteProject: 'churn', ...answers } }),
  );
  writeFileSync(join(dir, 'flyte-config.yaml'), 'admin:\n  endpoint: "dns:///localhost:30080"\n  insecure: true\n');
  return dir;
}

describe('a name whose slug is too short for ECR', () => {
  it.each(['x', 'A', '7', 'é!'])('%p is refused at the name, naming ECR’s rule', (name) => {
    expect(validateProjectName(name)).toMatch(/which also names the ECR repository, and ECR takes a repository name of 2 to 256 characters/);
  });

  it('through the bin: the name is named, not a flag never given; nothing written', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'x', ...NEW], { cwd });
    expectPrintedRefusal(result, /^error: --project-name: "x" makes the slug "x", which also names the ECR repository, and ECR takes a repository name of 2 to 256 characters/m);
    expect(String(result.stderr)).not.toContain('--ecr-repository');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('two characters are enough', () => expect(validateProjectName('ab')).toBe(true));
});

describe('an answers file that is not UTF-8', () => {
  it('Latin-1 is refused naming the file, the line and the byte; nothing written', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'answers.yaml'), Buffer.concat([Buffer.from('aws-region: eu-west-1\ndescription: Caf'), Buffer.from([0xe9]), Buffer.from(' churn\n')]));
    const result = await runBin(['new', 'Churn', ...NEW, '--answers', 'answers.yaml'], { cwd });
    expectPrintedRefusal(result, /^error: answers file answers\.yaml is not UTF-8 text: line 2 has the byte 0xE9 \(é in Latin-1\?\)$/m);
    expect(String(result.stderr)).toMatch(/fix: save it as UTF-8/);
    expect(readdirSync(cwd)).toEqual(['answers.yaml']);
  });

  it('UTF-8, with or without a byte-order mark, is read as written', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'answers.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('description: Café churn\n')]));
    expect((await runBin(['new', 'Churn', ...NEW, '--answers', 'answers.yaml'], { cwd })).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'churn', '.yo-rc.json'), 'utf8'))[GENERATOR_NAME].description).toBe('Café churn');
  });

  it('a .yo-rc.json that is not UTF-8 is refused naming it', async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn', ...NEW], { cwd })).exitCode).toBe(0);
    const path = join(cwd, 'churn', '.yo-rc.json');
    writeFileSync(path, Buffer.from(readFileSync(path, 'utf8').replace('A Flyte pipeline', 'Caf\u00e9 pipeline'), 'latin1'));
    expectPrintedRefusal(await runBin(['upgrade'], { cwd: join(cwd, 'churn') }), /the project settings .*\.yo-rc\.json is not UTF-8 text: line \d+ has the byte 0xE9/);
  });
});

/** Accepts every connection, reads what comes, answers nothing. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('an ECR endpoint that accepts connections and never answers', () => {
  it('is bounded: each attempt and the attempts, under 60 s in all', () => {
    expect(ECR_ATTEMPTS * ECR_TIMEOUT_MS).toBeLessThanOrEqual(50_000);
  });

  it('init says what it waits for within seconds, and gives up within 60 s with cause and fix', async () => {
    const silent = await silentServer();
    const endpoint = `http://127.0.0.1:${silent.port}`;
    const dir = project();
    const env: Record<string, string | undefined> = {
      ...process.env,
      PATH: `${STANDIN_BIN}${delimiter}${process.env.PATH}`,
      AWS_ENDPOINT_URL_ECR: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      FLYTECTL_STANDIN_STATE: join(dir, 'state.json'),
      FLYTE_PIPELINE_TIMEOUT: undefined,
    };
    const started = Date.now();
    const child = execa(process.execPath, [BIN, 'init'], { cwd: dir, env, extendEnv: false, reject: false, stdin: 'ignore' });
    let firstLineAt: number | undefined;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      firstLineAt ??= Date.now() - started;
      stderr += chunk.toString();
    });
    const result = await child;
    const elapsed = Date.now() - started;
    await silent.close();
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(`waiting for ECR at ${endpoint} (AWS_ENDPOINT_URL_ECR)… giving up after 40 s`);
    expect(firstLineAt).toBeLessThan(6_000);
    expect(elapsed).toBeLessThan(60_000);
    expect(result.exitCode).toBe(1);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^error: ECR at ${endpoint.replace(/\./g, '\\.')} did not answer in time \\(.*\\), so init stopped$`)),
      expect.stringMatching(/^ {2}fix: check AWS_ENDPOINT_URL_ECR=http:\/\/127\.0\.0\.1:\d+: it must be an ECR API endpoint reachable from here; unset it to use eu-west-1's, https:\/\/api\.ecr\.eu-west-1\.amazonaws\.com; set FLYTE_PIPELINE_TIMEOUT=SECONDS to wait longer$/),
    ]);
  }, 75_000);
});

describe('every network failure of init has a fix naming AWS_ENDPOINT_URL_ECR or the region', () => {
  let web: HttpServer;
  let webPort = 0;
  let raw: Server;
  let rawPort = 0;
  beforeAll(async () => {
    web = createHttpServer((request, response) => {
      const url = request.url ?? '';
      const [status, body] = url.startsWith('/text') ? [200, 'hello'] : url.startsWith('/oops') ? [500, 'oops'] : [404, '<html>Not Found</html>'];
      response.writeHead(status as number, { 'content-type': 'text/html' });
      response.end(body);
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as { port: number }).port;
    raw = createServer((socket) => socket.on('data', () => socket.end('NOT HTTP\r\n\r\n')));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    rawPort = (raw.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => web.close(() => resolve()));
    await new Promise<void>((resolve) => raw.close(() => resolve()));
  });

  const cases: Array<[string, () => string, RegExp]> = [
    ['connection refused', () => 'http://127.0.0.1:1', /cannot reach ECR at http:\/\/127\.0\.0\.1:1 \(AWS_ENDPOINT_URL_ECR\): connect ECONNREFUSED/],
    ['a host that does not resolve', () => 'http://ecr.nonexistent.invalid', /cannot reach ECR at http:\/\/ecr\.nonexistent\.invalid \(AWS_ENDPOINT_URL_ECR\): getaddrinfo/],
    ['a web page (HTTP 404)', () => `http://127.0.0.1:${webPort}/html`, /answered HTTP 404 with something other than ECR's API/],
    ['plain text (HTTP 200)', () => `http://127.0.0.1:${webPort}/text`, /answered HTTP 200 with something other than ECR's API/],
    ['a server error page (HTTP 500)', () => `http://127.0.0.1:${webPort}/oops`, /answered HTTP 500 with something other than ECR's API/],
    ['something that is not HTTP', () => `http://127.0.0.1:${rawPort}`, /cannot reach ECR at .*: Parse Error/],
    ['TLS to a plain port', () => `https://127.0.0.1:${rawPort}`, /cannot reach ECR at https:.*EPROTO|cannot reach ECR at https:.*wrong version number/],
  ];

  it.each(cases)('%s: through the bin, one line of cause, a fix naming AWS_ENDPOINT_URL_ECR', async (_what, endpointOf, cause) => {
    const endpoint = endpointOf();
    const dir = project();
    const env = {
      PATH: `${STANDIN_BIN}${delimiter}${process.env.PATH}`,
      AWS_ENDPOINT_URL_ECR: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      FLYTECTL_STANDIN_STATE: join(dir, 'state.json'),
    };
    const result = await runBin(['init'], { cwd: dir, env });
    expectPrintedRefusal(result, cause);
    const fix = String(result.stderr).trim().split('\n').at(-1);
    expect(fix).toContain(`fix: check AWS_ENDPOINT_URL_ECR=${endpoint}: it must be an ECR API endpoint reachable from here`);
  });

  it('in-process too (an error from another realm, as under jest, is recognised by its message)', async () => {
    const ecr = new ECRClient({ region: 'eu-west-1', endpoint: `http://127.0.0.1:${rawPort}`, credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 });
    const error = await refusal(runInit(project(), {}, { ecr, flytectl: flytectlNotFound, log: () => undefined, progress: () => undefined, env: { AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${rawPort}` } }));
    expect(error.message).toMatch(/^cannot reach ECR at http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_ECR\): Parse Error/);
  });

  it('an AWS_ENDPOINT_URL_ECR that is not a URL is refused before anything is asked', async () => {
    const error = await refusal(runInit(project(), {}, { flytectl: flytectlNotFound, log: () => undefined, env: { AWS_ENDPOINT_URL_ECR: 'ecr.local:4566', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' } }));
    expect(error.message).toBe('AWS_ENDPOINT_URL_ECR=ecr.local:4566 is not an http(s) URL, so ECR cannot be reached through it');
  });

  it('without an endpoint variable, the fix names the region', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 52.0.0.1:443'), { code: 'ECONNREFUSED' });
    const error = explainAwsError(refused, 'eu-west-1', {}) as UserError;
    expect(error.message).toBe('cannot reach ECR at https://api.ecr.eu-west-1.amazonaws.com (region eu-west-1): connect ECONNREFUSED 52.0.0.1:443');
    expect(error.fix).toBe('check the network (VPN, proxy, firewall) to https://api.ecr.eu-west-1.amazonaws.com, and the region eu-west-1 (--aws-region)');
    const viaGeneral = explainAwsError(refused, 'eu-west-1', { AWS_ENDPOINT_URL: 'http://localstack:4566' }) as UserError;
    expect(viaGeneral.fix).toMatch(/^check AWS_ENDPOINT_URL=http:\/\/localstack:4566, which ECR is reached at \(AWS_ENDPOINT_URL_ECR would override it for ECR\)/);
  });
});

describe('numeric flags bounded by what ECR takes', () => {
  const ecr = new ECRClient({ region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  const ecrMock = mockClient(ecr);
  beforeEach(() => {
    ecrMock.reset();
    ecrMock.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('none'), { name: 'RepositoryNotFoundException' }));
    ecrMock.on(GetLifecyclePolicyCommand).rejects(Object.assign(new Error('none'), { name: 'RepositoryNotFoundException' }));
  });
  afterAll(() => ecrMock.restore());
  const init = (flags: Record<string, string>) => runInit(project(), { dryRun: true, ...flags }, { ecr, flytectl: flytectlNotFound, log: () => undefined, env: {} });

  it.each([
    ['keepImages', '100000000000000000000', /--keep-images must be a whole number from 1 to 10,000 \(ECR's default quota of images per repository\), not "100000000000000000000"/],
    ['keepImages', '10001', /--keep-images must be a whole number from 1 to 10,000/],
    ['keepImages', '0', /--keep-images must be a whole number from 1 to 10,000/],
    ['keepImages', '1e3', /not "1e3"/],
    ['keepImages', '5.0', /not "5\.0"/],
    ['keepImages', '0x10', /not "0x10"/],
    ['expireUntaggedDays', '36501', /--expire-untagged-days must be a whole number from 1 to 36,500 \(a hundred years\)/],
    ['expireUntaggedDays', '-3', /not "-3"/],
    ['expireUntaggedDays', '99999999999999999999999', /not "99999999999999999999999"/],
  ])('--%s %p is refused', async (flag, value, cause) => {
    const error = await refusal(init({ [flag]: value }));
    expect(error.message).toMatch(cause);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  it('the bounds themselves are taken', async () => {
    const reports = await init({ keepImages: '10000', expireUntaggedDays: '36500' });
    expect(reports[1].detail).toBe('expire untagged images after 36500 days, keep the last 10000 images');
  });

  it('through the bin', async () => {
    expectPrintedRefusal(await runBin(['init', '--dry-run', '--keep-images', '100000000000000000000'], { cwd: project() }), /--keep-images must be a whole number from 1 to 10,000/);
  });
});

describe('init --dry-run plans every step, saying why of those it cannot check', () => {
  /** No AWS credentials anywhere (no variables, no files, no instance metadata), and no flytectl on PATH. */
  function noCloud(): Record<string, string> {
    const home = workspace();
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('AWS_') && !name.startsWith('FLYTECTL')) env[name] = value;
    env.PATH = (process.env.PATH ?? '').split(delimiter).filter((dir) => !existsSync(join(dir, 'flytectl'))).join(delimiter);
    return { ...env, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') };
  }

  it('without AWS credentials or flytectl: the whole plan, each step saying why and the fix; exit 0', async () => {
    const result = await runBin(['init', '--dry-run'], { cwd: project(), env: noCloud(), extendEnv: false });
    expect([result.exitCode, String(result.stderr)]).toEqual([0, '']);
    expect(String(result.stdout).trim().split('\n')).toEqual([
      'ECR repository   not checked      210987654321.dkr.ecr.eu-west-1.amazonaws.com/churn: no AWS credentials found (fix: set AWS_PROFILE (aws configure / aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
      'ECR lifecycle    not checked      expire untagged images after 14 days, keep the last 100 images: no AWS credentials found (fix: set AWS_PROFILE (aws configure / aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
      expect.stringMatching(/^Flyte project {4}not checked {6}churn: flytectl is not on PATH \(fix: install it/),
      '',
      'Dry run: nothing was changed; 3 steps could not be checked (why, and the fix, in their lines). A real run stops at the first.',
    ]);
  });

  it('a real run stops at the first step it cannot do, with cause and fix', async () => {
    expectPrintedRefusal(await runBin(['init'], { cwd: project(), env: noCloud(), extendEnv: false }), /^error: flytectl is not on PATH$/m);
  });

  it('FlyteAdmin unreachable: the ECR steps planned, the Flyte step says why', async () => {
    const ecr = new ECRClient({ region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const ecrMock = mockClient(ecr);
    ecrMock.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('none'), { name: 'RepositoryNotFoundException' }));
    ecrMock.on(GetLifecyclePolicyCommand).rejects(Object.assign(new Error('none'), { name: 'RepositoryNotFoundException' }));
    const lines: string[] = [];
    try {
      const unavailable = async () => ({ exitCode: 1, stdout: '', stderr: 'Error: rpc error: code = Unavailable desc = connection error' });
      const reports = await runInit(project(), { dryRun: true }, { ecr, flytectl: unavailable, log: (line) => lines.push(line), env: {} });
      expect(reports.map((entry) => [entry.resource, entry.outcome])).toEqual([
        ['ECR repository', 'would create'],
        ['ECR lifecycle', 'would create'],
        ['Flyte project', 'not checked'],
      ]);
      expect(reports[2].detail).toMatch(/^churn: flytectl get project failed \(FlyteAdmin at dns:\/\/\/localhost:30080\): .*connection error \(fix: check admin\.endpoint/);
      await expect(runInit(project(), { dryRun: false }, { ecr, flytectl: unavailable, log: () => undefined, env: {} })).rejects.toMatchObject({ message: expect.stringContaining('flytectl get project failed') });
      expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    } finally {
      ecrMock.restore();
    }
  });
});
