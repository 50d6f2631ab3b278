/**
 * `yo flyte-pipeline [NAME]`: answers -> template context -> files in ./<slug>/ -> `pipenv install --dev`.
 * Run again inside a generated project (no NAME, or `flyte-pipeline upgrade`), it upgrades the
 * project to the current template with the stored answers, merging the user's edits.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { execaSync } from 'execa';
import Generator, { type Storage, type StorageOptions } from 'yeoman-generator';
import { checkCommandLine, normalise, readAnswersFile, resolveAnswers, type Ask, type GivenAnswers } from '../../shared/answers.js';
import { includeTemplate, templateContext, type TemplateContext } from '../lib/context.js';
import { GENERATOR_NAME, generatorVersion } from '../../shared/package.js';
import { DEFAULT_MEMORY, datasetProblem, resolveDataset, type DataProfile, type DatasetAnswerName, type DatasetAnswers } from '../lib/dataset.js';
import { UserError } from '../../shared/errors.js';
import { makeFirstCommit } from '../lib/git.js';
import { runInitProcess } from '../lib/init-process.js';
import { writeResult } from '../../shared/output.js';
import { INTERRUPTED_EXIT_CODE, interruptReport, isPromptClosed, type InterruptState } from '../lib/interrupt.js';
import { QUESTIONS, SAMPLE_ANSWERS, flagOf, type Answers, type DefaultsSource, type Question } from '../../shared/questions.js';
import { readDataProfile } from '../lib/read-data.js';
import { GENERATOR_FLAGS, flagKinds } from '../../shared/flags.js';
import { TEMPLATES_DIR, renderFolder, type RenderedFile } from '../lib/render.js';
import { acquireLock, commitFiles, readProjectFile, writeNewFolder, type FileToWrite } from '../lib/safe-write.js';
import { SNAPSHOT_MAX_BYTES, SNAPSHOT_PATH, decodeSnapshot, encodeSnapshot } from '../lib/snapshot.js';
import { changesNothing, compareVersions, nothingToUpgrade, planUpgrade, summarise, type UpgradeEntry } from '../lib/upgrade.js';
import { SAMPLE_DATA, SAMPLE_FILE, fileNameOf, isS3Uri, slugify, type Validation } from '../../shared/validators.js';
import { YO_RC, findProjectRoot, readProjectConfig, type StoredConfig } from '../../shared/project-config.js';

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** `churn-model/` as yeoman showed written paths: relative to where the command runs. */
function relativeToCwd(folder: string): string {
  const cwd = process.cwd();
  return folder.startsWith(`${cwd}/`) ? `${folder.slice(cwd.length + 1)}/` : `${folder}/`;
}

function gitConfig(key: string): string | undefined {
  const result = execaSync('git', ['config', '--get', key], { reject: false });
  return result.exitCode === 0 && typeof result.stdout === 'string' && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/** The run a Ctrl-C reports on. One handler per process, however many runs it holds (tests run
 * many in-process, and a refused run never reaches `end` to remove its handler). */
let runOnSigint: InterruptState | undefined;
/** Ctrl-C outside a prompt (a prompt turns it into ExitPromptError): say what is on disk, exit 130. */
function onSigint(): void {
  if (runOnSigint) process.stderr.write(`\n${interruptReport(runOnSigint)}\n`);
  process.exit(INTERRUPTED_EXIT_CODE);
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
  /** `--ci=no` and the like, read strictly from the command line (yeoman's parser reads any `--ci=…` as yes). */
  private commandLineBooleans: Record<string, boolean> = {};
  /** What a Ctrl-C would leave on disk, kept current task by task for the one line it prints. */
  private readonly interrupt: InterruptState = { phase: 'interview', upgrade: false };
  /** The data file read for each `--data` answer (by the answer), read once. */
  private readonly dataProfiles = new Map<string, Promise<DataProfile | undefined>>();
  /** What was inferred from the data, said before anything is written. */
  private datasetSummary?: string;
  /** What each task requests from the cluster: estimated from the data when the project is made, then stored. */
  private memory = DEFAULT_MEMORY;
  /** The user's data file, copied into the project as `path` (data/01_raw/<name>). */
  private dataCopy?: { source: string; path: string };
  /** Set once the git repository is made (or found not to be made), so it is tried once. */
  private repositoryMade = false;
  /** Where the command runs: a relative `--data` path is relative to it. */
  private workingDir = process.cwd();

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
    for (const question of QUESTIONS) {
      const strict = this.commandLineBooleans[flagOf(question.name)];
      if (question.boolean && strict !== undefined) given[question.name] = strict;
    }
    return given;
  }

  private _ask(): Ask | undefined {
    const interactive = Boolean(process.stdin.isTTY) || Boolean(this.flags.askWithoutTty);
    if (!interactive) return undefined;
    return async (question, defaultValue, answers) => {
      try {
        if (question.boolean) {
          const { value } = await this.prompt<{ value: boolean }>([{ type: 'confirm', name: 'value', message: question.message, default: Boolean(defaultValue) }]);
          return value;
        }
        if (question.choices) {
          // A choice the data does not allow (regression of a text target) is said, and asked again.
          for (;;) {
            const { value } = await this.prompt<{ value: string }>([{ type: 'select', name: 'value', message: question.message, choices: [...question.choices], default: String(defaultValue) }]);
            const valid = await this._validateAtPrompt(question, value, answers);
            if (valid === true) return value;
            this.log(`> ${valid}`);
          }
        }
        const { value } = await this.prompt<{ value: string }>([
          { type: 'input', name: 'value', message: question.message, default: String(defaultValue), validate: (input: string) => this._validateAtPrompt(question, input, answers) },
        ]);
        // The slug names the folder and is the default Flyte project and ECR repository: show it before those questions.
        if (question.name === 'projectName') this.log(`  folder ./${slugify(String(normalise(question, value)))}/ (also the default Flyte project and ECR repository)`);
        return value;
      } catch (error) {
        // Ctrl-C at a prompt: nothing is on disk yet; one line, no stack trace, exit 130 (also under `yo`).
        if (!isPromptClosed(error)) throw error;
        process.stderr.write(`${interruptReport(this.interrupt)}\n`);
        process.exit(INTERRUPTED_EXIT_CODE);
      }
    };
  }

  /**
   * Checked as it will be stored (trimmed), so the prompt refuses what resolveAnswers would; a name
   * whose folder is taken is refused here too, not after the fifteen questions that follow it, and
   * an answer about the data is checked against the file.
   */
  private async _validateAtPrompt(question: Question, input: string, answers: Partial<Answers>): Promise<Validation> {
    const value = String(normalise(question, input));
    const valid = question.validate(value);
    if (valid !== true) return valid;
    const conflict = question.conflict?.(value, answers);
    if (conflict) return `${conflict.cause} (${conflict.fix})`;
    if (question.describesData) {
      try {
        await this._checkData(question, { ...answers, [question.name]: value });
      } catch (error) {
        if (error instanceof UserError) return `${error.message} (${error.fix})`;
        throw error;
      }
      return true;
    }
    if (question.name !== 'projectName') return valid;
    const taken = this._takenFolder(value);
    return taken ? `${taken.message}: ${taken.fix}` : true;
  }

  /**
   * The folder the name would be written to, when it cannot be: not a folder (a file, a link), or
   * a folder with files in it (unless --force). Checked as soon as the name is known, whether it
   * came from the command line or a prompt, before any other question; and again before writing.
   */
  private _takenFolder(projectName: string): UserError | undefined {
    const slug = slugify(projectName);
    const target = join(this.destinationRoot(), slug);
    const existing = lstatOrUndefined(target);
    if (existing && !existing.isDirectory()) {
      return new UserError(`./${slug} exists and is ${existing.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; nothing is written through or over it`, 'choose another project name, or move it away');
    }
    if (existing && readdirSync(target).length > 0 && !this.flags.force) {
      return new UserError(`./${slug}/ exists and is not empty`, 'choose another project name, remove that folder, or pass --force to write into it');
    }
    return undefined;
  }

  private _refuseTakenFolder(projectName: string): void {
    const taken = this._takenFolder(projectName);
    if (taken) throw taken;
  }

  /** `--skip-git` on the command line, or `skipGit` from a caller such as yeoman-test. */
  private _skipGit(): boolean {
    return Boolean(this.flags.skipGit ?? this.flags['skip-git']);
  }

  /**
   * A new project becomes a git repository with one commit of what was written (and of the lock
   * file, once installed), so that its version is that commit. Once per run; never on upgrade.
   */
  private async _makeRepository(): Promise<void> {
    if (this.previous || this._skipGit() || this.repositoryMade) return;
    this.repositoryMade = true;
    const outcome = await makeFirstCommit(this.destinationRoot(), {
      message: `Generated by ${GENERATOR_NAME} ${this._templateVersion()}`,
      author: { name: this.answers.author, email: this.answers.email },
    });
    // A commit made is a result; no commit, and why, is said beside the progress.
    if (outcome.status === 'committed') writeResult(this, outcome.line);
    else this.log(outcome.line);
  }

  /** `--skip-install` on the command line, or `skipInstall` from a caller such as yeoman-test. */
  private _skipInstall(): boolean {
    return Boolean(this.flags.skipInstall ?? this.flags['skip-install']);
  }

  initializing(): void {
    runOnSigint = this.interrupt;
    if (!process.listeners('SIGINT').includes(onSigint)) process.on('SIGINT', onSigint);
    this._checkCommandLine();
    // Without a NAME, inside a generated project (or a folder of one), this is an upgrade. With a
    // NAME, the folders above are not even read (a broken .yo-rc.json up there is not this run's concern).
    const named = typeof this.flags.name === 'string';
    const projectRoot = Boolean(this.flags.upgrade) || !named ? findProjectRoot(this.destinationRoot()) : undefined;
    const upgrading = Boolean(this.flags.upgrade) || projectRoot !== undefined;
    if (!upgrading) return;
    if (!projectRoot) {
      throw new UserError(`${this.destinationRoot()} is not in a project made by flyte-pipeline (no .yo-rc.json)`, 'run it inside a generated project, or use `flyte-pipeline new NAME`');
    }
    this.destinationRoot(projectRoot);
    this.previous = readProjectConfig(projectRoot);
    Object.assign(this.interrupt, { upgrade: true, folder: projectRoot });
    this._refuseDowngrade(this.previous?.generatorVersion, YO_RC);
  }

  /** The words of the command line, checked strictly (see checkCommandLine). */
  private _checkCommandLine(): void {
    const upgrade = Boolean(this.flags.upgrade);
    this.commandLineBooleans = checkCommandLine(this._args ?? [], {
      command: upgrade ? 'flyte-pipeline upgrade' : 'flyte-pipeline new',
      ...flagKinds(GENERATOR_FLAGS.app),
      positionals: upgrade ? [] : ['NAME'],
    });
  }

  /** A project made by a newer generator is not taken back to older templates, unless --force says so. */
  private _refuseDowngrade(recorded: string | undefined, where: string): void {
    const current = this._templateVersion();
    if (recorded === undefined || this.flags.force || compareVersions(recorded, current) <= 0) return;
    throw new UserError(
      `this project was made by ${GENERATOR_NAME}@${recorded} (${where}), newer than this one (${current}): upgrading would take it back to older templates`,
      `use ${GENERATOR_NAME}@${recorded} or later (npm install -g ${GENERATOR_NAME}@latest), or pass --force to downgrade anyway`,
    );
  }

  /**
   * The profile of the data an answer names (undefined for an s3:// URI, which is not read), read
   * once; `sample` is the template's own file.
   */
  private _dataProfile(data: string): Promise<DataProfile | undefined> {
    if (isS3Uri(data)) return Promise.resolve(undefined);
    const cached = this.dataProfiles.get(data);
    if (cached) return cached;
    const path = data === SAMPLE_DATA ? join(this._templateDir(), SAMPLE_FILE) : resolve(this.workingDir, data);
    const profile = readDataProfile(path, data === SAMPLE_DATA ? fileNameOf(SAMPLE_FILE) : data);
    this.dataProfiles.set(data, profile);
    // A file that could not be read is read again when asked again (at a prompt, once fixed).
    profile.catch(() => this.dataProfiles.delete(data));
    return profile;
  }

  /** An answer about the data, checked against the file with the answers before it (see dataset.ts). */
  private async _checkData(question: Question, answers: Partial<Answers>): Promise<void> {
    if (!question.describesData) return;
    const given: DatasetAnswers = { data: SAMPLE_DATA, target: '', problemType: 'auto', positiveClass: '', leaveOut: '', ...answers };
    const problem = datasetProblem(question.name as DatasetAnswerName, given, await this._dataProfile(given.data));
    if (problem) throw new UserError(problem.cause, problem.fix);
  }

  async prompting(): Promise<void> {
    this.workingDir = this.destinationRoot();
    const fromFile = typeof this.flags.answers === 'string' ? readAnswersFile(this.flags.answers) : {};
    const upgrading = this.previous !== undefined;
    const source: DefaultsSource = {
      env: process.env,
      home: process.env.HOME ?? '',
      gitUser: { name: gitConfig('user.name'), email: gitConfig('user.email') },
      // An upgrade reads no data: the answers about it are stored.
      dataProfile: upgrading ? undefined : (data) => this._dataProfile(data),
    };
    const stored: GivenAnswers = {};
    for (const question of QUESTIONS) {
      const value = this.previous?.[question.name];
      if (value !== undefined) stored[question.name] = value;
    }
    const byFlags = this._givenByFlags();
    if (upgrading) this._refuseNewData([byFlags, fromFile]);
    // A project made before the data questions trained on the sample: its answers are the sample's.
    const madeBeforeData = upgrading && this.previous?.data === undefined ? { ...SAMPLE_ANSWERS } : {};
    const answers = await resolveAnswers({
      layers: [byFlags, fromFile, stored, madeBeforeData],
      layerNames: [undefined, typeof this.flags.answers === 'string' ? `answers file ${this.flags.answers}` : undefined, upgrading ? YO_RC : undefined, undefined],
      // An upgrade never asks: a question added since takes its default...
      useDefaults: Boolean(this.flags.defaults) || upgrading,
      ask: this._ask(),
      source,
      // ...except one naming a cloud resource: a default there would re-target the project; nor
      // one about the user's data, which an upgrade does not read again to infer it.
      noDefaultFor: (question) => upgrading && (Boolean(question.namesCloudResource) || (Boolean(question.describesData) && stored.data !== undefined && stored.data !== SAMPLE_DATA)),
      missing: (question) =>
        question.describesData
          ? new UserError(`${YO_RC} has no "${question.name}" (${question.message.toLowerCase()}), and an upgrade does not read the data again to infer it`, `restore ${YO_RC} from version control`)
          : new UserError(
              `${YO_RC} has no "${question.name}" (${question.message.toLowerCase()}), and an upgrade never guesses one: a default would point the project at another cloud resource`,
              `restore ${YO_RC} from version control, or pass it: flyte-pipeline upgrade --${flagOf(question.name)} VALUE`,
            ),
      check: upgrading
        ? undefined
        : async (question, given) => (question.name === 'projectName' ? this._refuseTakenFolder(String(given.projectName)) : this._checkData(question, given)),
    });
    this.answers = upgrading ? answers : this._resolveData(answers, await this._dataProfile(answers.data));
    // An upgrade renders the memory the project was made with (a project made before it was stored: the default).
    if (upgrading) this.memory = this.previous?.memory ?? DEFAULT_MEMORY;
    this.context = { ...templateContext(this.answers, { memory: this.memory }), generatorVersion: this._templateVersion() };
  }

  /** The answers about the data resolved (stored so), what was inferred, and the file to copy. */
  private _resolveData(answers: Answers, profile: DataProfile | undefined): Answers {
    const dataset = resolveDataset(answers, profile);
    this.datasetSummary = dataset.summary;
    this.memory = dataset.memory;
    if (answers.data !== SAMPLE_DATA && !isS3Uri(answers.data)) this.dataCopy = { source: resolve(this.workingDir, answers.data), path: dataset.answers.data };
    return { ...answers, ...dataset.answers };
  }

  /** An upgrade re-renders from the stored answers about the data: it takes no new ones. */
  private _refuseNewData(layers: GivenAnswers[]): void {
    const given = QUESTIONS.find((question) => question.describesData && layers.some((layer) => layer[question.name] !== undefined));
    if (!given) return;
    throw new UserError(
      `--${flagOf(given.name)}: the data is set when a project is made, and an upgrade keeps it (${YO_RC})`,
      'to train on other data, edit src/dataset.py (the dataset declaration), then run make test',
    );
  }

  configuring(): void {
    if (this.previous) return;
    const target = join(this.destinationRoot(), slugify(this.answers.projectName));
    // Checked when the name was given; again here, for a folder made while the questions were answered.
    this._refuseTakenFolder(this.answers.projectName);
    // Before anything is written: the folder, Flyte project and ECR repository the name became.
    writeResult(this, `${this.answers.projectName} -> folder ./${slugify(this.answers.projectName)}/, Flyte project ${this.answers.flyteProject}, ECR repository ${this.answers.ecrRepository}`);
    if (this.datasetSummary) writeResult(this, this.datasetSummary);
    Object.assign(this.interrupt, { phase: 'ready', folder: target });
    this.destinationRoot(target);
  }

  writing(): void {
    const context = this.context;
    const files = renderFolder(this._templateDir(), { ...context }, (path) => includeTemplate(path, context));
    const dryRun = Boolean(this.flags.dryRun ?? this.flags['dry-run']) && this.previous !== undefined;
    if (!dryRun) Object.assign(this.interrupt, { phase: 'writing', folder: this.destinationRoot(), files, installCommand: this._skipInstall() ? undefined : context.installCommand });
    if (this.previous) {
      this._upgrade(files);
      if (!dryRun) this.interrupt.phase = 'written';
      return;
    }
    const target = this.destinationRoot();
    const written: FileToWrite[] = [
      ...files,
      // The user's data: copied (not read into memory) in the same all-or-nothing write, and kept out
      // of the snapshot, which holds only what the templates made.
      ...(this.dataCopy ? [{ path: this.dataCopy.path, copyFrom: this.dataCopy.source }] : []),
      { path: SNAPSHOT_PATH, contents: encodeSnapshot(this._templateVersion(), files) },
      // .yo-rc.json under "generator-flyte-pipeline": the answers (none secret) and who made the project.
      { path: YO_RC, contents: this._yoRc(undefined) },
    ];
    // One run per target folder; written whole (staging folder + rename), or into it as one transaction (--force).
    const release = acquireLock(join(dirname(target), `.${basename(target)}.flyte-pipeline.lock`), target);
    try {
      const existing = lstatOrUndefined(target);
      if (existing === undefined || (existing.isDirectory() && readdirSync(target).length === 0)) writeNewFolder(target, written);
      else if (this.flags.force) commitFiles(target, written);
      else throw new UserError(`${target} was created while the answers were being given, and is not empty`, 'choose another project name, remove the folder, or pass --force to overwrite');
    } finally {
      release();
    }
    const shown = relativeToCwd(target);
    writeResult(this, written.map((file) => `   create ${shown}${file.path}`).join('\n'));
  }

  /** The text of .yo-rc.json: the answers under this generator's key, other generators' keys kept. */
  private _yoRc(existing: Buffer | undefined): Buffer {
    const others = existing ? (JSON.parse(existing.toString('utf8')) as Record<string, unknown>) : {};
    const config = { ...others, [GENERATOR_NAME]: { generatorVersion: this._templateVersion(), ...this.answers, memory: this.memory } };
    return Buffer.from(`${JSON.stringify(config, null, 2)}\n`);
  }

  /**
   * Three-way upgrade, all or nothing: every file is read and merged first (links, FIFOs and other
   * non-files refused before anything is opened), then everything changed, the snapshot and
   * .yo-rc.json are written as one transaction.
   */
  private _upgrade(files: RenderedFile[]): void {
    const root = this.destinationRoot();
    const dryRun = Boolean(this.flags.dryRun ?? this.flags['dry-run']);
    const release = dryRun ? () => undefined : acquireLock(join(root, '.flyte-pipeline', 'lock'), root);
    try {
      const snapshot = readProjectFile(root, SNAPSHOT_PATH);
      if (snapshot === undefined) {
        throw new UserError(`${SNAPSHOT_PATH} is missing, so the generated originals cannot be told from your edits`, 'restore it from version control, then run the upgrade again');
      }
      if (snapshot.length > SNAPSHOT_MAX_BYTES) throw new UserError(`${SNAPSHOT_PATH} is ${snapshot.length} bytes, far more than a snapshot`, 'restore it from version control, then run the upgrade again');
      const base = decodeSnapshot(snapshot, SNAPSHOT_PATH);
      this._refuseDowngrade(base.generatorVersion, SNAPSHOT_PATH);
      const from = this.previous?.generatorVersion ?? base.generatorVersion;
      const current = new Map(files.map((file) => [file.path, readProjectFile(root, file.path)]));
      this.upgradeEntries = planUpgrade({
        base: base.files,
        current: (path) => current.get(path),
        next: files,
        labels: { yours: 'yours', base: `template ${from}`, template: `template ${this._templateVersion()}` },
        version: this._templateVersion(),
      });
      const yoRc = this._yoRc(readProjectFile(root, YO_RC));
      // At this version already, with the same answers and base: nothing to write, and the user's
      // edits are theirs (a plan of "from 0.1.0 to 0.1.0, unchanged 56 files" said neither).
      const sameBase = base.files.size === files.length && files.every((file) => base.files.get(file.path)?.equals(file.contents));
      if (from === this._templateVersion() && changesNothing(this.upgradeEntries) && sameBase && readProjectFile(root, YO_RC)?.equals(yoRc)) {
        writeResult(this, nothingToUpgrade(this.answers.projectName, from, this.upgradeEntries));
        return;
      }
      writeResult(this, `${dryRun ? 'Dry run: would upgrade' : 'Upgrading'} ${this.answers.projectName} from ${from} to ${this._templateVersion()}`);
      writeResult(this, summarise(this.upgradeEntries));
      if (dryRun) return;
      const written: FileToWrite[] = [];
      for (const entry of this.upgradeEntries) {
        if (entry.contents) written.push({ path: entry.path, contents: entry.contents, executable: entry.executable });
        if (entry.templateCopy) written.push(entry.templateCopy);
      }
      written.push({ path: SNAPSHOT_PATH, contents: encodeSnapshot(this._templateVersion(), files) });
      written.push({ path: YO_RC, contents: yoRc });
      commitFiles(root, written);
    } finally {
      release();
    }
  }

  async install(): Promise<void> {
    // writing() has put the files on disk by now.
    if (this.interrupt.phase === 'writing') this.interrupt.phase = 'written';
    if (this._skipInstall() || this.previous) return;
    this.interrupt.phase = 'installing';
    const { installCommand } = this.context;
    const [tool, ...args] = installCommand.split(' ');
    // One command, which locks once and installs once; its own output (progress included) goes
    // straight to the terminal. Times measured by bench/road.py (README, Benchmarks).
    const what = tool === 'uv' ? 'locks into uv.lock and installs into .venv: seconds' : 'locks into Pipfile.lock, then installs: about a minute';
    this.log.info(`Installing Python dependencies: ${installCommand} (${what})`);
    try {
      await this.spawn(tool, args, { cwd: this.destinationRoot(), stdio: 'inherit' });
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ENOENT';
      // The files are written: they are committed all the same.
      await this._makeRepository();
      throw new UserError(
        missing ? `${tool} is not installed, so the Python dependencies were not installed` : `${installCommand} failed (see its output above)`,
        `the project is written; run \`${missing ? `pip install --user ${tool} && ` : ''}cd ${slugify(this.answers.projectName)} && ${installCommand}\``,
      );
    }
  }

  async end(): Promise<void> {
    if (this.interrupt.phase !== 'interview') this.interrupt.phase = 'written';
    if (this.previous) {
      process.off('SIGINT', onSigint);
      this._endUpgrade();
      return;
    }
    await this._makeRepository();
    if (this.flags.init) {
      this.interrupt.phase = 'init';
      this.log.info('Creating the ECR repository and the Flyte project (flyte-pipeline init)');
      // Its own process: init brings the AWS SDK, which `new` alone does not need.
      await runInitProcess(this.destinationRoot(), []);
    }
    process.off('SIGINT', onSigint);
    const slug = slugify(this.answers.projectName);
    const steps = [
      `cd ${slug}`,
      ...(this._skipInstall() ? [`${this.context.installCommand.padEnd(24)}  # Python dependencies`] : []),
      'make test                 # the tests of every step',
      `./run src/ full           # train, evaluate and report on ${this.context.dataset.isSample ? 'the sample data' : fileNameOf(this.answers.data)}`,
    ];
    writeResult(this, `\nDone. ${this.answers.projectName} is in ./${slug}. Now run:\n\n${steps.map((step) => `  ${step}`).join('\n')}\n\nThen, on Flyte: make init, then ./run --remote src/ full\n`);
  }

  private _endUpgrade(): void {
    const conflicts = this.upgradeEntries.filter((entry) => entry.status === 'conflict' && !entry.templateCopy).map((entry) => entry.path);
    const binary = this.upgradeEntries.filter((entry) => entry.templateCopy);
    if (binary.length > 0 && !(this.flags.dryRun ?? this.flags['dry-run'])) {
      throw new UserError(
        `the upgrade left conflicts in ${[...conflicts, ...binary.map((entry) => entry.path)].join(', ')}: ${conflicts.length ? 'text conflicts are kept between <<<<<<< and >>>>>>> markers; ' : ''}in binary files yours is kept and the template's version is written beside it (${binary.map((entry) => entry.templateCopy?.path).join(', ')})`,
        'keep the version you want of each file (delete the other), remove any markers, then run make test',
      );
    }
    const dependenciesChanged = this.upgradeEntries.some((entry) => ['Pipfile', 'pyproject.toml'].includes(entry.path) && entry.contents);
    if (conflicts.length > 0 && !(this.flags.dryRun ?? this.flags['dry-run'])) {
      throw new UserError(
        `the upgrade left conflicts in ${conflicts.join(', ')}: both versions are kept between <<<<<<< and >>>>>>> markers`,
        'edit those files to keep what you want, remove the markers, then run make test',
      );
    }
    if (dependenciesChanged) writeResult(this, `The dependencies may have changed: run \`${this.context.installCommand}\` to update the environment.`);
  }
}
