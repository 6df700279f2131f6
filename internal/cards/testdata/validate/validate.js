// validate.js parses Adaptive Cards with the official adaptivecards library
// (pinned in package.json) and reports every parse error and validation
// warning, so FlowDeck's golden cards are known to be cards Teams can render.
// The library's UMD bundle (dist/adaptivecards.js) runs under plain node: it
// needs no DOM to parse and validate, only to render.
//
// On top of the library it checks what it does not: version ≤ 1.5 (what
// Teams renders), $schema, no element or action newer than 1.5, and the
// properties the schema requires that the library lets through.
//
// Usage: node validate.js <card.json>...
// Exit status: 0 all valid; 1 problems (one per line on stdout, prefixed with
// the file name); 2 usage or setup problem (on stderr).
'use strict';

const fs = require('fs');
const path = require('path');

function setupError(msg) {
  process.stderr.write(`validate.js: ${msg}\n`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  setupError('usage: node validate.js <card.json>...');
}

let AC;
try {
  AC = require(path.join(__dirname, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.js'));
} catch (err) {
  setupError(`cannot load adaptivecards (run "npm ci" in ${__dirname}): ${err.message}`);
}

const maxVersion = AC.Versions.v1_5;
const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

// required lists properties the schema requires, per type.
const required = {
  'TextBlock': ['text'],
  'TextRun': ['text'],
  'Image': ['url'],
  'Fact': ['title', 'value'],
  'Input.Text': ['id'],
  'Input.ChoiceSet': ['id', 'choices'],
  'Action.OpenUrl': ['url'],
  'Action.ShowCard': ['card'],
  'Action.Execute': ['verb'],
};

function versionOf(s) {
  const v = AC.Version.parse(String(s), new AC.SerializationContext());
  return v && v.isValid ? v : undefined;
}

// walk visits every object of the card with its JSON path.
function walk(node, at, visit) {
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${at}[${i}]`, visit));
  } else if (node && typeof node === 'object') {
    visit(node, at);
    for (const [k, v] of Object.entries(node)) {
      if (k !== 'data') walk(v, `${at}.${k}`, visit);
    }
  }
}

function check(json) {
  const problems = [];
  if (json.type !== 'AdaptiveCard') problems.push(`type is ${JSON.stringify(json.type)}, not "AdaptiveCard"`);
  if (json.$schema !== SCHEMA) problems.push(`$schema is ${JSON.stringify(json.$schema)}`);
  const v = versionOf(json.version);
  if (!v) problems.push(`version ${JSON.stringify(json.version)} is not a version`);
  else if (v.compareTo(maxVersion) > 0) problems.push(`version ${json.version} is above 1.5, which Teams does not render`);

  walk(json, '$', (o, at) => {
    const t = o.type;
    if (typeof t === 'string') {
      const reg = AC.GlobalRegistry.elements.findByName(t) || AC.GlobalRegistry.actions.findByName(t);
      if (reg && reg.schemaVersion.compareTo(maxVersion) > 0) problems.push(`${at}: ${t} needs schema ${reg.schemaVersion}, above 1.5`);
    }
    const kind = t || (at.endsWith(']') && /\.facts\[\d+\]$/.test(at) ? 'Fact' : undefined);
    for (const p of required[kind] || []) {
      if (o[p] === undefined || o[p] === null || o[p] === '') problems.push(`${at}: ${kind} lacks required property "${p}"`);
    }
  });

  const card = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  card.parse(json, ctx);
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const results = card.validateProperties();
  for (const e of results.validationEvents) {
    problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return problems;
}

let failed = false;
for (const file of files) {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(`${file}: cannot read: ${err.message}`);
    failed = true;
    continue;
  }
  for (const p of check(json)) {
    console.log(`${file}: ${p}`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`ok: ${files.length} card(s) valid`);
