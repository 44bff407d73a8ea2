// Builds the package: the wasm (scripts/build-wasm) plus the hand-written ESM wrapper and
// its TypeScript types, into dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
execFileSync(join(here, '..', 'scripts', 'build-wasm'), { stdio: 'inherit' });

const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// Everything wasm-bindgen wrote, including snippets/ (the hooks' JS glue).
for (const file of readdirSync(join(here, 'pkg'))) {
  if (file !== 'package.json' && file !== '.gitignore') {
    cpSync(join(here, 'pkg', file), join(dist, file), { recursive: true });
  }
}
cpSync(join(here, 'src'), dist, { recursive: true });
console.log('built', readdirSync(dist).join(' '));
