// validate.mjs - checks STIX 2.1 bundles against the official JSON schemas
// (draft 2020-12, with ajv) in the shared schemas folder: each object
// against the schema of its type (sdos/, sros/, common/marking-definition),
// and the bundle against common/bundle.json. That bundle schema lists no
// incident (nor grouping, location, note, opinion) and its custom-object
// branch can never match an SDO (core and cyber-observable-core both match,
// and it asks for exactly one), so those objects are checked against their
// own schema only and left out of the envelope check. Also checks that every
// reference in a bundle (created_by_ref, *_ref, *_refs, marking refs) names
// an object of the same bundle. Writes each indicator's pattern to the file
// named by --patterns (one a line) for PatternCheck.java.
//   node validate.mjs --schemas DIR [--patterns FILE] BUNDLE.json...
// Exit 0 when every bundle is valid; prints the errors otherwise.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
let schemas = null, patterns = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--schemas") schemas = args[++i];
  else if (args[i] === "--patterns") patterns = args[++i];
  else files.push(args[i]);
}
if (!schemas || files.length === 0) {
  console.error("usage: validate.mjs --schemas DIR [--patterns FILE] BUNDLE...");
  process.exit(2);
}
// unicodeRegExp off: the official schemas escape "-" in patterns (\\-), which
// the "u" flag refuses; their patterns are ASCII, so nothing else changes.
const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".json") ? [path.join(d, e.name)] : []);
for (const f of walk(path.join(schemas, "schemas")))
  ajv.addSchema(JSON.parse(fs.readFileSync(f, "utf8")));
const bundleId = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/bundle.json";
const validate = ajv.getSchema(bundleId);
const base = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
const NOT_IN_BUNDLE_SCHEMA = new Set(["incident", "grouping", "location", "note", "opinion"]);
const schemaOf = (type) => ajv.getSchema(base + "sdos/" + type + ".json") ||
  ajv.getSchema(base + "sros/" + type + ".json") || ajv.getSchema(base + "common/" + type + ".json");
let bad = 0;
const pats = [];
for (const f of files) {
  const b = JSON.parse(fs.readFileSync(f, "utf8"));
  for (const o of b.objects || []) {
    const v = schemaOf(o.type);
    if (!v) { bad++; console.log(`${f}: ${o.id}: no schema for type ${o.type}`); continue; }
    if (!v(o)) {
      bad++;
      console.log(`${f}: ${o.id}: ${ajv.errorsText(v.errors, { separator: "\n  " }).slice(0, 2000)}`);
    }
  }
  const envelope = { ...b, objects: (b.objects || []).filter((o) => !NOT_IN_BUNDLE_SCHEMA.has(o.type)) };
  if (envelope.objects.length === 0) delete envelope.objects;
  if (!validate(envelope)) {
    bad++;
    console.log(`${f}: schema: ${ajv.errorsText(validate.errors, { separator: "\n  " }).slice(0, 4000)}`);
  }
  const ids = new Set((b.objects || []).map((o) => o.id));
  for (const o of b.objects || []) {
    for (const [k, v] of Object.entries(o)) {
      const refs = k.endsWith("_ref") ? [v] : k.endsWith("_refs") ? v : [];
      for (const r of refs)
        if (!ids.has(r)) { bad++; console.log(`${f}: ${o.id}: ${k} names ${r}, not in the bundle`); }
    }
    if (o.type === "indicator") pats.push(o.pattern);
  }
  console.log(`${f}: ${b.objects ? b.objects.length : 0} objects checked`);
}
if (patterns) fs.writeFileSync(patterns, pats.join("\n") + (pats.length ? "\n" : ""));
process.exit(bad ? 1 : 0);
