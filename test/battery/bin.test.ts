/**
 * What a user sees through the `flyte-pipeline` command for hostile or broken input: one line of
 * cause, one of fix, exit code 1, no stack trace, and nothing written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN } from '../helpers/project.js';
import { expectPrintedRefusal, fingerprint, generateIn, workspace } from './helpers.js';

const bin = (args: string[], cwd: string, nodeFlags: string[] = []) =>
  execa(process.execPath, [...nodeFlags, BIN, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: { ...process.env, HOME: cwd } });

describe('new: command lines read as meant', () => {
  it('--ci=no means no: no CI workflow, "ci": false stored', async () => {
    const dir = workspace();
    const result = await bin(['new', 'Churn Model', '--defaults', '--skip-install', '--ci=no', '--gpu=yes'], dir);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'churn-model', '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline']).toMatchObject({ ci: false, gpu: true });
    expect(existsSync(join(dir, 'churn-model', '.github'))).toBe(false);
  });

  it.each([
    [['--no-description'], /--no-description: --description takes a value/],
    [['-x'], /unknown flag -x for `flyte-pipeline new`/],
    [['Model'], /takes one NAME, and "Model" is a second word/],
    [['--ci', 'no'], /"no" is a second word/],
    [['--ci=maybe'], /--ci is yes or no/],
    [['--aws-region', 'eu-west-99'], /--aws-region: "eu-west-99" is not an AWS region/],
    [['--description', 'd'.repeat(301)], /FlyteAdmin takes a project description of at most 300/],
  ])('%j is refused; nothing is written', async (extra, cause) => {
    const dir = workspace();
    expectPrintedRefusal(await bin(['new', 'Churn', '--defaults', '--skip-install', ...extra], dir), cause);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a 50 MB answers file is refused at once, in a Node limited to 96 MB of heap', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'answers.yaml'), `description: ${'x'.repeat(50 * 1024 * 1024)}\n`);
    const started = Date.now();
    const result = await bin(['new', 'Churn', '--defaults', '--skip-install', '--answers', 'answers.yaml'], dir, ['--max-old-space-size=96']);
    expectPrintedRefusal(result, /answers file answers\.yaml is 52428814 bytes; at most 65536 are read/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readdirSync(dir)).toEqual(['answers.yaml']);
  });
});

describe('a deleted working folder', () => {
  it.each([['new', 'Churn'], ['upgrade'], ['init'], ['workflow', 'step']])('`flyte-pipeline %s`: one line, no stack trace', async (...args) => {
    const dir = join(workspace(), 'gone');
    mkdirSync(dir);
    // The folder is removed by the shell the command then runs in: its working folder is gone.
    const result = await execa('bash', ['-c', 'cd "$1" && rmdir "$1" && shift && exec "$@"', 'bash', dir, process.execPath, BIN, ...args], { reject: false, stdin: 'ignore' });
    expectPrintedRefusal(result, /^error: the current folder no longer exists \(it was deleted or moved\)\n {2}fix: cd to an existing folder, then run the command again\n?$/);
    expect(existsSync(dir)).toBe(false);
    rmdirSync(join(dir, '..'));
  });
});

describe('inside a project: broken files are named, with their fix', () => {
  let template: string;
  beforeAll(async () => {
    template = workspace();
    await generateIn(template);
  });
  const copy = async () => {
    const dir = workspace();
    await execa('cp', ['-a', join(template, 'churn-model'), dir]);
    return join(dir, 'churn-model');
  };

  it.each([
    ['upgrade', ['upgrade']],
    ['workflow', ['workflow', 'drop_nulls']],
    ['init', ['init', '--dry-run']],
  ])('a .yo-rc.json that is not JSON, for %s', async (_command, args) => {
    const dir = await copy();
    writeFileSync(join(dir, '.yo-rc.json'), '{"generator-flyte-pipeline": {');
    const before = fingerprint(dir);
    expectPrintedRefusal(await bin(args, dir), /\.yo-rc\.json is not valid JSON .*\n {2}fix: restore it from version control \(git checkout -- \.yo-rc\.json\)/);
    expect(fingerprint(dir)).toEqual(before);
  });

  it('a base.json.gz that is not gzip: upgrade names it and the fix', async () => {
    const dir = await copy();
    writeFileSync(join(dir, '.flyte-pipeline', 'base.json.gz'), 'junk');
    const before = fingerprint(dir);
    expectPrintedRefusal(await bin(['upgrade'], dir), /^error: \.flyte-pipeline\/base\.json\.gz is not a snapshot this generator wrote: not gzip data .*\n {2}fix: restore it from version control \(git checkout -- \.flyte-pipeline\/base\.json\.gz\), then run the upgrade again\n?$/);
    expect(fingerprint(dir)).toEqual(before);
  });

  it('a downgrade is refused; --force (an upgrade flag) allows it', async () => {
    const dir = await copy();
    const path = join(dir, '.yo-rc.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    config['generator-flyte-pipeline'].generatorVersion = '9.9.9';
    writeFileSync(path, JSON.stringify(config));
    expectPrintedRefusal(await bin(['upgrade'], dir), /made by generator-flyte-pipeline@9\.9\.9 \(\.yo-rc\.json\), newer than this one/);
    expect((await bin(['upgrade', '--force'], dir)).exitCode).toBe(0);
  });

  it.each([
    [['upgrade', 'extra'], /`flyte-pipeline upgrade` takes no "extra"/],
    [['init', '-x'], /unknown flag -x for `flyte-pipeline init`/],
    [['workflow', 'a', 'b'], /takes one NAME, and "b" is a second word/],
  ])('%j is refused', async (args, cause) => {
    const dir = await copy();
    const before = fingerprint(dir);
    expectPrintedRefusal(await bin(args, dir), cause);
    expect(fingerprint(dir)).toEqual(before);
  });
});
