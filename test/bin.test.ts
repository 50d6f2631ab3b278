/** `flyte-pipeline new` as a user types it: flags, --answers, and the errors a user can make. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from './helpers/project.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-bin-'));

describe('flyte-pipeline new', () => {
  it('generates with flags and an --answers file, flags winning', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'answers.yaml'), 'aws-region: eu-west-2\nflyte-domain: staging\ndescription: "From the file"\n');
    const result = await runBin(['new', 'Fraud Detector', '--answers', 'answers.yaml', '--flyte-domain', 'production', '--defaults', '--skip-install'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('cd fraud-detector');
    const config = JSON.parse(readFileSync(join(cwd, 'fraud-detector', '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
    expect(config).toMatchObject({ awsRegion: 'eu-west-2', flyteDomain: 'production', description: 'From the file' });
  });

  it.each([
    [['Churn', '--defaults', '--aws-account-id', '42'], '--aws-account-id', /12 digits/],
    [['Churn', '--defaults', '--aws-region', 'mars-north-1'], '--aws-region', /not an AWS region/],
    [['Churn', '--defaults', '--ecr-repository', 'UPPER'], '--ecr-repository', /ECR repository/],
    [['Churn', '--defaults', '--flyte-project', 'x_y'], '--flyte-project', /DNS-1123/],
    [['Churn', '--defaults', '--email', 'nope'], '--email', /email/],
    [['???', '--defaults'], '--project-name', /no letter or digit/],
  ])('refuses %j with the rule, a fix, exit 1 and nothing written', async (args, flag, rule) => {
    const cwd = workspace();
    const result = await runBin(['new', ...args, '--skip-install'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(rule);
    expect(result.stderr).toMatch(new RegExp(`^error: .*\\n  fix: .*${flag}.*\\n?$`));
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('without a terminal, a missing answer fails fast naming the flag', async () => {
    const cwd = workspace();
    const started = Date.now();
    const result = await runBin(['new', 'Churn', '--skip-install'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no answer for "Description" and no terminal to ask it');
    expect(result.stderr).toContain('pass --description VALUE, or --defaults');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('takes the options as flags, --no-X turning a yes/no option off', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Opts', '--defaults', '--skip-install', '--dependency-manager', 'uv', '--linter', 'ruff', '--gpu', '--no-ci', '--no-pre-commit'], { cwd });
    expect(result.exitCode).toBe(0);
    const config = JSON.parse(readFileSync(join(cwd, 'opts', '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
    expect(config).toMatchObject({ dependencyManager: 'uv', linter: 'ruff', gpu: true, ci: false, preCommit: false });
  });

  it('refuses an unknown flag', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Churn', '--defaults', '--aws-regoin', 'eu-west-1'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('unknown flag --aws-regoin');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('prints each command\'s flags with --help, and the version', async () => {
    const help = await runBin(['new', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^  --aws-region\s+AWS region$/m);
    expect(help.stdout).toMatch(/^  --gpu\s+.*--no-gpu/m);
    expect((await runBin(['init', '--help'])).stdout).toMatch(/^  --kms-key\s+/m);
    expect((await runBin(['workflow', '--help'])).stdout).toMatch(/^  --after\s+/m);
    expect((await runBin(['upgrade', '--help'])).stdout).toMatch(/^  --dry-run\s+/m);
    expect((await runBin(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an unknown command and prints usage without one', async () => {
    expect((await runBin(['nwe'])).stderr).toContain('unknown command "nwe"');
    const usage = await runBin([]);
    expect(usage.exitCode).toBe(2);
    expect(usage.stdout).toContain('usage: flyte-pipeline <command>');
  });

  it('refuses to overwrite a non-empty folder without --force', async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn', '--defaults', '--skip-install'], { cwd })).exitCode).toBe(0);
    const again = await runBin(['new', 'Churn', '--defaults', '--skip-install'], { cwd });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('exists and is not empty');
    expect(existsSync(join(cwd, 'churn', 'Makefile'))).toBe(true);
  });
});
