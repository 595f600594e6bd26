// Lets a child process started by a test run Labgate's TypeScript sources directly, as Jest does,
// so that multi-process tests never run a stale build. Types are not checked here (tsc does that).
//
// Each file's JavaScript is kept in a folder of the system's temporary directory, named by a hash of
// the source and of the compiler's version: the next process (a test starts several, each loading
// some two hundred files) reads it instead of compiling the file again. A changed file has a new
// hash, so nothing stale is ever run; the folder can be deleted at any time.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The compiler itself is loaded only when a file is not in the cache yet.
let ts;
const compiler = () => (ts ??= require('typescript'));
const compilerOptions = {
  module: 'commonjs',
  target: 'es2022',
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
};
const cacheDir = path.join(os.tmpdir(), 'labgate-ts-register');
const salt = `${require('typescript/package.json').version}\0${JSON.stringify(compilerOptions)}\0`;

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not compiled yet
  }
  const { outputText } = compiler().transpileModule(source, { fileName: filename, compilerOptions });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written under a name of its own, then renamed: a process reading at the same time sees all or nothing.
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, outputText);
    fs.renameSync(partial, cached);
  } catch {
    // a cache that cannot be written only costs time
  }
  return outputText;
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
