/**
 * `flyte-pipeline upgrade [--dry-run]` / `yo flyte-pipeline` inside a project: the project brought
 * to the current template with the answers stored in .yo-rc.json (a flag may change one, never one
 * about the data), the user's edits merged three ways against the snapshot of what was generated.
 */
import { join } from 'node:path';
import { resolveAnswers, type GivenAnswers } from '../../shared/answers.js';
import { UserError } from '../../shared/errors.js';
import { writeResult } from '../../shared/output.js';
import { GENERATOR_NAME } from '../../shared/package.js';
import { YO_RC, readProjectConfig, type StoredConfig } from '../../shared/project-config.js';
import { QUESTIONS, SAMPLE_ANSWERS, flagOf } from '../../shared/questions.js';
import { SAMPLE_DATA } from '../../shared/validators.js';
import { DEFAULT_MEMORY } from '../lib/dataset.js';
import { stopReportingInterrupts } from '../lib/interrupt.js';
import type { RenderedFile } from '../lib/render.js';
import { acquireLock, commitFiles, readProjectFile, type FileToWrite } from '../lib/safe-write.js';
import { SNAPSHOT_MAX_BYTES, SNAPSHOT_PATH, decodeSnapshot, encodeSnapshot } from '../lib/snapshot.js';
import { changesNothing, compareVersions, nothingToUpgrade, planUpgrade, summarise, type UpgradeEntry } from '../lib/upgrade.js';
import { ProjectRun, type RunSettings } from './project.js';

export class Upgrade extends ProjectRun {
  /** The answers and version the project was generated with. */
  private previous?: StoredConfig;
  private upgradeEntries: UpgradeEntry[] = [];
  /** The project's folder; undefined when the generator runs outside any project. */
  private readonly projectRoot: string | undefined;

  constructor(settings: RunSettings, projectRoot: string | undefined) {
    super(settings);
    this.projectRoot = projectRoot;
  }

  override initializing(): void {
    const projectRoot = this.projectRoot;
    if (!projectRoot) {
      throw new UserError(`${this.generator.destinationRoot()} is not in a project made by flyte-pipeline (no .yo-rc.json)`, 'run it inside a generated project, or use `flyte-pipeline new NAME`');
    }
    this.generator.destinationRoot(projectRoot);
    this.previous = readProjectConfig(projectRoot);
    Object.assign(this.interrupt, { upgrade: true, folder: projectRoot });
    this.refuseDowngrade(this.previous?.generatorVersion, YO_RC);
  }

  private dryRun(): boolean {
    return Boolean(this.flags.dryRun ?? this.flags['dry-run']);
  }

  /** A project made by a newer generator is not taken back to older templates, unless --force says so. */
  private refuseDowngrade(recorded: string | undefined, where: string): void {
    const current = this.templateVersion();
    if (recorded === undefined || this.flags.force || compareVersions(recorded, current) <= 0) return;
    throw new UserError(
      `this project was made by ${GENERATOR_NAME}@${recorded} (${where}), newer than this one (${current}): upgrading would take it back to older templates`,
      `use ${GENERATOR_NAME}@${recorded} or later (npm install -g ${GENERATOR_NAME}@latest), or pass --force to downgrade anyway`,
    );
  }

  async prompting(): Promise<void> {
    const { byFlags, fromFile, fileOrigin } = this.givenBefore();
    const stored: GivenAnswers = {};
    for (const question of QUESTIONS) {
      const value = this.previous?.[question.name];
      if (value !== undefined) stored[question.name] = value;
    }
    this.refuseNewData([byFlags, fromFile]);
    // A project made before the data questions trained on the sample: its answers are the sample's.
    const madeBeforeData = this.previous?.data === undefined ? { ...SAMPLE_ANSWERS } : {};
    const answers = await resolveAnswers({
      layers: [byFlags, fromFile, stored, madeBeforeData],
      layerNames: [undefined, fileOrigin, YO_RC, undefined],
      // An upgrade never asks: a question added since takes its default...
      useDefaults: true,
      // An upgrade reads no data: the answers about it are stored.
      source: this.defaultsSource(),
      // ...except one naming a cloud resource: a default there would re-target the project; nor
      // one about the user's data, which an upgrade does not read again to infer it.
      noDefaultFor: (question) => Boolean(question.namesCloudResource) || (Boolean(question.describesData) && stored.data !== undefined && stored.data !== SAMPLE_DATA),
      missing: (question) =>
        question.describesData
          ? new UserError(`${YO_RC} has no "${question.name}" (${question.message.toLowerCase()}), and an upgrade does not read the data again to infer it`, `restore ${YO_RC} from version control`)
          : new UserError(
              `${YO_RC} has no "${question.name}" (${question.message.toLowerCase()}), and an upgrade never guesses one: a default would point the project at another cloud resource`,
              `restore ${YO_RC} from version control, or pass it: flyte-pipeline upgrade --${flagOf(question.name)} VALUE`,
            ),
    });
    // The memory the project was made with (a project made before it was stored: the default).
    this.memory = this.previous?.memory ?? DEFAULT_MEMORY;
    this.settle(answers);
  }

  /** An upgrade re-renders from the stored answers about the data: it takes no new ones. */
  private refuseNewData(layers: GivenAnswers[]): void {
    const given = QUESTIONS.find((question) => question.describesData && layers.some((layer) => layer[question.name] !== undefined));
    if (!given) return;
    throw new UserError(
      `--${flagOf(given.name)}: the data is set when a project is made, and an upgrade keeps it (${YO_RC})`,
      'to train on other data, edit src/dataset.py (the dataset declaration), then run make test',
    );
  }

  writing(): void {
    const files = this.render();
    const dryRun = this.dryRun();
    if (!dryRun) this.writingStarts(files);
    this.upgrade(files);
    if (!dryRun) this.interrupt.phase = 'written';
  }

  /**
   * Three-way upgrade, all or nothing: every file is read and merged first (links, FIFOs and other
   * non-files refused before anything is opened), then everything changed, the snapshot and
   * .yo-rc.json are written as one transaction.
   */
  private upgrade(files: RenderedFile[]): void {
    const root = this.generator.destinationRoot();
    const dryRun = this.dryRun();
    const release = dryRun ? () => undefined : acquireLock(join(root, '.flyte-pipeline', 'lock'), root);
    try {
      const snapshot = readProjectFile(root, SNAPSHOT_PATH);
      if (snapshot === undefined) {
        throw new UserError(`${SNAPSHOT_PATH} is missing, so the generated originals cannot be told from your edits`, 'restore it from version control, then run the upgrade again');
      }
      if (snapshot.length > SNAPSHOT_MAX_BYTES) throw new UserError(`${SNAPSHOT_PATH} is ${snapshot.length} bytes, far more than a snapshot`, 'restore it from version control, then run the upgrade again');
      const base = decodeSnapshot(snapshot, SNAPSHOT_PATH);
      this.refuseDowngrade(base.generatorVersion, SNAPSHOT_PATH);
      const from = this.previous?.generatorVersion ?? base.generatorVersion;
      const current = new Map(files.map((file) => [file.path, readProjectFile(root, file.path)]));
      this.upgradeEntries = planUpgrade({
        base: base.files,
        current: (path) => current.get(path),
        next: files,
        labels: { yours: 'yours', base: `template ${from}`, template: `template ${this.templateVersion()}` },
        version: this.templateVersion(),
      });
      const yoRc = this.yoRc(readProjectFile(root, YO_RC));
      // At this version already, with the same answers and base: nothing to write, and the user's
      // edits are theirs (a plan of "from 0.1.0 to 0.1.0, unchanged 56 files" said neither).
      const sameBase = base.files.size === files.length && files.every((file) => base.files.get(file.path)?.equals(file.contents));
      if (from === this.templateVersion() && changesNothing(this.upgradeEntries) && sameBase && readProjectFile(root, YO_RC)?.equals(yoRc)) {
        writeResult(this.generator, nothingToUpgrade(this.answers.projectName, from, this.upgradeEntries));
        return;
      }
      writeResult(this.generator, `${dryRun ? 'Dry run: would upgrade' : 'Upgrading'} ${this.answers.projectName} from ${from} to ${this.templateVersion()}`);
      writeResult(this.generator, summarise(this.upgradeEntries));
      if (dryRun) return;
      const written: FileToWrite[] = [];
      for (const entry of this.upgradeEntries) {
        if (entry.contents) written.push({ path: entry.path, contents: entry.contents, executable: entry.executable });
        if (entry.templateCopy) written.push(entry.templateCopy);
      }
      written.push({ path: SNAPSHOT_PATH, contents: encodeSnapshot(this.templateVersion(), files) });
      written.push({ path: YO_RC, contents: yoRc });
      commitFiles(root, written);
    } finally {
      release();
    }
  }

  end(): void {
    stopReportingInterrupts();
    const conflicts = this.upgradeEntries.filter((entry) => entry.status === 'conflict' && !entry.templateCopy).map((entry) => entry.path);
    const binary = this.upgradeEntries.filter((entry) => entry.templateCopy);
    if (binary.length > 0 && !this.dryRun()) {
      throw new UserError(
        `the upgrade left conflicts in ${[...conflicts, ...binary.map((entry) => entry.path)].join(', ')}: ${conflicts.length ? 'text conflicts are kept between <<<<<<< and >>>>>>> markers; ' : ''}in binary files yours is kept and the template's version is written beside it (${binary.map((entry) => entry.templateCopy?.path).join(', ')})`,
        'keep the version you want of each file (delete the other), remove any markers, then run make test',
      );
    }
    const dependenciesChanged = this.upgradeEntries.some((entry) => ['Pipfile', 'pyproject.toml'].includes(entry.path) && entry.contents);
    if (conflicts.length > 0 && !this.dryRun()) {
      throw new UserError(
        `the upgrade left conflicts in ${conflicts.join(', ')}: both versions are kept between <<<<<<< and >>>>>>> markers`,
        'edit those files to keep what you want, remove the markers, then run make test',
      );
    }
    if (dependenciesChanged) writeResult(this.generator, `The dependencies may have changed: run \`${this.context.installCommand}\` to update the environment.`);
  }
}
