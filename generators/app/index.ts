/**
 * `yo flyte-pipeline [NAME]` / `flyte-pipeline new|upgrade`: the app generator. Outside a project,
 * or given a NAME, it makes a new project (new.ts); run again inside a generated project (no
 * NAME, or `flyte-pipeline upgrade`), it upgrades the project to the current template with the
 * stored answers, merging the user's edits (upgrade.ts). What both share, from the answers to the
 * rendered templates, is in project.ts. This class reads the command line, chooses the run, and
 * hands it each of yeoman's phases.
 */
import Generator, { type Storage, type StorageOptions } from 'yeoman-generator';
import { checkCommandLine } from '../../shared/answers.js';
import { GENERATOR_FLAGS, flagKinds } from '../../shared/flags.js';
import { findProjectRoot, readProjectConfig } from '../../shared/project-config.js';
import { reportInterruptsOn, type InterruptState } from '../lib/interrupt.js';
import { NewProject } from './new.js';
import type { ProjectRun } from './project.js';
import { Upgrade } from './upgrade.js';

// yeoman runs every prototype member as a task (getters included), except those named with a
// leading underscore: helpers here start with `_`; test/tasks.test.ts lists the tasks it allows.
export default class AppGenerator extends Generator {
  /** Flags from the command line (kebab-case) or from a caller such as yeoman-test (camelCase). */
  private readonly flags: Record<string, unknown>;
  /** What a Ctrl-C would leave on disk, kept current task by task for the one line it prints. */
  private readonly interrupt: InterruptState = { phase: 'interview', upgrade: false };
  /** A new project or an upgrade, chosen in `initializing`. */
  private mode!: ProjectRun;

  constructor(args: string[], options: Record<string, unknown>, features?: Record<string, unknown>) {
    // customInstallTask: the install step is ours (pipenv); yeoman's npm install does not apply.
    super(args, options as never, { ...features, customInstallTask: true } as never);
    this.flags = this.options as Record<string, unknown>;
    this.argument('name', { type: String, required: false, description: 'Project name, e.g. "Churn Model" (folder: churn-model)' });
    for (const [name, flag] of Object.entries(GENERATOR_FLAGS.app)) this.option(name, flag);
  }

  /** yeoman reads .yo-rc.json while it builds a generator: checked first, so a broken one is refused naming the file and its fix. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- yeoman's own signature
  override _getStorage<T extends Record<any, any> = Record<any, any>>(rootName?: string | StorageOptions, options?: StorageOptions): Storage<T> {
    readProjectConfig(this.destinationRoot());
    return super._getStorage<T>(rootName, options);
  }

  initializing(): void {
    reportInterruptsOn(this.interrupt);
    // The words of the command line, checked strictly (see checkCommandLine).
    const upgrade = Boolean(this.flags.upgrade);
    const commandLineBooleans = checkCommandLine(this._args ?? [], {
      command: upgrade ? 'flyte-pipeline upgrade' : 'flyte-pipeline new',
      ...flagKinds(GENERATOR_FLAGS.app),
      positionals: upgrade ? [] : ['NAME'],
    });
    // Without a NAME, inside a generated project (or a folder of one), this is an upgrade. With a
    // NAME, the folders above are not even read (a broken .yo-rc.json up there is not this run's concern).
    const named = typeof this.flags.name === 'string';
    const projectRoot = upgrade || !named ? findProjectRoot(this.destinationRoot()) : undefined;
    const settings = { generator: this, flags: this.flags, commandLineBooleans, interrupt: this.interrupt };
    this.mode = upgrade || projectRoot !== undefined ? new Upgrade(settings, projectRoot) : new NewProject(settings);
    this.mode.initializing();
  }

  async prompting(): Promise<void> {
    await this.mode.prompting();
  }

  configuring(): void {
    this.mode.configuring();
  }

  writing(): void {
    this.mode.writing();
  }

  async install(): Promise<void> {
    // writing() has put the files on disk by now.
    if (this.interrupt.phase === 'writing') this.interrupt.phase = 'written';
    await this.mode.install();
  }

  async end(): Promise<void> {
    if (this.interrupt.phase !== 'interview') this.interrupt.phase = 'written';
    await this.mode.end();
  }
}
