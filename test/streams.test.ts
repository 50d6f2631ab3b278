/**
 * Results and plans on stdout, progress and errors on stderr: `flyte-pipeline upgrade --dry-run >
 * plan.txt` keeps the plan, `new … > files.txt` the files it made, and an error never lands in the
 * file. yeoman's own log writes to stderr; the commands write their results to stdout.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { BIN, runBin, ROOT } from './helpers/project.js';
import { startMoto, type Moto } from './helpers/moto.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-streams-'));
const NEW = ['--defaults', '--skip-install'];
const lines = (text: unknown) => String(text ?? '').split('\n').filter((line) => line.trim() !== '');

describe('flyte-pipeline new', () => {
  it('the names, the data, the files written, the commit and the next commands on stdout; nothing on stderr', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Churn', ...NEW], { cwd });
    expect(result.exitCode).toBe(0);
    const stdout = lines(result.stdout);
    expect(stdout[0]).toBe('Churn -> folder ./churn/, Flyte project churn, ECR repository churn');
    expect(stdout[1]).toMatch(/^data: breast_cancer\.csv \(the bundled sample\), 569 rows: /);
    expect(stdout).toContain('   create churn/Makefile');
    expect(stdout).toContainEqual(expect.stringMatching(/^git: a repository with a first commit, [0-9a-f]{12} /));
    expect(stdout).toContain('Done. Churn is in ./churn. Now run:');
    expect(stdout).toContain('  make test                 # the tests of every step');
    expect(lines(result.stderr)).toEqual([]);
  });

  it('the install’s progress on stderr, with the install’s own output', async () => {
    const cwd = workspace();
    const bin = join(workspace(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'pipenv'), '#!/bin/sh\necho "stand-in pipenv: locking and installing" >&2\n');
    chmodSync(join(bin, 'pipenv'), 0o755);
    const result = await runBin(['new', 'Churn', '--defaults'], { cwd, env: { PATH: `${bin}${delimiter}${process.env.PATH}` } });
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).toMatch(/Installing Python dependencies: pipenv install --dev/);
    expect(String(result.stdout)).not.toMatch(/Installing|stand-in pipenv/);
    expect(String(result.stdout)).toContain('Done. Churn is in ./churn.');
  });

  it('a reader that stops reading stdout (| head -1) does not end the command half-way', async () => {
    const cwd = workspace();
    const child = execa(process.execPath, [BIN, 'new', 'Churn', ...NEW], { cwd, reject: false, stdin: 'ignore', buffer: false });
    child.stdout?.once('data', () => child.stdout?.destroy());
    const result = await child;
    expect([result.exitCode, String(result.stderr ?? '')]).toEqual([0, expect.not.stringContaining('EPIPE')]);
    expect(existsSync(join(cwd, 'churn', '.git'))).toBe(true);
    expect(existsSync(join(cwd, 'churn', '.yo-rc.json'))).toBe(true);
  });

  it('a refusal on stderr, and nothing on stdout', async () => {
    const result = await runBin(['new', 'Churn', ...NEW, '--aws-region', 'moon-1'], { cwd: workspace() });
    expect(result.exitCode).toBe(1);
    expect(lines(result.stdout)).toEqual([]);
    expect(lines(result.stderr)[0]).toMatch(/^error: --aws-region: "moon-1" is not an AWS region/);
  });
});

describe('flyte-pipeline upgrade --dry-run > plan.txt', () => {
  it('the plan on stdout', async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn', ...NEW], { cwd })).exitCode).toBe(0);
    const result = await runBin(['upgrade', '--dry-run', '--aws-region', 'eu-west-1'], { cwd: join(cwd, 'churn') });
    expect(result.exitCode).toBe(0);
    const stdout = lines(result.stdout);
    expect(stdout[0]).toMatch(/^Dry run: would upgrade Churn from \S+ to \S+$/);
    expect(stdout).toContain('  updated         Makefile');
    expect(lines(result.stderr)).toEqual([]);
  });
});

describe('flyte-pipeline workflow NAME', () => {
  it('the files it wrote and the next command on stdout', async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn', ...NEW], { cwd })).exitCode).toBe(0);
    const result = await runBin(['workflow', 'drop_outliers', '--after', 'process_raw_data'], { cwd: join(cwd, 'churn') });
    expect(result.exitCode).toBe(0);
    expect(lines(result.stdout)).toEqual(expect.arrayContaining(['   create src/tasks/drop_outliers.py', '   update src/workflows/full.py', 'full now runs it after process_raw_data.']));
    expect(lines(result.stderr)).toEqual([]);
  });
});

describe('flyte-pipeline init --dry-run > plan.txt', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => moto?.stop());

  it('the plan on stdout, nothing on stderr', async () => {
    const cwd = workspace();
    const state = workspace();
    const env = {
      ...moto.env,
      PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}${delimiter}${process.env.PATH}`,
      FLYTECTL_STANDIN_STATE: join(state, 'flyte.json'),
      FLYTECTL_STANDIN_LOG: join(state, 'calls.jsonl'),
    };
    expect((await runBin(['new', 'Streams Model', ...NEW, '--aws-region', 'eu-west-1'], { cwd, env })).exitCode).toBe(0);
    const result = await runBin(['init', '--dry-run'], { cwd: join(cwd, 'streams-model'), env });
    expect([result.exitCode, lines(result.stderr)]).toEqual([0, []]);
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(/^ECR repository {3}would create {5}\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/streams-model /),
      expect.stringMatching(/^ECR lifecycle {4}would create {5}expire untagged images after 14 days/),
      'Flyte project    would create     streams-model',
      'Dry run: nothing was changed. Run without --dry-run to apply.',
    ]);
  });
});
