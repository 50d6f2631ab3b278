import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAnswersFile, resolveAnswers } from '../shared/answers.js';
import { UserError } from '../shared/errors.js';
import { QUESTIONS, flagOf, flyteEndpointFromConfig, questionByKey, type DefaultsSource } from '../shared/questions.js';

const source: DefaultsSource = { env: {}, home: '/nonexistent', gitUser: { name: 'Ada', email: 'ada@example.com' } };
const temp = () => mkdtempSync(join(tmpdir(), 'fp-answers-'));

describe('the question table', () => {
  it('derives one kebab-case flag per question, all distinct', () => {
    const flags = QUESTIONS.map((question) => flagOf(question.name));
    expect(flags).toEqual([
      'project-name',
      'description',
      'data',
      'target',
      'problem-type',
      'positive-class',
      'leave-out',
      'author',
      'email',
      'python-version',
      'aws-account-id',
      'aws-region',
      'ecr-repository',
      'flyte-project',
      'flyte-domain',
      'flyte-endpoint',
      'dependency-manager',
      'linter',
      'gpu',
      'ci',
      'pre-commit',
      'schedule',
      'interruptible',
    ]);
  });
  it('finds a question by flag or by stored key', () => {
    expect(questionByKey('aws-region')?.name).toBe('awsRegion');
    expect(questionByKey('awsRegion')?.name).toBe('awsRegion');
    expect(questionByKey('nope')).toBeUndefined();
  });
  it('every default is valid', async () => {
    const answers = await resolveAnswers({ layers: [], useDefaults: true, source });
    for (const question of QUESTIONS) {
      const value = answers[question.name];
      expect([question.name, typeof value === 'boolean' ? question.boolean : question.validate(value)]).toEqual([question.name, true]);
    }
  });
});

describe('resolveAnswers', () => {
  it('derives ECR repository and Flyte project from the project name', async () => {
    const answers = await resolveAnswers({ layers: [{ projectName: 'Churn Model' }], useDefaults: true, source });
    expect(answers).toMatchObject({ ecrRepository: 'churn-model', flyteProject: 'churn-model', pythonVersion: '3.11', flyteDomain: 'development' });
    expect(answers).toMatchObject({ author: 'Ada', email: 'ada@example.com' });
  });
  it('takes region from AWS_REGION and the endpoint from ~/.flyte/config.yaml', async () => {
    const home = temp();
    mkdirSync(join(home, '.flyte'));
    writeFileSync(join(home, '.flyte', 'config.yaml'), 'admin:\n  endpoint: dns:///flyte.acme.io\n  insecure: false\n');
    const answers = await resolveAnswers({ layers: [], useDefaults: true, source: { ...source, home, env: { AWS_REGION: 'eu-west-1' } } });
    expect(answers.awsRegion).toBe('eu-west-1');
    expect(answers.flyteEndpoint).toBe('dns:///flyte.acme.io');
    expect(flyteEndpointFromConfig('/nonexistent')).toBeUndefined();
  });
  it('flags win over the answers file, which wins over stored answers', async () => {
    const answers = await resolveAnswers({
      layers: [{ awsRegion: 'eu-west-1' }, { awsRegion: 'eu-west-2', flyteDomain: 'staging' }, { flyteDomain: 'production', author: 'Stored' }],
      useDefaults: true,
      source,
    });
    expect(answers).toMatchObject({ awsRegion: 'eu-west-1', flyteDomain: 'staging', author: 'Stored' });
  });
  it('reads yes/no answers from flags (booleans) and files (words), refusing anything else', async () => {
    const answers = await resolveAnswers({ layers: [{ gpu: true }, { ci: 'no', preCommit: 'yes' }], useDefaults: true, source });
    expect(answers).toMatchObject({ gpu: true, ci: false, preCommit: true, dependencyManager: 'pipenv', linter: 'black-flake8' });
    await expect(resolveAnswers({ layers: [{ gpu: 'maybe' }], useDefaults: true, source })).rejects.toThrow(/--gpu: "maybe" is not yes or no/);
  });

  it('folds free text to one line', async () => {
    const answers = await resolveAnswers({ layers: [{ description: 'two\nlines\r\n  here ' }], useDefaults: true, source });
    expect(answers.description).toBe('two lines here');
  });
  it('refuses an invalid answer naming the rule and the flag', async () => {
    const attempt = resolveAnswers({ layers: [{ awsRegion: 'moon-1' }], useDefaults: true, source });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/--aws-region: "moon-1" is not an AWS region/);
  });
  it('without a terminal, a missing answer names the flag to pass', async () => {
    const attempt = resolveAnswers({ layers: [{ projectName: 'xy' }], useDefaults: false, source });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('no terminal'), fix: expect.stringContaining('--description') });
  });
  it('asks, in table order, what no flag answered, offering the derived default', async () => {
    const asked: string[] = [];
    const answers = await resolveAnswers({
      layers: [{ projectName: 'Fraud' }],
      useDefaults: false,
      source,
      ask: async (question, defaultValue) => {
        asked.push(`${question.name}=${defaultValue}`);
        return question.name === 'awsRegion' ? 'ap-south-1' : defaultValue;
      },
    });
    expect(asked[0]).toBe('description=A Flyte pipeline that trains, evaluates and reports on a model');
    expect(asked.slice(1, 6)).toEqual(['data=sample', 'target=diagnosis', 'problemType=auto', 'positiveClass=', 'leaveOut=']);
    expect(asked).toContain('ecrRepository=fraud');
    expect(asked).not.toContainEqual(expect.stringMatching(/^projectName/));
    expect(answers.awsRegion).toBe('ap-south-1');
  });
});

describe('readAnswersFile', () => {
  it('reads YAML with flag or camelCase keys', () => {
    const path = join(temp(), 'answers.yaml');
    writeFileSync(path, 'aws-region: eu-west-1\nawsAccountId: "000011112222"\npython-version: 3.12\n');
    expect(readAnswersFile(path)).toEqual({ awsRegion: 'eu-west-1', awsAccountId: '000011112222', pythonVersion: '3.12' });
  });
  it('reads JSON', () => {
    const path = join(temp(), 'answers.json');
    writeFileSync(path, JSON.stringify({ 'project-name': 'Churn Model', 'flyte-domain': 'staging' }));
    expect(readAnswersFile(path)).toEqual({ projectName: 'Churn Model', flyteDomain: 'staging' });
  });
  it('refuses unknown keys, listing the known ones', () => {
    const path = join(temp(), 'answers.yaml');
    writeFileSync(path, 'region: eu-west-1\n');
    expect(() => readAnswersFile(path)).toThrow(/unknown question "region"/);
  });
  it('refuses a file that is not a mapping, or missing', () => {
    const path = join(temp(), 'answers.yaml');
    writeFileSync(path, '- a\n- b\n');
    expect(() => readAnswersFile(path)).toThrow(/not a mapping/);
    expect(() => readAnswersFile(join(temp(), 'missing.yaml'))).toThrow(/cannot read answers file/);
  });
});
