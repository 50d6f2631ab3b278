/**
 * Answers come from, in order: flags, the `--answers` file, answers stored in `.yo-rc.json`,
 * then `--defaults` or a prompt. Without a terminal a missing answer is an error naming its flag.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parseDocument, isMap, isScalar } from 'yaml';
import { UserError } from './errors.js';
import { QUESTIONS, flagOf, questionByKey, type AnswerName, type AnswerValue, type Answers, type DefaultsSource, type Question } from './questions.js';
import { ANSWER_MAX_CHARACTERS, shown } from './validators.js';

export type GivenAnswers = Partial<Record<AnswerName, AnswerValue>>;

/** Asks one question interactively; `defaultValue` is offered, `validate` re-asks until valid. `answers`: those given so far. */
export type Ask = (question: Question, defaultValue: AnswerValue, answers: Partial<Answers>) => Promise<AnswerValue>;

export interface ResolveOptions {
  /** Flags win over the answers file, which wins over stored answers. */
  layers: GivenAnswers[];
  /** Where each layer's answers come from, for messages (`.yo-rc.json`); undefined means flags. */
  layerNames?: Array<string | undefined>;
  useDefaults: boolean;
  /** Undefined when there is no terminal to ask on. */
  ask?: Ask;
  source: DefaultsSource;
  /**
   * Questions that must be answered by a layer, never by a default (an upgrade: a missing answer
   * that names a cloud resource would silently re-target the project). Their refusal uses `missingFix`.
   */
  noDefaultFor?: (question: Question) => boolean;
  missing?: (question: Question) => UserError;
  /**
   * Checks a valid answer against the world, given the answers before it (the data file it names or
   * describes): throws a UserError. Run on every answer, whatever its origin.
   */
  check?: (question: Question, answers: Partial<Answers>) => Promise<void>;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off']);

/** A yes/no word, strictly: undefined for anything else. */
export function yesNo(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase();
  return TRUE.has(word) ? true : FALSE.has(word) ? false : undefined;
}

/** A string answer trimmed (free text folded to one line); a yes/no answer as a boolean. */
export function normalise(question: Question, raw: unknown): AnswerValue {
  const flag = flagOf(question.name);
  if (question.boolean) {
    if (typeof raw === 'boolean') return raw;
    const value = typeof raw === 'string' && raw.length <= 16 ? yesNo(raw) : undefined;
    if (value === undefined) throw new UserError(`--${flag}: ${shown(String(raw))} is not yes or no`, `pass --${flag} or --no-${flag}`);
    return value;
  }
  if (typeof raw !== 'string') {
    throw new UserError(`--${flag}: takes text, not ${raw === null ? 'null' : typeof raw}`, `pass --${flag} VALUE`);
  }
  // Left as it is, unfolded: every validator refuses it by its length first, in constant time and
  // memory (and a prompt asks again, where a throw here would end the interview).
  if (raw.length > ANSWER_MAX_CHARACTERS) return raw;
  const text = raw.trim();
  if (question.normalise) return question.normalise(text);
  return question.freeText ? text.replace(/\s*[\r\n\t]+\s*/g, ' ') : text;
}

function checked(question: Question, value: AnswerValue, origin: string): AnswerValue {
  if (typeof value === 'boolean') return value;
  const validation = question.validate(value);
  if (validation !== true) {
    throw new UserError(`${origin}: ${validation}`, `pass a valid value with --${flagOf(question.name)}`);
  }
  return value;
}

/** A valid answer that does not fit the answers before it (a schedule with local data): its cause and fix. */
function refuseConflict(question: Question, answers: Partial<Answers>): void {
  const conflict = question.conflict?.(answers[question.name] as AnswerValue, answers);
  if (conflict) throw new UserError(conflict.cause, conflict.fix);
}

export async function resolveAnswers({ layers, layerNames = [], useDefaults, ask, source, noDefaultFor, missing, check }: ResolveOptions): Promise<Answers> {
  const answers: Partial<Record<AnswerName, AnswerValue>> = {};
  for (const question of QUESTIONS) {
    const flag = flagOf(question.name);
    const layer = layers.findIndex((candidate) => candidate[question.name] !== undefined);
    if (layer !== -1) {
      const origin = layerNames[layer];
      const given = layers[layer][question.name];
      try {
        answers[question.name] = checked(question, normalise(question, given), origin ? `${origin}: "${question.name}"` : `--${flag}`);
      } catch (error) {
        if (!(error instanceof UserError) || !origin) throw error;
        throw new UserError(error.message.replace(`--${flag}: `, `${origin}: "${question.name}": `), `correct it in ${origin}, or pass --${flag} VALUE`);
      }
      refuseConflict(question, answers as Partial<Answers>);
      await check?.(question, answers as Partial<Answers>);
      continue;
    }
    if (noDefaultFor?.(question)) {
      throw missing?.(question) ?? new UserError(`no answer for --${flag}`, `pass --${flag} VALUE`);
    }
    const defaultValue = await question.default(answers as Partial<Answers>, source);
    if (useDefaults) {
      answers[question.name] = checked(question, defaultValue, `default for --${flag}`);
    } else if (ask) {
      answers[question.name] = checked(question, normalise(question, await ask(question, defaultValue, { ...answers } as Partial<Answers>)), question.message);
    } else {
      throw new UserError(
        `no answer for "${question.message}" and no terminal to ask it`,
        `pass --${flag} VALUE, or --defaults to take the default of every question not given`,
      );
    }
    refuseConflict(question, answers as Partial<Answers>);
    await check?.(question, answers as Partial<Answers>);
  }
  return answers as Answers;
}

/** An answers file holds a few short lines; anything bigger is refused before it is read. */
export const ANSWERS_FILE_MAX_BYTES = 64 * 1024;

/** The text of a small regular file, refusing (without blocking) a FIFO, a device or a huge file. */
export function readSmallFile(path: string, maxBytes: number, describe: string, fix: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not hang; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new UserError(`cannot read ${describe} ${path}: ${reason}`, fix);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UserError(`${describe} ${path} is not a regular file`, fix);
    if (stat.size > maxBytes) throw new UserError(`${describe} ${path} is ${stat.size} bytes; at most ${maxBytes} are read`, fix);
    const buffer = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      const read = readSync(fd, buffer, offset, stat.size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return utf8Text(buffer.subarray(0, offset), `${describe} ${path}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes as UTF-8 text, refused (naming the file, the line and the byte) when they are not:
 * Latin-1 read as UTF-8 would turn every accent into U+FFFD, silently. A BOM is dropped.
 */
export function utf8Text(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Where: the first replacement character of a lenient decoding; the valid text before it
    // re-encodes to the same bytes, so its length is the bad byte's offset.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const before = lenient.slice(0, lenient.indexOf('\ufffd'));
    const byte = bytes[Buffer.byteLength(before, 'utf8')] ?? 0;
    const line = before.split('\n').length;
    throw new UserError(
      `${what} is not UTF-8 text: line ${line} has the byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}${byte >= 0xc0 ? ` (${Buffer.from([byte]).toString('latin1')} in Latin-1?)` : ''}`,
      'save it as UTF-8 (most editors: Save with Encoding > UTF-8; iconv -f latin1 -t utf-8), then run the command again',
    );
  }
}

/** Plain `~` and `null` mean "no answer given" in YAML and JSON; everything else is the text as written. */
const NULL_WORDS = new Set(['~', 'null', 'Null', 'NULL']);

/**
 * Reads a YAML or JSON file of answers; keys may be camelCase (`awsRegion`) or flags (`aws-region`).
 * Scalars are read as the text the user wrote (YAML's failsafe schema): `3.10` stays "3.10",
 * `1e3` stays "1e3", an account id keeps its leading zeros, an empty value is "".
 */
export function readAnswersFile(path: string): GivenAnswers {
  const fix = 'pass --answers a readable YAML or JSON file of `flag: value` lines';
  const text = readSmallFile(path, ANSWERS_FILE_MAX_BYTES, 'answers file', fix);
  const document = parseDocument(text, { schema: 'failsafe', logLevel: 'silent', uniqueKeys: true });
  if (document.errors.length > 0) {
    const reason = document.errors[0].message.split('\n')[0];
    throw new UserError(`cannot read answers file ${path}: ${reason}`, fix);
  }
  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === '')) return {};
  if (!isMap(contents)) {
    throw new UserError(`answers file ${path} is not a mapping of question to answer`, 'write it as `aws-region: eu-west-1`, one answer a line');
  }
  const answers: GivenAnswers = {};
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const question = questionByKey(key);
    if (!question) {
      const known = QUESTIONS.map((q) => flagOf(q.name)).join(', ');
      throw new UserError(`answers file ${path}: unknown question ${shown(key)}`, `use one of: ${known}`);
    }
    if (answers[question.name] !== undefined) {
      throw new UserError(`answers file ${path}: ${shown(key)} answers --${flagOf(question.name)} a second time`, 'keep one line per question');
    }
    const node = pair.value;
    if (node !== null && !isScalar(node)) {
      throw new UserError(`answers file ${path}: ${shown(key)} must be a single value`, `write it as \`${key}: VALUE\``);
    }
    const scalar = node === null ? '' : String(node.value ?? '');
    const isNull = node === null || (node.type === 'PLAIN' && (scalar === '' || NULL_WORDS.has(scalar)));
    answers[question.name] = isNull ? '' : scalar;
  }
  return answers;
}

/** What a command accepts on its command line: which flags are yes/no switches, which take a value. */
export interface CommandLineSpec {
  /** `flyte-pipeline new`, for messages. */
  command: string;
  switches: ReadonlySet<string>;
  values: ReadonlySet<string>;
  /** Positional words accepted (NAME), and what to call them. */
  positionals: readonly string[];
}

/**
 * Checks a command line the way the user meant it, before any option parser guesses: `--ci=no`
 * means no (a parser for switches would read it as yes), `--no-description` is not a way to set
 * a description, `-x` and an extra word are mistakes rather than noise. Returns the yes/no
 * answers given as `--flag=word`. Flags it does not know are left to the caller.
 */
export function checkCommandLine(args: readonly string[], spec: CommandLineSpec): Record<string, boolean> {
  const booleans: Record<string, boolean> = {};
  const positionals: string[] = [];
  const help = `run \`${spec.command} --help\` to list its flags`;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [written, ...rest] = arg.slice(2).split('=');
      const value = rest.length > 0 ? rest.join('=') : undefined;
      const negated = written.startsWith('no-') && !spec.values.has(written) && !spec.switches.has(written);
      const name = negated ? written.slice(3) : written;
      if (spec.switches.has(name)) {
        if (value === undefined) continue;
        const answer = negated ? undefined : yesNo(value);
        if (answer === undefined) {
          throw new UserError(`${arg.length > 80 ? `--${written}=…` : arg}: --${name} is yes or no`, `pass --${name} or --no-${name} (or --${name}=yes / --${name}=no)`);
        }
        booleans[name] = answer;
      } else if (spec.values.has(name)) {
        if (negated) {
          throw new UserError(`--no-${name}: --${name} takes a value, it is not a yes/no switch`, `leave it out to take the default, or pass --${name} VALUE (--${name} "" for empty)`);
        }
        if (value === undefined) {
          const next = args[index + 1];
          if (next === undefined || /^-[^-]|^--./.test(next)) {
            throw new UserError(`--${name} needs a value`, `pass --${name} VALUE, or --${name}=VALUE when the value starts with "-"`);
          }
          index += 1;
        }
      }
      continue;
    }
    if (/^-./.test(arg)) {
      if (arg === '-h') continue;
      throw new UserError(`unknown flag ${shown(arg, 20)} for \`${spec.command}\``, help);
    }
    positionals.push(arg);
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals[spec.positionals.length];
    const previous = args[args.indexOf(extra) - 1];
    const switchBefore = previous?.startsWith('--') && spec.switches.has(previous.slice(2).replace(/^no-/, ''));
    throw new UserError(
      spec.positionals.length === 0
        ? `\`${spec.command}\` takes no ${shown(extra, 40)}: it has no positional arguments`
        : `\`${spec.command}\` takes one ${spec.positionals.join(' ')}, and ${shown(extra, 40)} is a second word`,
      switchBefore
        ? `a yes/no flag takes no separate word: write ${previous}=${extra}, or --no-${previous.slice(2).replace(/^no-/, '')}`
        : `quote a name with spaces ("Churn Model"); ${help}`,
    );
  }
  return booleans;
}
