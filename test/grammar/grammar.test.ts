/** The chevrotain grammar passes chevrotain's own validations, and the diagrams are current. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NixParser } from '../../grammar/parser';
import { diagramsHtml } from '../../grammar/diagrams';

describe('grammar definition', () => {
  it('has no ambiguities, left recursion or other definition errors', () => {
    expect(() => new NixParser(true)).not.toThrow();
  });
  it('grammar/diagrams.html is up to date (regenerate: npx ts-node grammar/diagrams.ts)', () => {
    const file = path.join(__dirname, '../../grammar/diagrams.html');
    expect(fs.readFileSync(file, 'utf8')).toBe(diagramsHtml());
  });
});
