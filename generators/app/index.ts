/**
 * `yo flyte-pipeline [NAME]`: answers -> template context -> files in ./<slug>/ -> `pipenv install --dev`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';
import Generator from 'yeoman-generator';
import { readAnswersFile, resolveAnswers, type Ask, type GivenAnswers } from '../lib/answers.js';
import { templateContext } from '../lib/context.js';
import { UserError } from '../lib/errors.js';
import { QUESTIONS, flagOf, type Answers, type DefaultsSource } from '../lib/questions.js';
import { TEMPLATES_DIR, renderFolder } from '../lib/render.js';
import { slugify } from '../lib/validators.js';
import { runInit } from '../../scripts/init.js';

/** Flags of this generator besides one per question. */
export const APP_FLAGS = {
  defaults: { type: Boolean, description: 'Take the default of every question not answered by a flag or --answers' },
  answers: { type: String, description: 'YAML or JSON file of answers, keyed by flag name (aws-region: eu-west-1)' },
  'skip-install': { type: Boolean, description: 'Do not run `pipenv install --dev` in the new project' },
  init: { type: Boolean, description: 'Create the ECR repository and Flyte project right after generating' },
  force: { type: Boolean, description: 'Write into a folder that is not empty, overwriting its files' },
} as const;

function gitConfig(key: string): string | undefined {
  const result = execaSync('git', ['config', '--get', key], { reject: false });
  return result.exitCode === 0 && typeof result.stdout === 'string' && result.stdout.trim() ? result.stdout.trim() : undefined;
}

export default class AppGenerator extends Generator {
  answers!: Answers;

  constructor(args: string[], options: Record<string, unknown>, features?: Record<string, unknown>) {
    // customInstallTask: the install step is ours (pipenv); yeoman's npm install does not apply.
    super(args, options as never, { ...features, customInstallTask: true } as never);
    this.argument('name', { type: String, required: false, description: 'Project name, e.g. "Churn Model" (folder: churn-model)' });
    for (const question of QUESTIONS) {
      this.option(flagOf(question.name), {
        type: String,
        description: question.choices ? `${question.message} (${question.choices.join(' | ')})` : question.message,
      });
    }
    for (const [name, spec] of Object.entries(APP_FLAGS)) this.option(name, spec);
  }

  /** Flags from the command line (kebab-case) or from a caller such as yeoman-test (camelCase). */
  private givenByFlags(): GivenAnswers {
    const options = this.options as Record<string, unknown>;
    const given: GivenAnswers = {};
    for (const question of QUESTIONS) {
      const value = options[flagOf(question.name)] ?? options[question.name];
      if (value !== undefined && value !== true && value !== false) given[question.name] = String(value);
    }
    if (given.projectName === undefined && typeof options.name === 'string') given.projectName = options.name;
    return given;
  }

  private get ask(): Ask | undefined {
    const interactive = Boolean(process.stdin.isTTY) || Boolean((this.options as Record<string, unknown>).askWithoutTty);
    if (!interactive) return undefined;
    return async (question, defaultValue) => {
      const { value } = await this.prompt<{ value: string }>([
        question.choices
          ? { type: 'select', name: 'value', message: question.message, choices: [...question.choices], default: defaultValue }
          : { type: 'input', name: 'value', message: question.message, default: defaultValue, validate: question.validate },
      ]);
      return value;
    };
  }

  async prompting(): Promise<void> {
    const options = this.options as Record<string, unknown>;
    const fromFile = typeof options.answers === 'string' ? readAnswersFile(options.answers) : {};
    const source: DefaultsSource = {
      env: process.env,
      home: process.env.HOME ?? '',
      gitUser: { name: gitConfig('user.name'), email: gitConfig('user.email') },
    };
    this.answers = await resolveAnswers({
      layers: [this.givenByFlags(), fromFile],
      useDefaults: Boolean(options.defaults),
      ask: this.ask,
      source,
    });
  }

  configuring(): void {
    const target = join(this.destinationRoot(), slugify(this.answers.projectName));
    if (existsSync(target) && readdirSync(target).length > 0 && !(this.options as Record<string, unknown>).force) {
      throw new UserError(`${target} exists and is not empty`, 'choose another project name, remove the folder, or pass --force to overwrite');
    }
    this.destinationRoot(target);
  }

  writing(): void {
    const context = templateContext(this.answers);
    for (const file of renderFolder(join(TEMPLATES_DIR, 'project'), { ...context })) {
      this.fs.write(this.destinationPath(file.path), file.contents, file.executable ? { stat: { mode: 0o755 } as never } : undefined);
    }
    // .yo-rc.json under "generator-flyte-pipeline": the answers (none secret) and who made the project.
    this.config.set({ generatorVersion: context.generatorVersion, ...this.answers });
  }

  /** `--skip-install` on the command line, or `skipInstall` from a caller such as yeoman-test. */
  private get skipInstall(): boolean {
    const options = this.options as Record<string, unknown>;
    return Boolean(options.skipInstall ?? options['skip-install']);
  }

  async install(): Promise<void> {
    if (this.skipInstall) return;
    this.log.info('Installing Python dependencies: pipenv install --dev (a few minutes the first time)');
    try {
      await this.spawn('pipenv', ['install', '--dev'], { cwd: this.destinationRoot(), stdio: 'inherit' });
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ENOENT';
      throw new UserError(
        missing ? 'pipenv is not installed, so the Python dependencies were not installed' : 'pipenv install --dev failed (see its output above)',
        `the project is written; run \`${missing ? 'pip install --user pipenv && ' : ''}cd ${this.answers.projectName ? slugify(this.answers.projectName) : '.'} && pipenv install --dev\``,
      );
    }
  }

  async end(): Promise<void> {
    if ((this.options as Record<string, unknown>).init) {
      this.log.info('Creating the ECR repository and the Flyte project (flyte-pipeline init)');
      await runInit(this.destinationRoot(), {}, { log: (line) => console.log(line) });
    }
    const slug = slugify(this.answers.projectName);
    const steps = [
      `cd ${slug}`,
      ...(this.skipInstall ? ['pipenv install --dev      # Python dependencies'] : []),
      'make test                 # the tests of every step',
      './run src/ full           # train, evaluate and report on the sample data',
    ];
    this.log(`\nDone. ${this.answers.projectName} is in ./${slug}. Now run:\n\n${steps.map((step) => `  ${step}`).join('\n')}\n\nThen, on Flyte: make init, then ./run --remote src/ full\n`);
  }
}
