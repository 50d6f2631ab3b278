/**
 * Answers come from, in order: flags, the `--answers` file, answers stored in `.yo-rc.json`,
 * then `--defaults` or a prompt. Without a terminal a missing answer is an error naming its flag.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UserError } from './errors.js';
import { QUESTIONS, flagOf, questionByKey, type AnswerName, type AnswerValue, type Answers, type DefaultsSource, type Question } from './questions.js';

export type GivenAnswers = Partial<Record<AnswerName, AnswerValue>>;

/** Asks one question interactively; `defaultValue` is offered, `validate` re-asks until valid. */
export type Ask = (question: Question, defaultValue: AnswerValue) => Promise<AnswerValue>;

export interface ResolveOptions {
  /** Flags win over the answers file, which wins over stored answers. */
  layers: GivenAnswers[];
  useDefaults: boolean;
  /** Undefined when there is no terminal to ask on. */
  ask?: Ask;
  source: DefaultsSource;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off']);

/** A string answer trimmed (free text folded to one line); a yes/no answer as a boolean. */
export function normalise(question: Question, raw: unknown): AnswerValue {
  if (question.boolean) {
    if (typeof raw === 'boolean') return raw;
    const word = String(raw ?? '').trim().toLowerCase();
    if (TRUE.has(word)) return true;
    if (FALSE.has(word)) return false;
    throw new UserError(`--${flagOf(question.name)}: "${String(raw)}" is not yes or no`, `pass --${flagOf(question.name)} or --no-${flagOf(question.name)}`);
  }
  const text = String(raw ?? '').trim();
  return question.freeText ? text.replace(/\s*[\r\n]+\s*/g, ' ') : text;
}

function checked(question: Question, value: AnswerValue, origin: string): AnswerValue {
  if (typeof value === 'boolean') return value;
  const validation = question.validate(value);
  if (validation !== true) {
    throw new UserError(`${origin}: ${validation}`, `pass a valid value with --${flagOf(question.name)}`);
  }
  return value;
}

export async function resolveAnswers({ layers, useDefaults, ask, source }: ResolveOptions): Promise<Answers> {
  const answers: Partial<Record<AnswerName, AnswerValue>> = {};
  for (const question of QUESTIONS) {
    const flag = flagOf(question.name);
    const given = layers.find((layer) => layer[question.name] !== undefined)?.[question.name];
    if (given !== undefined) {
      answers[question.name] = checked(question, normalise(question, given), `--${flag}`);
      continue;
    }
    const defaultValue = question.default(answers as Partial<Answers>, source);
    if (useDefaults) {
      answers[question.name] = checked(question, defaultValue, `default for --${flag}`);
    } else if (ask) {
      answers[question.name] = checked(question, normalise(question, await ask(question, defaultValue)), question.message);
    } else {
      throw new UserError(
        `no answer for "${question.message}" and no terminal to ask it`,
        `pass --${flag} VALUE, or --defaults to take the default of every question not given`,
      );
    }
  }
  return answers as Answers;
}

/** Reads a YAML or JSON file of answers; keys may be camelCase (`awsRegion`) or flags (`aws-region`). */
export function readAnswersFile(path: string): GivenAnswers {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(`cannot read answers file ${path}: ${reason}`, 'pass --answers a readable YAML or JSON file');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`answers file ${path} is not a mapping of question to answer`, 'write it as `aws-region: eu-west-1`, one answer a line');
  }
  const answers: GivenAnswers = {};
  for (const [key, value] of Object.entries(parsed)) {
    const question = questionByKey(key);
    if (!question) {
      const known = QUESTIONS.map((q) => flagOf(q.name)).join(', ');
      throw new UserError(`answers file ${path}: unknown question "${key}"`, `use one of: ${known}`);
    }
    if (value !== null && typeof value === 'object') {
      throw new UserError(`answers file ${path}: "${key}" must be a single value`, `write it as \`${key}: VALUE\``);
    }
    answers[question.name] = typeof value === 'boolean' ? value : String(value);
  }
  return answers;
}
