// validate.js checks a Teams app manifest against the official JSON schema
// shipped in the pinned @microsoft/app-manifest package, the same way that
// package's own validateManifestAgainstSchema does (ajv-draft-04, allErrors,
// ajv-formats uri/email/regex). It never touches the network.
//
// Usage: node validate.js <manifest.json>
// Exit status: 0 valid; 1 schema errors (one per line on stdout);
// 2 usage or setup problem (on stderr).
'use strict';

const fs = require('fs');
const path = require('path');

function setupError(msg) {
  process.stderr.write(`validate.js: ${msg}\n`);
  process.exit(2);
}

const file = process.argv[2];
if (!file || process.argv.length !== 3) {
  setupError('usage: node validate.js <manifest.json>');
}

let Ajv;
let addFormats;
try {
  Ajv = require('ajv-draft-04');
  addFormats = require('ajv-formats');
} catch (err) {
  setupError(`cannot load ajv (run "npm ci" in ${__dirname}): ${err.message}`);
}

let manifest;
try {
  manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (err) {
  setupError(`cannot read ${file}: ${err.message}`);
}

// Pick the schema that the manifest's own $schema URL names, from the local
// package: a $schema URL that is not a Teams schema URL is itself an error.
const m = /^https:\/\/developer\.microsoft\.com\/json-schemas\/teams\/(v1\.[0-9]+)\/MicrosoftTeams\.schema\.json$/.exec(
  typeof manifest.$schema === 'string' ? manifest.$schema : '');
if (!m) {
  console.log(`/$schema ${JSON.stringify(manifest.$schema)} is not a Teams manifest schema URL`);
  process.exit(1);
}
const schemaFile = path.join(__dirname, 'node_modules', '@microsoft', 'app-manifest', 'build',
  'json-schemas', 'teams', m[1], 'MicrosoftTeams.schema.json');
if (!fs.existsSync(path.dirname(path.dirname(schemaFile)))) {
  setupError(`schema package missing (run "npm ci" in ${__dirname})`);
}
if (!fs.existsSync(schemaFile)) {
  console.log(`/$schema names ${m[1]}, which the pinned @microsoft/app-manifest does not ship`);
  process.exit(1);
}
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));

const ajv = new Ajv({ allErrors: true, strictTypes: false });
addFormats(ajv, ['uri', 'email', 'regex']);
const validate = ajv.compile(schema);
if (!validate(manifest)) {
  for (const e of validate.errors) {
    console.log(`${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
  process.exit(1);
}
console.log(`ok: valid against ${m[1]}`);
