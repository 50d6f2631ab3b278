/**
 * `yo flyte-pipeline:workflow NAME [--after STEP]` / `flyte-pipeline workflow NAME`: a new step
 * (task + workflow + test), written like the built-in ones, optionally wired into `full`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Generator from 'yeoman-generator';
import { UserError } from '../lib/errors.js';
import { TEMPLATES_DIR, renderFolder } from '../lib/render.js';
import { returnsTable, validateStepName, wireAfter } from '../lib/wire.js';
import { findProjectRoot } from '../../scripts/project-config.js';

export const WORKFLOW_FLAGS = {
  after: { type: String, description: 'Also run the new step in `full`, right after this step (one whose output is a table)' },
} as const;

// yeoman runs every prototype method as a task, except those named with a leading underscore.
export default class WorkflowGenerator extends Generator {
  private stepName = '';
  private fullSource?: string;

  constructor(args: string[], options: Record<string, unknown>, features?: Record<string, unknown>) {
    super(args, options as never, { ...features, customInstallTask: true } as never);
    this.argument('name', { type: String, required: false, description: 'The step, a snake_case Python identifier' });
    for (const [name, spec] of Object.entries(WORKFLOW_FLAGS)) this.option(name, spec);
  }

  initializing(): void {
    const options = this.options as Record<string, unknown>;
    const root = findProjectRoot(this.destinationRoot());
    if (!root) throw new UserError(`${this.destinationRoot()} is not in a project made by flyte-pipeline (no .yo-rc.json)`, 'cd into a generated project first');
    this.destinationRoot(root);
    const name = typeof options.name === 'string' ? options.name : '';
    if (!name) throw new UserError('no workflow name given', 'pass one: flyte-pipeline workflow NAME, e.g. remove_outliers');
    const valid = validateStepName(name);
    if (valid !== true) throw new UserError(valid, 'use a snake_case name such as remove_outliers');
    for (const path of [`src/tasks/${name}.py`, `src/workflows/${name}.py`, `tests/test_${name}.py`]) {
      if (existsSync(this.destinationPath(path))) throw new UserError(`${path} already exists`, 'pick another name, or edit that workflow');
    }
    this.stepName = name;
    const after = options.after;
    if (typeof after === 'string') {
      const stepFile = this.destinationPath(`src/workflows/${after}.py`);
      if (!existsSync(stepFile)) throw new UserError(`--after ${after}: there is no src/workflows/${after}.py`, 'pass --after one of the workflows in src/workflows/');
      if (!returnsTable(readFileSync(stepFile, 'utf8'), after)) {
        throw new UserError(`--after ${after}: ${after} does not return one table (ParquetFile)`, 'pass --after a step that returns a table, e.g. process_raw_data or generate_model_output');
      }
      // Computed now, so a refusal happens before anything is written.
      this.fullSource = wireAfter(readFileSync(this.destinationPath('src/workflows/full.py'), 'utf8'), after, name);
    }
  }

  /** Straight to disk: every check passed in initializing, and editing full.py is the point (no overwrite prompt). */
  writing(): void {
    for (const file of renderFolder(join(TEMPLATES_DIR, 'workflow'), { name: this.stepName })) {
      const path = this.destinationPath(file.path.replace('__name__', this.stepName));
      writeFileSync(path, file.contents, { flag: 'wx' });
      this.log(`   create ${file.path.replace('__name__', this.stepName)}`);
    }
    if (this.fullSource !== undefined) {
      writeFileSync(this.destinationPath('src/workflows/full.py'), this.fullSource);
      this.log('   update src/workflows/full.py');
    }
  }

  end(): void {
    const after = (this.options as Record<string, unknown>).after;
    this.log(
      `\nAdded the ${this.stepName} step: src/tasks/${this.stepName}.py, src/workflows/${this.stepName}.py, tests/test_${this.stepName}.py` +
        (typeof after === 'string' ? `\nfull now runs it after ${after}.` : `\nWire it into full with --after STEP, or by hand.`) +
        `\nNow: make test && ./run src/ ${typeof after === 'string' ? 'full' : this.stepName}\n`,
    );
  }
}
