/**
 * Answers refused as the target systems would refuse them (FlyteAdmin, ECR, AWS), before anything
 * is created; answers files read as the text the user wrote; command lines read as meant.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCommandLine, readAnswersFile, resolveAnswers, type GivenAnswers } from '../../shared/answers.js';
import { templateContext } from '../../generators/lib/context.js';
import type { DefaultsSource } from '../../shared/questions.js';
import {
  AWS_PARTITIONS,
  awsDnsSuffix,
  ecrRegistry,
  validateAwsRegion,
  validateDescription,
  validateEmail,
  validateFlyteEndpoint,
  validateProjectName,
} from '../../shared/validators.js';
import { generateIn, mkfifo, refusal, workspace } from './helpers.js';

const source: DefaultsSource = { env: {}, home: '/nonexistent', gitUser: { name: 'Ada', email: 'ada@example.com' } };
const resolve = (given: GivenAnswers) => resolveAnswers({ layers: [given], useDefaults: true, source });

describe('AWS regions: the partitions AWS has, nothing else', () => {
  const all = AWS_PARTITIONS.flatMap((partition) => partition.regions.map((region) => [region, partition.dnsSuffix] as const));
  it.each(all)('%s is accepted, and its ECR registry is under %s', (region, suffix) => {
    expect(validateAwsRegion(region)).toBe(true);
    expect(ecrRegistry('123456789012', region)).toBe(`123456789012.dkr.ecr.${region}.${suffix}`);
  });
  it.each(['eu-west-99', 'us-east-7', 'cn-south-1', 'us-gov-north-1', 'mars-north-1', 'eu-west', 'US-EAST-1', 'us-east-1a', 'us_east_1', ' us-east-1', '', 'aws-global', 'eu-isoe-east-1'])(
    '%p is refused, naming the rule',
    (region) => expect(validateAwsRegion(region)).toMatch(/is not an AWS region/),
  );
  it('China regions get the amazonaws.com.cn registry, in the template context too', async () => {
    expect(awsDnsSuffix('cn-north-1')).toBe('amazonaws.com.cn');
    const context = templateContext(await resolve({ projectName: 'Churn', awsRegion: 'cn-northwest-1', awsAccountId: '210987654321' }));
    expect(context.registry).toBe('210987654321.dkr.ecr.cn-northwest-1.amazonaws.com.cn');
    expect(context.imageRepository).toBe('210987654321.dkr.ecr.cn-northwest-1.amazonaws.com.cn/churn');
    expect(context.registryDomain).toBe('amazonaws.com.cn');
  });
  it("China regions get the amazonaws.com.cn registry in the generated Makefile and remote.py, an AWS_REGION override too", async () => {
    const cwd = workspace();
    await generateIn(cwd, { awsRegion: 'cn-north-1', awsAccountId: '210987654321' });
    const project = join(cwd, 'churn-model');
    const make = (...args: string[]) => execFileSync('make', ['-s', '--no-print-directory', ...args], { cwd: project, encoding: 'utf8' }).trim();
    expect(make('print-REGISTRY')).toBe('210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn');
    expect(make('print-REGISTRY', 'AWS_REGION=eu-west-1')).toBe('210987654321.dkr.ecr.eu-west-1.amazonaws.com');
    const code = 'import sys; sys.path.insert(0, "scripts"); import remote; print(remote.Settings("210987654321", "cn-northwest-1", "r", "p", "d", "c").registry)';
    expect(execFileSync('python3', ['-c', code], { cwd: project, encoding: 'utf8' }).trim()).toBe('210987654321.dkr.ecr.cn-northwest-1.amazonaws.com.cn');
  });
});

describe("FlyteAdmin's limits, in bytes of UTF-8 as FlyteAdmin counts them", () => {
  it.each([
    ['a'.repeat(63), true],
    ['Churn Model', true],
    [`${'a'.repeat(30)} ${'b'.repeat(32)}`, true],
    ['é'.repeat(32), true],
    ['é'.repeat(33), /66 bytes long; FlyteAdmin takes a project name of at most 64/],
    [`a${'日'.repeat(22)}`, /67 bytes/],
    ['a'.repeat(64), /a Flyte project id is at most 63/],
    ['x'.repeat(65), /65 bytes/],
  ] as const)('project name %p', (name, expected) => {
    const validation = validateProjectName(name);
    if (expected === true) expect(validation).toBe(true);
    else expect(validation).toMatch(expected);
  });
  it.each([
    ['d'.repeat(300), true],
    ['d'.repeat(301), /301 bytes long; FlyteAdmin takes a project description of at most 300/],
    ['é'.repeat(150), true],
    ['é'.repeat(151), /302 bytes/],
    ['😀'.repeat(76), /304 bytes/],
  ] as const)('description of %#', (description, expected) => {
    const validation = validateDescription(description);
    if (expected === true) expect(validation).toBe(true);
    else expect(validation).toMatch(expected);
  });
  it('a 50 MB description is refused at once, in bounded memory, naming the limit', async () => {
    const huge = 'x'.repeat(50 * 1024 * 1024);
    const started = process.hrtime.bigint();
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await refusal(resolve({ projectName: 'Churn', description: huge }));
    expect(error.message).toMatch(/^--description: the description is 52428800 characters long; at most 1024$/);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('no control or invisible formatting characters in any answer', () => {
  const characters = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff', '\ud800'];
  it.each(characters.map((char) => [`U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`, char]))('%s in a description is refused with its code', async (code, char) => {
    const error = await refusal(resolve({ projectName: 'Churn', description: `before${char}after` }));
    expect(error.message).toContain(code);
    expect(error.message).toMatch(/only printable text/);
    expect(error.message).not.toContain(char);
  });
  it.each(characters.slice(0, 6))('in a project name, author or email too (%#)', async (char) => {
    await refusal(resolve({ projectName: `Churn${char}` }));
    await refusal(resolve({ projectName: 'Churn', author: `Ada${char}` }));
    expect(validateEmail(`a${char}@example.com`)).toEqual(expect.any(String));
  });
  it('line breaks and tabs in free text fold to one space (what the user meant)', async () => {
    expect((await resolve({ projectName: 'Churn', description: 'one\r\n\ttwo\tthree' })).description).toBe('one two three');
  });
});

describe('other answers, at their limits', () => {
  it.each([
    ['localhost:30080', true],
    ['dns:///flyte.example.com:443', true],
    ['flyte.example.com:65535', true],
    ['flyte.example.com:0', /port is 1 to 65535/],
    ['flyte.example.com:65536', /port is 1 to 65535/],
    [`${'a'.repeat(400)}.com`, /at most 253/],
    ['https://flyte.example.com/$(id)', /not a Flyte admin endpoint/],
  ] as const)('Flyte endpoint %p', (endpoint, expected) => {
    const validation = validateFlyteEndpoint(endpoint);
    if (expected === true) expect(validation).toBe(true);
    else expect(validation).toMatch(expected);
  });
  it.each([
    ['ml@example.com', true],
    [`${'a'.repeat(250)}@example.com`, /at most 254/],
    ['a b@example.com', /not an email/],
  ] as const)('email %#', (email, expected) => {
    const validation = validateEmail(email);
    if (expected === true) expect(validation).toBe(true);
    else expect(validation).toMatch(expected);
  });
  it('a hostile value is shown shortened and printable in the message', async () => {
    const error = await refusal(resolve({ projectName: 'Churn', awsRegion: `\u001b[31m${'x'.repeat(500)}` }));
    expect(error.message.length).toBeLessThan(250);
    expect(error.message).not.toContain('\u001b');
  });
});

describe('answers files: the text as written', () => {
  const dir = workspace('fp-answers-');
  let count = 0;
  const file = (text: string) => {
    const path = join(dir, `answers-${(count += 1)}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  it.each([
    ['description: 1e3', { description: '1e3' }],
    ['python-version: 3.10', { pythonVersion: '3.10' }],
    ['aws-account-id: 012345678901', { awsAccountId: '012345678901' }],
    ['aws-account-id: 0x1F', { awsAccountId: '0x1F' }],
    ['author:', { author: '' }],
    ['author: ~', { author: '' }],
    ['author: null', { author: '' }],
    ['author: "null"', { author: 'null' }],
    ['author: "~"', { author: '~' }],
    ['description: yes', { description: 'yes' }],
    ['description: .inf', { description: '.inf' }],
    ['description: 2001-12-14', { description: '2001-12-14' }],
    ['gpu: true', { gpu: 'true' }],
    ['ci: no', { ci: 'no' }],
    ['description: !!int 5', { description: '5' }],
    ['{"aws-account-id": 12, "gpu": true, "author": null}', { awsAccountId: '12', gpu: 'true', author: '' }],
    ['', {}],
  ] as const)('%p', (text, expected) => {
    expect(readAnswersFile(file(text))).toEqual(expected);
  });
  it('"python-version: 3.10" is accepted as 3.10, and an account id keeps its leading zero, through to the answers', async () => {
    const answers = await resolve(readAnswersFile(file('project-name: Churn\npython-version: 3.10\naws-account-id: 000123456789\n')));
    expect(answers).toMatchObject({ pythonVersion: '3.10', awsAccountId: '000123456789' });
  });
  it.each([
    ['aws-region: [eu-west-1]', /must be a single value/],
    ['aws-region: {a: b}', /must be a single value/],
    ['a: &x v\ndescription: *x', /unknown question "a"/],
    ['aws-region: eu-west-1\naws-region: eu-west-2', /unique/],
    ['aws-region: eu-west-1\nawsRegion: eu-west-2', /answers --aws-region a second time/],
    ['- a', /not a mapping/],
    ['plain text', /not a mapping/],
    ['region: eu-west-1', /unknown question "region"/],
    ['a: "unterminated', /cannot read answers file/],
  ])('%p is refused', (text, message) => {
    expect(() => readAnswersFile(file(text))).toThrow(message);
  });
  it('a file over 64 kB is refused before it is read (a 50 MB file in milliseconds)', () => {
    const path = file(`description: ${'x'.repeat(50 * 1024 * 1024)}\n`);
    const started = Date.now();
    expect(() => readAnswersFile(path)).toThrow(/is 52428814 bytes; at most 65536 are read/);
    expect(Date.now() - started).toBeLessThan(500);
  });
  it('a FIFO is refused without blocking; a folder and a missing file are named', () => {
    const fifo = join(dir, 'answers.fifo');
    mkfifo(fifo);
    expect(() => readAnswersFile(fifo)).toThrow(/answers file .*answers\.fifo is not a regular file/);
    mkdirSync(join(dir, 'folder.yaml'));
    expect(() => readAnswersFile(join(dir, 'folder.yaml'))).toThrow(/not a regular file|it is a folder/);
    expect(() => readAnswersFile(join(dir, 'missing.yaml'))).toThrow(/cannot read answers file .*missing\.yaml: it does not exist/);
  });
});

describe('command lines, read as meant', () => {
  const spec = {
    command: 'flyte-pipeline new',
    switches: new Set(['gpu', 'ci', 'pre-commit', 'defaults', 'force', 'skip-install']),
    values: new Set(['description', 'aws-region', 'answers']),
    positionals: ['NAME'],
  };
  it.each([
    [['Churn', '--ci=no'], { ci: false }],
    [['Churn', '--ci=No'], { ci: false }],
    [['Churn', '--ci=false'], { ci: false }],
    [['Churn', '--ci=0'], { ci: false }],
    [['Churn', '--ci=off'], { ci: false }],
    [['Churn', '--gpu=yes'], { gpu: true }],
    [['Churn', '--gpu=1'], { gpu: true }],
    [['Churn', '--gpu', '--no-ci'], {}],
    [['Churn', '--description', 'a -- note', '--aws-region=eu-west-1'], {}],
    [['Churn', '--description=-5 degrees'], {}],
    [['Churn', '--unknown-to-us'], {}],
    [['--', 'Churn'], {}],
    [['Churn', '-h'], {}],
  ])('%j -> %j', (args, booleans) => {
    expect(checkCommandLine(args, spec)).toEqual(booleans);
  });
  it.each([
    [['Churn', '--ci=maybe'], /--ci is yes or no/],
    [['Churn', '--no-ci=yes'], /--ci is yes or no/],
    [['Churn', '--no-description'], /--no-description: --description takes a value, it is not a yes\/no switch/],
    [['Churn', '--no-aws-region'], /--aws-region takes a value/],
    [['Churn', '-x'], /unknown flag "-x"/],
    [['Churn', '-f'], /unknown flag "-f"/],
    [['Churn', 'Model'], /takes one NAME, and "Model" is a second word/],
    [['Churn', '--ci', 'no'], /"no" is a second word/],
    [['Churn', '--description'], /--description needs a value/],
    [['Churn', '--description', '-x'], /--description needs a value/],
    [['Churn', '--description', '-- a note'], /--description needs a value/],
    [['--', 'Churn', 'Model'], /second word/],
  ])('%j is refused', (args, message) => {
    expect(() => checkCommandLine(args, spec)).toThrow(message);
  });
  it('a word after a yes/no flag is explained with the form to use', () => {
    expect(() => checkCommandLine(['Churn', '--ci', 'no'], spec)).toThrow(expect.objectContaining({ fix: expect.stringContaining('--ci=no, or --no-ci') }));
  });
  it('upgrade takes no positional word', () => {
    expect(() => checkCommandLine(['churn'], { ...spec, command: 'flyte-pipeline upgrade', positionals: [] })).toThrow(/takes no "churn"/);
  });
});

describe('an answer of 50 MB, to every question: refused by its length, at once', () => {
  const huge = 'a'.repeat(50 * 1024 * 1024);
  it.each(['projectName', 'description', 'author', 'email', 'pythonVersion', 'awsAccountId', 'awsRegion', 'ecrRepository', 'flyteProject', 'flyteDomain', 'flyteEndpoint', 'dependencyManager', 'linter'])(
    '%s',
    async (key) => {
      const started = Date.now();
      const error = await refusal(resolve({ projectName: 'Churn', [key]: huge }));
      expect(error.message.length).toBeLessThan(300);
      expect(Date.now() - started).toBeLessThan(1000);
    },
  );
});
