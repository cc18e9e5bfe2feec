'use strict';
/**
 * Lets a plain `node` child process of a test require the project's TypeScript sources,
 * compiled on the fly with the project's own compiler and tsconfig (decorators and their
 * metadata included). Tests use it to run real gateway code in a process they can kill.
 *
 * Usage: `node -r ./test/support/register-ts.js script.js` or `require('./register-ts')`.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const configPath = join(__dirname, '../../tsconfig.json');
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, join(__dirname, '../..'));
const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
