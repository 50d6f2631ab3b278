/**
 * `flyte-pipeline new [NAME]` / `yo flyte-pipeline NAME`: the interview (flags, --answers, prompts;
 * the data file read and checked) -> ./<slug>/ written whole -> `pipenv install --dev` (or `uv
 * sync`) -> a git repository with a first commit -> with --init, `flyte-pipeline init`.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { normalise, resolveAnswers, type Ask } from '../../shared/answers.js';
import { UserError } from '../../shared/errors.js';
import { writeResult } from '../../shared/output.js';
import { GENERATOR_NAME } from '../../shared/package.js';
import { YO_RC } from '../../shared/project-config.js';
import type { Answers, Question } from '../../shared/questions.js';
import { SAMPLE_DATA, SAMPLE_FILE, fileNameOf, isS3Uri, slugify, type Validation } from '../../shared/validators.js';
import { datasetProblem, resolveDataset, type DataProfile, type DatasetAnswerName, type DatasetAnswers } from '../lib/dataset.js';
import { makeFirstCommit } from '../lib/git.js';
import { runInitProcess } from '../lib/init-process.js';
import { INTERRUPTED_EXIT_CODE, interruptReport, isPromptClosed, stopReportingInterrupts } from '../lib/interrupt.js';
import { readDataProfile } from '../lib/read-data.js';
import { acquireLock, commitFiles, writeNewFolder, type FileToWrite } from '../lib/safe-write.js';
import { SNAPSHOT_PATH, encodeSnapshot } from '../lib/snapshot.js';
import { ProjectRun } from './project.js';

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

export class NewProject extends ProjectRun {
  /** The data file read for each `--data` answer (by the answer), read once. */
  private readonly dataProfiles = new Map<string, Promise<DataProfile | undefined>>();
  /** What was inferred from the data, said before anything is written. */
  private datasetSummary?: string;
  /** The user's data file, copied into the project as `path` (data/01_raw/<name>). */
  private dataCopy?: { source: string; path: string };
  /** Set once the git repository is made (or found not to be made), so it is tried once. */
  private repositoryMade = false;
  /** Where the command runs: a relative `--data` path is relative to it. */
  private workingDir = process.cwd();

  async prompting(): Promise<void> {
    this.workingDir = this.generator.destinationRoot();
    const { byFlags, fromFile, fileOrigin } = this.givenBefore();
    const answers = await resolveAnswers({
      layers: [byFlags, fromFile],
      layerNames: [undefined, fileOrigin],
      useDefaults: Boolean(this.flags.defaults),
      ask: this.ask(),
      source: this.defaultsSource((data) => this.dataProfile(data)),
      check: async (question, given) => (question.name === 'projectName' ? this.refuseTakenFolder(String(given.projectName)) : this.checkData(question, given)),
    });
    this.settle(this.resolveData(answers, await this.dataProfile(answers.data)));
  }

  private ask(): Ask | undefined {
    const interactive = Boolean(process.stdin.isTTY) || Boolean(this.flags.askWithoutTty);
    if (!interactive) return undefined;
    const generator = this.generator;
    return async (question, defaultValue, answers) => {
      try {
        if (question.boolean) {
          const { value } = await generator.prompt<{ value: boolean }>([{ type: 'confirm', name: 'value', message: question.message, default: Boolean(defaultValue) }]);
          return value;
        }
        if (question.choices) {
          // A choice the data does not allow (regression of a text target) is said, and asked again.
          for (;;) {
            const { value } = await generator.prompt<{ value: string }>([{ type: 'select', name: 'value', message: question.message, choices: [...question.choices], default: String(defaultValue) }]);
            const valid = await this.validateAtPrompt(question, value, answers);
            if (valid === true) return value;
            generator.log(`> ${valid}`);
          }
        }
        const { value } = await generator.prompt<{ value: string }>([
          { type: 'input', name: 'value', message: question.message, default: String(defaultValue), validate: (input: string) => this.validateAtPrompt(question, input, answers) },
        ]);
        // The slug names the folder and is the default Flyte project and ECR repository: show it before those questions.
        if (question.name === 'projectName') generator.log(`  folder ./${slugify(String(normalise(question, value)))}/ (also the default Flyte project and ECR repository)`);
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
  private async validateAtPrompt(question: Question, input: string, answers: Partial<Answers>): Promise<Validation> {
    const value = String(normalise(question, input));
    const valid = question.validate(value);
    if (valid !== true) return valid;
    const conflict = question.conflict?.(value, answers);
    if (conflict) return `${conflict.cause} (${conflict.fix})`;
    if (question.describesData) {
      try {
        await this.checkData(question, { ...answers, [question.name]: value });
      } catch (error) {
        if (error instanceof UserError) return `${error.message} (${error.fix})`;
        throw error;
      }
      return true;
    }
    if (question.name !== 'projectName') return valid;
    const taken = this.takenFolder(value);
    return taken ? `${taken.message}: ${taken.fix}` : true;
  }

  /**
   * The folder the name would be written to, when it cannot be: not a folder (a file, a link), or
   * a folder with files in it (unless --force). Checked as soon as the name is known, whether it
   * came from the command line or a prompt, before any other question; and again before writing.
   */
  private takenFolder(projectName: string): UserError | undefined {
    const slug = slugify(projectName);
    const target = join(this.generator.destinationRoot(), slug);
    const existing = lstatOrUndefined(target);
    if (existing && !existing.isDirectory()) {
      return new UserError(`./${slug} exists and is ${existing.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; nothing is written through or over it`, 'choose another project name, or move it away');
    }
    if (existing && readdirSync(target).length > 0 && !this.flags.force) {
      return new UserError(`./${slug}/ exists and is not empty`, 'choose another project name, remove that folder, or pass --force to write into it');
    }
    return undefined;
  }

  private refuseTakenFolder(projectName: string): void {
    const taken = this.takenFolder(projectName);
    if (taken) throw taken;
  }

  /**
   * The profile of the data an answer names (undefined for an s3:// URI, which is not read), read
   * once; `sample` is the template's own file.
   */
  private dataProfile(data: string): Promise<DataProfile | undefined> {
    if (isS3Uri(data)) return Promise.resolve(undefined);
    const cached = this.dataProfiles.get(data);
    if (cached) return cached;
    const path = data === SAMPLE_DATA ? join(this.templateDir(), SAMPLE_FILE) : resolve(this.workingDir, data);
    const profile = readDataProfile(path, data === SAMPLE_DATA ? fileNameOf(SAMPLE_FILE) : data);
    this.dataProfiles.set(data, profile);
    // A file that could not be read is read again when asked again (at a prompt, once fixed).
    profile.catch(() => this.dataProfiles.delete(data));
    return profile;
  }

  /** An answer about the data, checked against the file with the answers before it (see dataset.ts). */
  private async checkData(question: Question, answers: Partial<Answers>): Promise<void> {
    if (!question.describesData) return;
    const given: DatasetAnswers = { data: SAMPLE_DATA, target: '', problemType: 'auto', positiveClass: '', leaveOut: '', ...answers };
    const problem = datasetProblem(question.name as DatasetAnswerName, given, await this.dataProfile(given.data));
    if (problem) throw new UserError(problem.cause, problem.fix);
  }

  /** The answers about the data resolved (stored so), what was inferred, and the file to copy. */
  private resolveData(answers: Answers, profile: DataProfile | undefined): Answers {
    const dataset = resolveDataset(answers, profile);
    this.datasetSummary = dataset.summary;
    this.memory = dataset.memory;
    if (answers.data !== SAMPLE_DATA && !isS3Uri(answers.data)) this.dataCopy = { source: resolve(this.workingDir, answers.data), path: dataset.answers.data };
    return { ...answers, ...dataset.answers };
  }

  override configuring(): void {
    const target = join(this.generator.destinationRoot(), slugify(this.answers.projectName));
    // Checked when the name was given; again here, for a folder made while the questions were answered.
    this.refuseTakenFolder(this.answers.projectName);
    // Before anything is written: the folder, Flyte project and ECR repository the name became.
    writeResult(this.generator, `${this.answers.projectName} -> folder ./${slugify(this.answers.projectName)}/, Flyte project ${this.answers.flyteProject}, ECR repository ${this.answers.ecrRepository}`);
    if (this.datasetSummary) writeResult(this.generator, this.datasetSummary);
    Object.assign(this.interrupt, { phase: 'ready', folder: target });
    this.generator.destinationRoot(target);
  }

  writing(): void {
    const files = this.render();
    this.writingStarts(files);
    const target = this.generator.destinationRoot();
    const written: FileToWrite[] = [
      ...files,
      // The user's data: copied (not read into memory) in the same all-or-nothing write, and kept out
      // of the snapshot, which holds only what the templates made.
      ...(this.dataCopy ? [{ path: this.dataCopy.path, copyFrom: this.dataCopy.source }] : []),
      { path: SNAPSHOT_PATH, contents: encodeSnapshot(this.templateVersion(), files) },
      // .yo-rc.json under "generator-flyte-pipeline": the answers (none secret) and who made the project.
      { path: YO_RC, contents: this.yoRc(undefined) },
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
    writeResult(this.generator, written.map((file) => `   create ${shown}${file.path}`).join('\n'));
  }

  override async install(): Promise<void> {
    if (this.skipInstall()) return;
    this.interrupt.phase = 'installing';
    const { installCommand } = this.context;
    const [tool, ...args] = installCommand.split(' ');
    // One command, which locks once and installs once; its own output (progress included) goes
    // straight to the terminal. Times measured by bench/road.py (README, Benchmarks).
    const what = tool === 'uv' ? 'locks into uv.lock and installs into .venv: seconds' : 'locks into Pipfile.lock, then installs: about a minute';
    this.generator.log.info(`Installing Python dependencies: ${installCommand} (${what})`);
    try {
      await this.generator.spawn(tool, args, { cwd: this.generator.destinationRoot(), stdio: 'inherit' });
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ENOENT';
      // The files are written: they are committed all the same.
      await this.makeRepository();
      throw new UserError(
        missing ? `${tool} is not installed, so the Python dependencies were not installed` : `${installCommand} failed (see its output above)`,
        `the project is written; run \`${missing ? `pip install --user ${tool} && ` : ''}cd ${slugify(this.answers.projectName)} && ${installCommand}\``,
      );
    }
  }

  /** `--skip-git` on the command line, or `skipGit` from a caller such as yeoman-test. */
  private skipGit(): boolean {
    return Boolean(this.flags.skipGit ?? this.flags['skip-git']);
  }

  /**
   * A new project becomes a git repository with one commit of what was written (and of the lock
   * file, once installed), so that its version is that commit. Once per run.
   */
  private async makeRepository(): Promise<void> {
    if (this.skipGit() || this.repositoryMade) return;
    this.repositoryMade = true;
    const outcome = await makeFirstCommit(this.generator.destinationRoot(), {
      message: `Generated by ${GENERATOR_NAME} ${this.templateVersion()}`,
      author: { name: this.answers.author, email: this.answers.email },
    });
    // A commit made is a result; no commit, and why, is said beside the progress.
    if (outcome.status === 'committed') writeResult(this.generator, outcome.line);
    else this.generator.log(outcome.line);
  }

  async end(): Promise<void> {
    await this.makeRepository();
    if (this.flags.init) {
      this.interrupt.phase = 'init';
      this.generator.log.info('Creating the ECR repository and the Flyte project (flyte-pipeline init)');
      // Its own process: init brings the AWS SDK, which `new` alone does not need.
      await runInitProcess(this.generator.destinationRoot(), []);
    }
    stopReportingInterrupts();
    const slug = slugify(this.answers.projectName);
    const steps = [
      `cd ${slug}`,
      ...(this.skipInstall() ? [`${this.context.installCommand.padEnd(24)}  # Python dependencies`] : []),
      'make test                 # the tests of every step',
      `./run src/ full           # train, evaluate and report on ${this.context.dataset.isSample ? 'the sample data' : fileNameOf(this.answers.data)}`,
    ];
    writeResult(this.generator, `\nDone. ${this.answers.projectName} is in ./${slug}. Now run:\n\n${steps.map((step) => `  ${step}`).join('\n')}\n\nThen, on Flyte: make init, then ./run --remote src/ full\n`);
  }
}
