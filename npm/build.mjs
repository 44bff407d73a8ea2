// Builds the package: the wasm (scripts/build-wasm) plus the hand-written ESM wrapper and
// its TypeScript types, into dist/; then minifies every JS module (terser), since each is
// downloaded by every recorded page.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

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

function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (name.endsWith('.js')) yield path;
  }
}
for (const path of jsFiles(dist)) {
  const { code } = await minify(readFileSync(path, 'utf8'), {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    // The hooks' `wrapper` keeps its name: call-site stacks are cut below its frame
    // (recorder-wasm/src/capture/stack.rs).
    mangle: { reserved: ['wrapper'] },
    format: { comments: false },
  });
  writeFileSync(path, code);
}
console.log('built', readdirSync(dist).join(' '));
