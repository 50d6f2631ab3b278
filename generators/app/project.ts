/**
 * What making a project (new.ts) and upgrading one (upgrade.ts) share: the answers given by flags
 * and the --answers file, the defaults' sources, the template context, the rendering of the
 * templates and the text of .yo-rc.json. The app generator (index.ts) runs one of the two, phase
 * by phase.
 */
import { join } from 'node:path';
import { execaSync } from 'execa';
import type Generator from 'yeoman-generator';
import { readAnswersFile, type GivenAnswers } from '../../shared/answers.js';
import { GENERATOR_NAME, generatorVersion } from '../../shared/package.js';
import { QUESTIONS, flagOf, type Answers, type DefaultsSource } from '../../shared/questions.js';
import { includeTemplate, templateContext, type TemplateContext } from '../lib/context.js';
import { DEFAULT_MEMORY, type DataProfile } from '../lib/dataset.js';
import type { InterruptState } from '../lib/interrupt.js';
import { TEMPLATES_DIR, renderFolder, type RenderedFile } from '../lib/render.js';

function gitConfig(key: string): string | undefined {
  const result = execaSync('git', ['config', '--get', key], { reject: false });
  return result.exitCode === 0 && typeof result.stdout === 'string' && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/** What the app generator hands a run. */
export interface RunSettings {
  generator: Generator;
  /** Flags from the command line (kebab-case) or from a caller such as yeoman-test (camelCase). */
  flags: Record<string, unknown>;
  /** `--ci=no` and the like, read strictly from the command line (yeoman's parser reads any `--ci=…` as yes). */
  commandLineBooleans: Record<string, boolean>;
  /** What a Ctrl-C would leave on disk, kept current task by task for the one line it prints. */
  interrupt: InterruptState;
}

/** The answers given before any stored or default one: by flags, and by the --answers file (`fileOrigin`: how messages name it). */
export interface GivenBefore {
  byFlags: GivenAnswers;
  fromFile: GivenAnswers;
  fileOrigin?: string;
}

/** One run of the app generator, its phases called in yeoman's order. */
export abstract class ProjectRun {
  answers!: Answers;
  /** What the templates see, computed once the answers are known. */
  protected context!: TemplateContext;
  /** What each task requests from the cluster: estimated from the data when the project is made, then stored. */
  protected memory = DEFAULT_MEMORY;
  protected readonly generator: Generator;
  protected readonly flags: Record<string, unknown>;
  protected readonly interrupt: InterruptState;
  private readonly commandLineBooleans: Record<string, boolean>;

  constructor({ generator, flags, commandLineBooleans, interrupt }: RunSettings) {
    this.generator = generator;
    this.flags = flags;
    this.commandLineBooleans = commandLineBooleans;
    this.interrupt = interrupt;
  }

  initializing(): void {}
  abstract prompting(): Promise<void>;
  configuring(): void {}
  abstract writing(): void;
  async install(): Promise<void> {}
  abstract end(): Promise<void> | void;

  /** The folder of templates to render: the package's, or (tests of upgrades) an older copy. */
  protected templateDir(): string {
    return typeof this.flags.templatesDir === 'string' ? this.flags.templatesDir : join(TEMPLATES_DIR, 'project');
  }

  protected templateVersion(): string {
    return typeof this.flags.templateVersion === 'string' ? this.flags.templateVersion : generatorVersion();
  }

  /** `--skip-install` on the command line, or `skipInstall` from a caller such as yeoman-test. */
  protected skipInstall(): boolean {
    return Boolean(this.flags.skipInstall ?? this.flags['skip-install']);
  }

  /** The --answers file (read first: a file that cannot be read is refused before anything else), then the flags. */
  protected givenBefore(): GivenBefore {
    const fileName = typeof this.flags.answers === 'string' ? this.flags.answers : undefined;
    const fromFile = fileName !== undefined ? readAnswersFile(fileName) : {};
    return { byFlags: this.givenByFlags(), fromFile, fileOrigin: fileName === undefined ? undefined : `answers file ${fileName}` };
  }

  /** Flags from the command line (kebab-case) or from a caller such as yeoman-test (camelCase). */
  private givenByFlags(): GivenAnswers {
    const given: GivenAnswers = {};
    for (const question of QUESTIONS) {
      const value = this.flags[flagOf(question.name)] ?? this.flags[question.name];
      if (question.boolean ? typeof value === 'boolean' || typeof value === 'string' : typeof value === 'string' || typeof value === 'number') {
        given[question.name] = typeof value === 'number' ? String(value) : (value as string | boolean);
      }
    }
    if (given.projectName === undefined && typeof this.flags.name === 'string') given.projectName = this.flags.name;
    for (const question of QUESTIONS) {
      const strict = this.commandLineBooleans[flagOf(question.name)];
      if (question.boolean && strict !== undefined) given[question.name] = strict;
    }
    return given;
  }

  /** What the defaults look at: the environment, git's user, and (a new project) the data file. */
  protected defaultsSource(dataProfile?: (data: string) => Promise<DataProfile | undefined>): DefaultsSource {
    return { env: process.env, home: process.env.HOME ?? '', gitUser: { name: gitConfig('user.name'), email: gitConfig('user.email') }, dataProfile };
  }

  /** The answers, and the context the templates see. */
  protected settle(answers: Answers): void {
    this.answers = answers;
    this.context = { ...templateContext(answers, { memory: this.memory }), generatorVersion: this.templateVersion() };
  }

  /** Every file the templates make for these answers. */
  protected render(): RenderedFile[] {
    const context = this.context;
    return renderFolder(this.templateDir(), { ...context }, (path) => includeTemplate(path, context));
  }

  /** `files` are being written into the project folder (the generator's destination): what a Ctrl-C then says. */
  protected writingStarts(files: RenderedFile[]): void {
    Object.assign(this.interrupt, { phase: 'writing', folder: this.generator.destinationRoot(), files, installCommand: this.skipInstall() ? undefined : this.context.installCommand });
  }

  /** The text of .yo-rc.json: the answers under this generator's key, other generators' keys kept. */
  protected yoRc(existing: Buffer | undefined): Buffer {
    const others = existing ? (JSON.parse(existing.toString('utf8')) as Record<string, unknown>) : {};
    const config = { ...others, [GENERATOR_NAME]: { generatorVersion: this.templateVersion(), ...this.answers, memory: this.memory } };
    return Buffer.from(`${JSON.stringify(config, null, 2)}\n`);
  }
}
