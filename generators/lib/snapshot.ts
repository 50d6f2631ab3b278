/**
 * The base of the next upgrade: what the generator wrote, byte for byte, kept in the project as
 * `.flyte-pipeline/base.json.gz`. A three-way merge needs it (base = previous generation).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RenderedFile } from './render.js';

export const SNAPSHOT_PATH = '.flyte-pipeline/base.json.gz';

interface SnapshotFormat {
  format: 1;
  generatorVersion: string;
  files: Record<string, string>;
}

export function encodeSnapshot(generatorVersion: string, files: RenderedFile[]): Buffer {
  const snapshot: SnapshotFormat = {
    format: 1,
    generatorVersion,
    files: Object.fromEntries(files.map((file) => [file.path, file.contents.toString('base64')])),
  };
  return gzipSync(JSON.stringify(snapshot), { level: 9 });
}

export function decodeSnapshot(buffer: Buffer): { generatorVersion: string; files: Map<string, Buffer> } {
  const snapshot = JSON.parse(gunzipSync(buffer).toString('utf8')) as SnapshotFormat;
  if (snapshot.format !== 1) throw new Error(`unknown snapshot format ${String(snapshot.format)}`);
  return {
    generatorVersion: snapshot.generatorVersion,
    files: new Map(Object.entries(snapshot.files).map(([path, contents]) => [path, Buffer.from(contents, 'base64')])),
  };
}
