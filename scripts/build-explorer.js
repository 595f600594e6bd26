#!/usr/bin/env node
// Bundles the GraphQL explorer (GraphiQL + React + our token bar) for the browser.
//
// Input:  src/http/explorer/client.tsx (and the CSS it imports)
// Output: dist/explorer/explorer-<hash>.js, dist/explorer/explorer-<hash>.css and
//         dist/explorer/manifest.json, which names those two files for src/http/explorer.ts.
//
// Runs as the second half of `npm run build`, so `npm ci` / `npm install` (through `prepare`) leave
// a complete bundle behind and the server never needs a CDN or the network.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'src/http/explorer/client.tsx');
const outdir = path.join(root, 'dist/explorer');

async function main() {
  fs.mkdirSync(outdir, { recursive: true });

  // The hashed files are written beside the current ones, then the manifest is swapped in one rename,
  // then the files of earlier builds go: a server starting while this runs always finds a whole bundle.
  const result = await esbuild.build({
    entryPoints: { explorer: entry },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Images and fonts referenced from CSS are inlined, so the page makes no request but its own.
    loader: { '.png': 'dataurl', '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl' },
    legalComments: 'eof',
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  });

  // A file's name carries the hash of its content: one that exists already is left as it is, and a
  // new one appears whole (written aside, then renamed), never half-written under its final name.
  for (const file of result.outputFiles) {
    if (fs.existsSync(file.path)) continue;
    const aside = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(aside, file.contents);
    fs.renameSync(aside, file.path);
  }
  const outputs = result.outputFiles.map((file) => path.basename(file.path));
  const js = outputs.find((name) => /^explorer-[A-Z0-9]+\.js$/i.test(name));
  const css = outputs.find((name) => /^explorer-[A-Z0-9]+\.css$/i.test(name));
  if (!js || !css) throw new Error(`esbuild produced unexpected files: ${outputs.join(', ')}`);

  const manifest = { js, css };
  const next = path.join(outdir, `manifest.json.${process.pid}`);
  fs.writeFileSync(next, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(next, path.join(outdir, 'manifest.json'));
  for (const name of fs.readdirSync(outdir)) {
    if (/^explorer-[A-Z0-9]+\.(js|css)(\.map|\.LEGAL\.txt)?$/i.test(name) && name !== js && name !== css) {
      fs.rmSync(path.join(outdir, name), { force: true });
    }
  }

  const size = (name) => `${(fs.statSync(path.join(outdir, name)).size / 1024).toFixed(0)} KiB`;
  if (!process.argv.includes('--quiet')) {
    console.log(`explorer bundle: dist/explorer/${js} (${size(js)}), dist/explorer/${css} (${size(css)})`);
  }
}

main().catch((error) => {
  console.error(`build-explorer: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
