/** The texts of the test fixtures whose file names match a pattern, found under test/fixtures in name order. */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixtureTexts(pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (pattern.test(e.name)) out.push(readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(FIXTURES);
  return out;
}
