/**
 * Results and plans go to stdout, so that `flyte-pipeline upgrade --dry-run > plan.txt` keeps the
 * plan; yeoman's log writes to stderr (@yeoman/adapter), and stays for progress and errors.
 */
import type Generator from 'yeoman-generator';

interface Adapter {
  stdout?: NodeJS.WritableStream;
  /** yeoman-environment queues a terminal adapter's prompts and logs behind this one. */
  actualAdapter?: Adapter;
}

/** Writes `text` as a result: to the terminal adapter's stdout; under a test adapter (which has none), to its log. */
export function writeResult(generator: Generator, text: string): void {
  const adapter = (generator.env as { adapter?: Adapter } | undefined)?.adapter;
  const stdout = adapter?.stdout ?? adapter?.actualAdapter?.stdout;
  if (stdout) stdout.write(`${text}\n`);
  else generator.log(text);
}
