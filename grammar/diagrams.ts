/**
 * Generates grammar/diagrams.html, the railroad diagrams of the Nix grammar, from the
 * parser's serialized grammar (chevrotain's createSyntaxDiagramsCode).
 *
 * Run: `npx ts-node grammar/diagrams.ts` (or bundle with esbuild and run with node).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { NixParser } from './parser';

export function diagramsHtml(): string {
  const parser = new NixParser(true);
  return createSyntaxDiagramsCode(parser.getSerializedGastProductions());
}

if (require.main === module) {
  const out = path.join(__dirname, 'diagrams.html');
  fs.writeFileSync(out, diagramsHtml());
  console.log(`wrote ${out}`);
}
