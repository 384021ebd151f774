/**
 * `nixling stream-image [--repo-tag NAME:TAG] SCRIPT`: writes the image that a
 * dockerTools.streamLayeredImage script describes to standard output. Hidden: the scripts
 * call it themselves (`./result | podman load`); see src/oci/stream.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tty from 'node:tty';
import { writeLayered } from '../oci/layered';
import { readStreamSpec, storeRootOf } from '../oci/stream';
import { FdSink } from '../oci/tar';

const USAGE = 'usage: nixling stream-image [--repo-tag NAME:TAG] SCRIPT   (writes the image archive to standard output)';

export async function streamImageCommand(argv: string[]): Promise<number> {
  let repoTag: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--repo-tag' || a === '-t') {
      if (i + 1 >= argv.length) {
        process.stderr.write(`error: flag '${a}' requires an argument\n${USAGE}\n`);
        return 1;
      }
      repoTag = argv[++i];
    } else if (a.startsWith('--repo-tag=')) repoTag = a.slice('--repo-tag='.length);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else files.push(a);
  }
  if (files.length !== 1) {
    process.stderr.write(`error: expected one stream script\n${USAGE}\n`);
    return 1;
  }
  if (tty.isatty(1)) {
    process.stderr.write('error: refusing to write an image archive to a terminal; pipe it somewhere, e.g. into `podman load`\n');
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-stream-image-'));
  try {
    const spec = readStreamSpec(files[0]);
    const sink = new FdSink(1);
    const warn = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
    await writeLayered(spec, storeRootOf(files[0], spec), sink, tmp, warn, repoTag);
    sink.flush();
    return 0;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EPIPE') return 1; // the reader went away
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
