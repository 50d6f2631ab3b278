/**
 * The base of the next upgrade: what the generator wrote, byte for byte, kept in the project as
 * `.flyte-pipeline/base.json.gz`. A three-way merge needs it (base = previous generation).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from '../../shared/errors.js';
import type { RenderedFile } from './render.js';

export const SNAPSHOT_PATH = '.flyte-pipeline/base.json.gz';
/** Generous bounds (a snapshot is ~200 kB): a corrupt or hostile file cannot exhaust memory. */
export const SNAPSHOT_MAX_BYTES = 64 * 1024 * 1024;
const SNAPSHOT_MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

interface SnapshotFormat {
  format: 1;
  generatorVersion: string;
  files: Record<string, string>;
}

export interface Snapshot {
  generatorVersion: string;
  files: Map<string, Buffer>;
}

export function encodeSnapshot(generatorVersion: string, files: RenderedFile[]): Buffer {
  const snapshot: SnapshotFormat = {
    format: 1,
    generatorVersion,
    files: Object.fromEntries(files.map((file) => [file.path, file.contents.toString('base64')])),
  };
  return gzipSync(JSON.stringify(snapshot), { level: 9 });
}

/** A path a snapshot may hold: relative, `/`-separated, inside the project. */
export function isProjectPath(path: string): boolean {
  return path.length > 0 && path.length < 1024 && !path.startsWith('/') && !path.includes('\0') && !path.includes('\\') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes and checks a snapshot; `where` names the file in errors. Every way it can be wrong (not
 * gzip, not JSON, another format, a path outside the project) is one error naming the file and the fix.
 */
export function decodeSnapshot(buffer: Buffer, where = SNAPSHOT_PATH): Snapshot {
  const fix = `restore it from version control (git checkout -- ${SNAPSHOT_PATH}), then run the upgrade again`;
  const corrupt = (reason: string) => new UserError(`${where} is not a snapshot this generator wrote: ${reason}`, fix);
  let text: string;
  try {
    text = gunzipSync(buffer, { maxOutputLength: SNAPSHOT_MAX_UNZIPPED_BYTES }).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw corrupt(code === 'ERR_BUFFER_TOO_LARGE' ? `it unpacks to more than ${SNAPSHOT_MAX_UNZIPPED_BYTES} bytes` : `not gzip data (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not JSON inside (${(error as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw corrupt('not a JSON object');
  const snapshot = parsed as Partial<Record<keyof SnapshotFormat, unknown>>;
  if (snapshot.format !== 1) throw corrupt(`format ${JSON.stringify(snapshot.format) ?? 'missing'}, expected 1`);
  if (typeof snapshot.generatorVersion !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(snapshot.generatorVersion)) {
    throw corrupt('"generatorVersion" is not a version such as 0.1.0');
  }
  if (snapshot.files === null || typeof snapshot.files !== 'object' || Array.isArray(snapshot.files)) throw corrupt('"files" is not an object');
  const files = new Map<string, Buffer>();
  for (const [path, contents] of Object.entries(snapshot.files)) {
    if (!isProjectPath(path)) throw corrupt(`it lists ${JSON.stringify(path.slice(0, 80))}, a path outside the project`);
    if (typeof contents !== 'string' || !BASE64.test(contents)) throw corrupt(`the contents of ${path} are not base64 text`);
    files.set(path, Buffer.from(contents, 'base64'));
  }
  return { generatorVersion: snapshot.generatorVersion, files };
}
