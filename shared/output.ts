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

const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * A reader that stops reading (`flyte-pipeline new … | head -3`) makes the next write fail with
 * EPIPE, which unhandled would end the command half-way: the results are then unwanted, the work
 * goes on.
 */
export function ignoreClosedReader(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Writes `text` as a result: to the terminal adapter's stdout; under a test adapter (which has none), to its log. */
export function writeResult(generator: Generator, text: string): void {
  const adapter = (generator.env as { adapter?: Adapter } | undefined)?.adapter;
  const stdout = adapter?.stdout ?? adapter?.actualAdapter?.stdout;
  if (!stdout) {
    generator.log(text);
    return;
  }
  ignoreClosedReader(stdout);
  stdout.write(`${text}\n`);
}
