/**
 * `yo flyte-pipeline [NAME]`: answers -> template context -> files in ./<slug>/ -> `pipenv install --dev`.
 * Run again inside a generated project (no NAME, or `flyte-pipeline upgrade`), it upgrades the
 * project to the current template with the stored answers, merging the user's edits.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execaSync } from 'execa';
import Generator from 'yeoman-generator';
import { readAnswersFile, resolveAnswers, type Ask, type GivenAnswers } from '../lib/answers.js';
import { generatorVersion, includeTemplate, templateContext, type TemplateContext } from '../lib/context.js';
import { UserError } from '../lib/errors.js';
import { QUESTIONS, flagHelp, flagOf, type Answers, type DefaultsSource } from '../lib/questions.js';
import { TEMPLATES_DIR, renderFolder, type RenderedFile } from '../lib/render.js';
import { SNAPSHOT_PATH, decodeSnapshot, encodeSnapshot } from '../lib/snapshot.js';
import { planUpgrade, summarise, type UpgradeEntry } from '../lib/upgrade.js';
import { slugify } from '../lib/validators.js';
import { runInit } from '../../scripts/init.js';
import { findProjectRoot, readProjectConfig, type StoredConfig } from '../../scripts/project-config.js';

/** Flags of this generator besides one per question. */
export const APP_FLAGS = {
  defaults: { type: Boolean, description: 'Take the default of every question not answered by a flag or --answers' },
  answers: { type: String, description: 'YAML or JSON file of answers, keyed by flag name (aws-region: eu-west-1)' },
  'skip-install': { type: Boolean, description: 'Do not install the Python dependencies (pipenv install --dev, or uv sync)' },
  init: { type: Boolean, description: 'Create the ECR repository and Flyte project right after generating' },
  force: { type: Boolean, description: 'Write into a folder that is not empty, overwriting its files' },
} as const;

/** Flags of `flyte-pipeline upgrade` (it runs this generator inside a project). */
export const UPGRADE_FLAGS = {
  upgrade: { type: Boolean, description: 'Upgrade the project in this folder to the current template' },
  'dry-run': { type: Boolean, description: 'With upgrade: list what would change, write nothing' },
} as const;

function gitConfig(key: string): string | undefined {
  const result = execaSync('git', ['config', '--get', key], { reject: false });
  return result.exitCode === 0 && typeof result.stdout === 'string' && result.stdout.trim() ? result.stdout.trim() : undefined;
}

// yeoman runs every prototype member as a task (getters included), except those named with a
// leading underscore: helpers here start with `_`; test/tasks.test.ts lists the tasks it allows.
export default class AppGenerator extends Generator {
  answers!: Answers;
  /** What the templates see, computed once the answers are known. */
  private context!: TemplateContext;
  /** Set when upgrading: the answers and version the project was generated with. */
  private previous?: StoredConfig;
  private upgradeEntries: UpgradeEntry[] = [];
  /** Flags from the command line (kebab-case) or from a caller such as yeoman-test (camelCase). */
  private readonly flags: Record<string, unknown>;

  constructor(args: string[], options: Record<string, unknown>, features?: Record<string, unknown>) {
    // customInstallTask: the install step is ours (pipenv); yeoman's npm install does not apply.
    super(args, options as never, { ...features, customInstallTask: true } as never);
    this.flags = this.options as Record<string, unknown>;
    this.argument('name', { type: String, required: false, description: 'Project name, e.g. "Churn Model" (folder: churn-model)' });
    for (const question of QUESTIONS) {
      this.option(flagOf(question.name), { type: question.boolean ? Boolean : String, description: flagHelp(question) });
    }
    for (const [name, spec] of Object.entries({ ...APP_FLAGS, ...UPGRADE_FLAGS })) this.option(name, spec);
  }

  /** The folder of templates to render: the package's, or (tests of upgrades) an older copy. */
  private _templateDir(): string {
    return typeof this.flags.templatesDir === 'string' ? this.flags.templatesDir : join(TEMPLATES_DIR, 'project');
  }

  private _templateVersion(): string {
    return typeof this.flags.templateVersion === 'string' ? this.flags.templateVersion : generatorVersion();
  }

  /** Flags from the command line (kebab-case) or from a caller such as yeoman-test (camelCase). */
  private _givenByFlags(): GivenAnswers {
    const given: GivenAnswers = {};
    for (const question of QUESTIONS) {
      const value = this.flags[flagOf(question.name)] ?? this.flags[question.name];
      if (question.boolean ? typeof value === 'boolean' || typeof value === 'string' : typeof value === 'string' || typeof value === 'number') {
        given[question.name] = typeof value === 'number' ? String(value) : (value as string | boolean);
      }
    }
    if (given.projectName === undefined && typeof this.flags.name === 'string') given.projectName = this.flags.name;
    return given;
  }

  private _ask(): Ask | undefined {
    const interactive = Boolean(process.stdin.isTTY) || Boolean(this.flags.askWithoutTty);
    if (!interactive) return undefined;
    return async (question, defaultValue) => {
      if (question.boolean) {
        const { value } = await this.prompt<{ value: boolean }>([{ type: 'confirm', name: 'value', message: question.message, default: Boolean(defaultValue) }]);
        return value;
      }
      const { value } = await this.prompt<{ value: string }>([
        question.choices
          ? { type: 'select', name: 'value', message: question.message, choices: [...question.choices], default: String(defaultValue) }
          : { type: 'input', name: 'value', message: question.message, default: String(defaultValue), validate: question.validate },
      ]);
      return value;
    };
  }

  /** `--skip-install` on the command line, or `skipInstall` from a caller such as yeoman-test. */
  private _skipInstall(): boolean {
    return Boolean(this.flags.skipInstall ?? this.flags['skip-install']);
  }

  initializing(): void {
    // Without a NAME, inside a generated project (or a folder of one), this is an upgrade.
    const projectRoot = findProjectRoot(this.destinationRoot());
    const upgrading = Boolean(this.flags.upgrade) || (projectRoot !== undefined && typeof this.flags.name !== 'string');
    if (!upgrading) return;
    if (!projectRoot) {
      throw new UserError(`${this.destinationRoot()} is not in a project made by flyte-pipeline (no .yo-rc.json)`, 'run it inside a generated project, or use `flyte-pipeline new NAME`');
    }
    this.destinationRoot(projectRoot);
    this.previous = readProjectConfig(projectRoot);
  }

  async prompting(): Promise<void> {
    const fromFile = typeof this.flags.answers === 'string' ? readAnswersFile(this.flags.answers) : {};
    const source: DefaultsSource = {
      env: process.env,
      home: process.env.HOME ?? '',
      gitUser: { name: gitConfig('user.name'), email: gitConfig('user.email') },
    };
    const stored: GivenAnswers = {};
    for (const question of QUESTIONS) {
      const value = this.previous?.[question.name];
      if (value !== undefined) stored[question.name] = value;
    }
    this.answers = await resolveAnswers({
      layers: [this._givenByFlags(), fromFile, stored],
      // An upgrade never asks: a question added since takes its default.
      useDefaults: Boolean(this.flags.defaults) || this.previous !== undefined,
      ask: this._ask(),
      source,
    });
    this.context = { ...templateContext(this.answers), generatorVersion: this._templateVersion() };
  }

  configuring(): void {
    if (this.previous) return;
    const target = join(this.destinationRoot(), slugify(this.answers.projectName));
    if (existsSync(target) && readdirSync(target).length > 0 && !this.flags.force) {
      throw new UserError(`${target} exists and is not empty`, 'choose another project name, remove the folder, or pass --force to overwrite');
    }
    this.destinationRoot(target);
  }

  writing(): void {
    const context = this.context;
    const files = renderFolder(this._templateDir(), { ...context }, (path) => includeTemplate(path, context));
    if (this.previous) {
      this._upgrade(files);
      return;
    }
    for (const file of files) {
      this.fs.write(this.destinationPath(file.path), file.contents, file.executable ? { stat: { mode: 0o755 } as never } : undefined);
    }
    this.fs.write(this.destinationPath(SNAPSHOT_PATH), encodeSnapshot(this._templateVersion(), files));
    // .yo-rc.json under "generator-flyte-pipeline": the answers (none secret) and who made the project.
    this.config.set({ generatorVersion: this._templateVersion(), ...this.answers });
  }

  /** Three-way upgrade, written straight to disk: the merge already decided every file. */
  private _upgrade(files: RenderedFile[]): void {
    const root = this.destinationRoot();
    const snapshotPath = join(root, SNAPSHOT_PATH);
    if (!existsSync(snapshotPath)) {
      throw new UserError(`${SNAPSHOT_PATH} is missing, so the generated originals cannot be told from your edits`, 'restore it from version control, then run the upgrade again');
    }
    const base = decodeSnapshot(readFileSync(snapshotPath));
    const from = this.previous?.generatorVersion ?? base.generatorVersion;
    this.upgradeEntries = planUpgrade({
      base: base.files,
      current: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path)) : undefined),
      next: files,
      labels: { yours: 'yours', base: `template ${from}`, template: `template ${this._templateVersion()}` },
    });
    const dryRun = Boolean(this.flags.dryRun ?? this.flags['dry-run']);
    this.log(`${dryRun ? 'Dry run: would upgrade' : 'Upgrading'} ${this.answers.projectName} from ${from} to ${this._templateVersion()}`);
    this.log(summarise(this.upgradeEntries));
    if (dryRun) return;
    for (const entry of this.upgradeEntries) {
      if (!entry.contents) continue;
      const path = join(root, entry.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, entry.contents);
      if (entry.executable) chmodSync(path, 0o755);
    }
    writeFileSync(snapshotPath, encodeSnapshot(this._templateVersion(), files));
    this.config.set({ generatorVersion: this._templateVersion(), ...this.answers });
  }

  async install(): Promise<void> {
    if (this._skipInstall() || this.previous) return;
    const { installCommand } = this.context;
    const [tool, ...args] = installCommand.split(' ');
    this.log.info(`Installing Python dependencies: ${installCommand} (a few minutes the first time)`);
    try {
      await this.spawn(tool, args, { cwd: this.destinationRoot(), stdio: 'inherit' });
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ENOENT';
      throw new UserError(
        missing ? `${tool} is not installed, so the Python dependencies were not installed` : `${installCommand} failed (see its output above)`,
        `the project is written; run \`${missing ? `pip install --user ${tool} && ` : ''}cd ${slugify(this.answers.projectName)} && ${installCommand}\``,
      );
    }
  }

  async end(): Promise<void> {
    if (this.previous) {
      this._endUpgrade();
      return;
    }
    if (this.flags.init) {
      this.log.info('Creating the ECR repository and the Flyte project (flyte-pipeline init)');
      await runInit(this.destinationRoot(), {}, { log: (line) => console.log(line) });
    }
    const slug = slugify(this.answers.projectName);
    const steps = [
      `cd ${slug}`,
      ...(this._skipInstall() ? [`${this.context.installCommand.padEnd(24)}  # Python dependencies`] : []),
      'make test                 # the tests of every step',
      './run src/ full           # train, evaluate and report on the sample data',
    ];
    this.log(`\nDone. ${this.answers.projectName} is in ./${slug}. Now run:\n\n${steps.map((step) => `  ${step}`).join('\n')}\n\nThen, on Flyte: make init, then ./run --remote src/ full\n`);
  }

  private _endUpgrade(): void {
    const conflicts = this.upgradeEntries.filter((entry) => entry.status === 'conflict').map((entry) => entry.path);
    const dependenciesChanged = this.upgradeEntries.some((entry) => ['Pipfile', 'pyproject.toml'].includes(entry.path) && entry.contents);
    if (conflicts.length > 0 && !(this.flags.dryRun ?? this.flags['dry-run'])) {
      throw new UserError(
        `the upgrade left conflicts in ${conflicts.join(', ')}: both versions are kept between <<<<<<< and >>>>>>> markers`,
        'edit those files to keep what you want, remove the markers, then run make test',
      );
    }
    if (dependenciesChanged) this.log(`The dependencies may have changed: run \`${this.context.installCommand}\` to update the environment.`);
  }
}
