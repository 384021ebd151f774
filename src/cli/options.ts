/**
 * `nixling options [-c FILE] [--json | --markdown | --json-schema]`: documentation of every
 * visible, non-internal option of a configuration (src/system/option-docs.ts). Without a
 * format flag, a short listing: each option with its type, one per line.
 */
import { NixError } from '../eval/errors';
import { addNixPathFromEnv } from '../eval/state';
import { resolveConfigFile } from '../system/configuration';
import { inspectSystem } from '../system/option-info';
import { optionDocs, optionsJsonSchema, optionsMarkdown } from '../system/option-docs';
import { parseConfigArgs, quietOnClosedStdout, useColor } from './option';
import { reportError, writeOut } from './output';

export async function optionsCommand(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  try {
    type Format = 'list' | 'json' | 'markdown' | 'json-schema';
    let format = 'list' as Format;
    const set = (f: Format) => {
      if (format !== 'list' && format !== f) throw new NixError('eval', `--${format} and --${f} cannot be combined`);
      format = f;
    };
    const o = parseConfigArgs(argv, {
      '--markdown': () => set('markdown'),
      '--json-schema': () => set('json-schema'),
    });
    if (o.json) set('json');
    if (o.rest.length) throw new NixError('eval', `unexpected argument '${o.rest[0]}'`);
    addNixPathFromEnv();
    const file = resolveConfigFile(o.config);
    const sys = inspectSystem(file);
    if (format === 'json-schema') {
      writeOut(JSON.stringify(optionsJsonSchema(sys.options, `nixling configuration options (${file})`), null, 2) + '\n');
      return 0;
    }
    const docs = optionDocs(sys.options);
    if (format === 'json') writeOut(JSON.stringify(docs, null, 2) + '\n');
    else if (format === 'markdown') writeOut(optionsMarkdown(docs, 'Configuration options'));
    else {
      const names = Object.keys(docs);
      const width = Math.min(60, Math.max(0, ...names.map((n) => n.length)));
      const bold = useColor(process.stdout) ? (s: string) => `\x1b[1m${s}\x1b[0m` : (s: string) => s;
      writeOut(names.map((n) => `${bold(n.padEnd(width))}  ${docs[n].type}\n`).join(''));
    }
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
