#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('labgate: not built yet; run `npm install` (or `npm run build`) in the Labgate directory first\n');
  process.exit(1);
}
const { runCli } = require(entry);
runCli(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
