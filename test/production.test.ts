/**
 * Production questions: `--schedule CRON` (checked as Flyte's native scheduler and flytekit's
 * CronSchedule both take it, and only with data the cluster can read) and `--interruptible`; both
 * reach the templates, are stored in .yo-rc.json, and an older project upgrades onto their defaults.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAnswersFile, resolveAnswers } from '../shared/answers.js';
import { QUESTIONS, type DefaultsSource } from '../shared/questions.js';
import { normaliseSchedule, validateSchedule } from '../shared/validators.js';
import { expectPrintedRefusal, generateIn } from './battery/helpers.js';
import { runBin } from './helpers/project.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-production-'));
const stored = (project: string) => JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
const read = (project: string, path: string) => readFileSync(join(project, path), 'utf8');
const source: DefaultsSource = { env: {}, home: '/nonexistent', gitUser: {} };
const S3 = ['--data', 's3://ml-data/churn/churn.csv', '--target', 'churned'];

describe('validateSchedule: what both Flyte’s native scheduler and flytekit take', () => {
  // Each of these was also checked against flytekit 1.16's CronSchedule(schedule=…).
  it.each(['', '@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually', '0 3 * * 1', '*/15 * * * *', '0 3 ? * MON-FRI', '0 0 1,15 jan-jun ?', '30 2 1/2 * *', '0-30/10 8-18 * * 1-5', '0 0 * * sun'])(
    'accepts %p',
    (value) => expect(validateSchedule(value)).toBe(true),
  );

  it.each([
    ['0 3 * *', /has 4 fields, not 5/],
    ['0 3 * * 1 2026', /has 6 fields, not 5/],
    ['60 * * * *', /minute "60" is not in 0-59/],
    ['0 24 * * *', /hour "24" is not in 0-23/],
    ['0 0 0 * *', /day of month "0" is not in 1-31/],
    ['0 0 * 13 *', /month "13" is not in 1-12 or JAN-DEC/],
    // robfig/cron (the native scheduler) knows days of week 0-6; croniter would take 7.
    ['0 0 * * 7', /day of week "7" is not in 0-6 or SUN-SAT/],
    ['*/0 * * * *', /step "0" is not a whole number of at least 1/],
    ['5-1 * * * *', /runs backwards/],
    ['? * * * *', /minute "\?" is not in 0-59/],
    // L and # are croniter's, not the native scheduler's; # would also end the Makefile's line.
    ['0 0 L * *', /day of month "L" is not in 1-31/],
    ['0 0 * * 1#2', /"#" is not a cron character/],
    ['0 3 * * 1; rm -rf /', /";" is not a cron character/],
    ['$(reboot) * * * *', /"\$" is not a cron character/],
    ['@reboot', /is not a predefined schedule/],
    ['daily', /has 1 field, not 5/],
  ])('refuses %p, naming the rule', (value, problem) => {
    const message = validateSchedule(value);
    expect(message).toMatch(problem);
    expect(message).toContain('a schedule is 5 cron fields, "minute hour day-of-month month day-of-week" in UTC');
    expect(message).toContain('@daily');
  });

  it('takes the fields as typed: extra spaces folded, a predefined schedule in lower case', () => {
    expect(normaliseSchedule('  0  3 *\t* 1 ')).toBe('0 3 * * 1');
    expect(normaliseSchedule('@Daily')).toBe('@daily');
  });
});

describe('the question table', () => {
  it('asks for a schedule and interruptible last, defaulting to none and off', async () => {
    expect(QUESTIONS.slice(-2).map((question) => question.name)).toEqual(['schedule', 'interruptible']);
    const answers = await resolveAnswers({ layers: [], useDefaults: true, source });
    expect(answers).toMatchObject({ schedule: '', interruptible: false });
  });

  it('refuses a schedule on data the cluster cannot read: cause and fix', async () => {
    for (const data of ['sample', './churn.csv']) {
      const attempt = resolveAnswers({ layers: [{ data, target: 'churned', schedule: '@daily' }], useDefaults: true, source, check: async () => undefined });
      await expect(attempt).rejects.toMatchObject({
        message: expect.stringMatching(/^--schedule needs the training data as an s3:\/\/ URI: a scheduled run starts on the cluster, which cannot read (the bundled sample|the local file "\.\/churn\.csv")$/),
        fix: expect.stringContaining('pass --data s3://'),
      });
    }
    const answers = await resolveAnswers({ layers: [{ data: 's3://ml-data/churn.csv', target: 'churned', schedule: '0 3 * * 1' }], useDefaults: true, source });
    expect(answers.schedule).toBe('0 3 * * 1');
  });

  it('reads both from an answers file', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'answers.yaml'), 'schedule: "@weekly"\ninterruptible: yes\n');
    expect(readAnswersFile(join(dir, 'answers.yaml'))).toEqual({ schedule: '@weekly', interruptible: 'yes' });
  });
});

describe('flyte-pipeline new --schedule --interruptible', () => {
  it('with s3:// data: the launch plan, the Makefile targets, the task settings; stored in .yo-rc.json', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Churn', '--defaults', '--skip-install', ...S3, '--schedule', '0  3 * * MON', '--interruptible'], { cwd });
    expect([result.exitCode, result.stderr]).toEqual([0, expect.not.stringMatching(/^error:/m)]);
    const project = join(cwd, 'churn');
    expect(stored(project)).toMatchObject({ schedule: '0 3 * * MON', interruptible: true });
    expect(read(project, 'Makefile')).toContain('SCHEDULE := 0 3 * * MON\n');
    expect(read(project, 'Makefile')).toMatch(/^schedule-on:/m);
    expect(read(project, 'src/workflows/full.py')).toContain('SCHEDULE = "0 3 * * MON"');
    expect(read(project, 'src/tasks/settings.py')).toContain('INTERRUPTIBLE = True');
  });

  it('without them: no launch plan, no schedule targets, regular nodes', async () => {
    const cwd = workspace();
    expect((await runBin(['new', 'Churn', '--defaults', '--skip-install'], { cwd })).exitCode).toBe(0);
    const project = join(cwd, 'churn');
    expect(stored(project)).toMatchObject({ schedule: '', interruptible: false });
    expect(read(project, 'Makefile')).not.toMatch(/SCHEDULE|schedule-on/);
    expect(read(project, 'src/workflows/full.py')).not.toContain('LaunchPlan');
    expect(read(project, 'src/tasks/settings.py')).toContain('INTERRUPTIBLE = False');
  });

  it.each([
    [['--schedule', '0 3 * * 1'], /--schedule needs the training data as an s3:\/\/ URI/],
    [[...S3, '--schedule', '0 3 * * 8'], /--schedule: "0 3 \* \* 8" is not a schedule: day of week "8" is not in 0-6 or SUN-SAT/],
    [[...S3, '--interruptible=maybe'], /--interruptible is yes or no/],
  ])('refuses %p in one line with its fix, writing nothing', async (args, cause) => {
    const cwd = workspace();
    expectPrintedRefusal(await runBin(['new', 'Churn', '--defaults', '--skip-install', ...args], { cwd }), cause);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('an older project, made before these questions', () => {
  it('upgrades onto their defaults: no schedule, regular nodes', async () => {
    const cwd = workspace();
    await generateIn(cwd);
    const project = join(cwd, 'churn-model');
    const path = join(project, '.yo-rc.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    for (const key of ['schedule', 'interruptible', 'memory']) delete config['generator-flyte-pipeline'][key];
    writeFileSync(path, JSON.stringify(config, null, 2));
    const result = await runBin(['upgrade'], { cwd: project });
    expect([result.exitCode, result.stderr]).toEqual([0, expect.not.stringMatching(/^error:/m)]);
    expect(stored(project)).toMatchObject({ schedule: '', interruptible: false });
    expect(read(project, 'src/tasks/settings.py')).toContain('INTERRUPTIBLE = False');
  });

  it('takes a schedule at upgrade, checked against the stored data', async () => {
    const cwd = workspace();
    await generateIn(cwd);
    expectPrintedRefusal(await runBin(['upgrade', '--schedule', '@daily'], { cwd: join(cwd, 'churn-model') }), /--schedule needs the training data as an s3:\/\/ URI/);
  });
});
