/**
 * `yo flyte-pipeline:workflow NAME [--after STEP]` / `flyte-pipeline workflow NAME`: a new step
 * (task + workflow + test), written like the built-in ones, optionally wired into `full`.
 */
import { join } from 'node:path';
import Generator, { type Storage, type StorageOptions } from 'yeoman-generator';
import { checkCommandLine } from '../../shared/answers.js';
import { UserError } from '../../shared/errors.js';
import { GENERATOR_FLAGS, flagKinds } from '../../shared/flags.js';
import { writeResult } from '../../shared/output.js';
import { TEMPLATES_DIR, renderFolder } from '../lib/render.js';
import { acquireLock, checkWritable, commitFiles, readProjectFile, type FileToWrite } from '../lib/safe-write.js';
import { shown } from '../../shared/validators.js';
import { returnsTable, tableLayer, validateStepName, wireAfter } from '../lib/wire.js';
import { findProjectRoot, readProjectConfig } from '../../shared/project-config.js';

// yeoman runs every prototype method as a task, except those named with a leading underscore.
export default class WorkflowGenerator extends Generator {
  private stepName = '';
  private fullSource?: string;
  private root = '';

  constructor(args: string[], options: Record<string, unknown>, features?: Record<string, unknown>) {
    super(args, options as never, { ...features, customInstallTask: true } as never);
    this.argument('name', { type: String, required: false, description: 'The step, a snake_case Python identifier' });
    for (const [name, flag] of Object.entries(GENERATOR_FLAGS.workflow)) this.option(name, flag);
  }

  /** yeoman reads .yo-rc.json while it builds a generator: checked first, so a broken one is refused naming the file and its fix. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- yeoman's own signature
  override _getStorage<T extends Record<any, any> = Record<any, any>>(rootName?: string | StorageOptions, options?: StorageOptions): Storage<T> {
    readProjectConfig(this.destinationRoot());
    return super._getStorage<T>(rootName, options);
  }

  initializing(): void {
    const options = this.options as Record<string, unknown>;
    checkCommandLine(this._args ?? [], { command: 'flyte-pipeline workflow', ...flagKinds(GENERATOR_FLAGS.workflow), positionals: ['NAME'] });
    const root = findProjectRoot(this.destinationRoot());
    if (!root) throw new UserError(`${this.destinationRoot()} is not in a project made by flyte-pipeline (no .yo-rc.json)`, 'cd into a generated project first');
    this.destinationRoot(root);
    this.root = root;
    const name = typeof options.name === 'string' ? options.name : '';
    if (!name) throw new UserError('no workflow name given', 'pass one: flyte-pipeline workflow NAME, e.g. remove_outliers');
    const valid = validateStepName(name);
    if (valid !== true) throw new UserError(valid, 'use a snake_case name such as remove_outliers');
    this.stepName = name;
    this._checkFree();
  }

  /** The new step's files must not exist (a link or a pipe there counts): a step never overwrites one. */
  private _checkFree(): void {
    for (const path of [`src/tasks/${this.stepName}.py`, `src/workflows/${this.stepName}.py`, `tests/test_${this.stepName}.py`]) {
      if (checkWritable(this.root, path)) throw new UserError(`${path} already exists`, 'pick another name, or edit that workflow');
    }
  }

  /** `full.py` wired through the new step (`--after STEP`), computed before anything is written. */
  private _wired(): string | undefined {
    const after = (this.options as Record<string, unknown>).after;
    if (after === undefined) return undefined;
    if (typeof after !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(after)) {
      throw new UserError(`--after ${shown(String(after))} is not a step name`, 'pass --after one of the workflows in src/workflows/, e.g. process_raw_data');
    }
    const step = readProjectFile(this.root, `src/workflows/${after}.py`);
    if (step === undefined) throw new UserError(`--after ${after}: there is no src/workflows/${after}.py`, 'pass --after one of the workflows in src/workflows/');
    if (!returnsTable(step.toString('utf8'), after)) {
      throw new UserError(`--after ${after}: ${after} does not return one table (ParquetFile)`, 'pass --after a step that returns a table, e.g. process_raw_data or generate_model_output');
    }
    const full = readProjectFile(this.root, 'src/workflows/full.py');
    if (full === undefined) throw new UserError('src/workflows/full.py is missing', 'restore it from version control, or add the step without --after');
    return wireAfter(full.toString('utf8'), after, this.stepName);
  }

  /** What the new step reads locally when run alone (its LOCAL_INPUTS): the table the step before it writes, under data/. */
  private _localInput(after: string): string | undefined {
    const task = readProjectFile(this.root, `src/tasks/${after}.py`);
    const layers = readProjectFile(this.root, 'src/tasks/layers.py');
    return task === undefined ? undefined : tableLayer(task.toString('utf8'), layers?.toString('utf8') ?? '');
  }

  /**
   * All or nothing: the three new files and full.py are written as one transaction, under the
   * project's lock; if any write fails, nothing of the step is left (so the next attempt can run).
   */
  writing(): void {
    const release = acquireLock(join(this.root, '.flyte-pipeline', 'lock'), this.root);
    try {
      this._checkFree();
      this.fullSource = this._wired();
      const after = (this.options as Record<string, unknown>).after as string | undefined;
      const context = { name: this.stepName, after, localInput: after === undefined ? undefined : this._localInput(after) };
      const files: FileToWrite[] = renderFolder(join(TEMPLATES_DIR, 'workflow'), context).map((file) => ({
        path: file.path.replace('__name__', this.stepName),
        contents: file.contents,
        createOnly: true,
      }));
      if (this.fullSource !== undefined) files.push({ path: 'src/workflows/full.py', contents: Buffer.from(this.fullSource, 'utf8') });
      commitFiles(this.root, files);
      writeResult(this, files.map((file) => `   ${file.createOnly ? 'create' : 'update'} ${file.path}`).join('\n'));
    } finally {
      release();
    }
  }

  end(): void {
    const after = (this.options as Record<string, unknown>).after;
    writeResult(
      this,
      `\nAdded the ${this.stepName} step: src/tasks/${this.stepName}.py, src/workflows/${this.stepName}.py, tests/test_${this.stepName}.py` +
        (typeof after === 'string' ? `\nfull now runs it after ${after}.` : `\nWire it into full with --after STEP, or by hand.`) +
        `\nNow: make test && ./run src/ ${typeof after === 'string' ? 'full' : `${this.stepName} --data FILE`}\n`,
    );
  }
}
