// Turns a request body into a typed object the way the apiserver's decoder does:
// YAML or JSON, strict or lenient, wrong kinds and wrong types as BadRequest.
import { JsonSyntaxError, parseJson } from '../../../common/body/json-parse';
import { DEFAULT_YAML_LIMITS, DocumentError, parseYaml } from '../../../common/body/yaml-source';
import { errors, StatusError } from '../../status';
import { decodeAs } from '../codec/decode';
import { dropEmptyFields } from '../codec/go-types';
import { dropEmptyByTags } from '../codec/struct-tags';
import { decodeProtobuf, ProtobufError } from '../codec/protobuf';
import { isObject, Json } from '../../json';
import { groupVersion, ResourceStrategy } from '../registry/strategy';
import { BodyFormat } from './negotiation';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface Decoded {
  object: Json;
  warnings: string[];
}

const TYPE_META_STRUCT =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

interface Parsed {
  value: unknown;
  duplicates: string[];
}

function parseYamlBody(text: string): Parsed {
  try {
    return { value: parseYaml(text).documents[0] ?? null, duplicates: [] };
  } catch (e) {
    if (!(e instanceof DocumentError) || !/duplicated mapping key/.test(e.message)) throw e;
    const line = e.position?.line ?? 0;
    const key = /^\s*-?\s*["']?([^"':]+)["']?\s*:/.exec(text.split('\n')[line - 1] ?? '')?.[1] ?? '';
    const value = parseYaml(text, DEFAULT_YAML_LIMITS, true).documents[0] ?? null;
    return {
      value,
      duplicates: [`yaml: unmarshal errors:\n  line ${line}: key ${JSON.stringify(key)} already set in map`],
    };
  }
}

export function parseDocument(body: Buffer, format: BodyFormat): Parsed {
  const text = body.toString('utf8');
  try {
    if (format === 'protobuf') return { value: decodeProtobuf(body), duplicates: [] };
    if (format === 'yaml') return parseYamlBody(text);
    const r = parseJson(text, { maxDepth: 10000 });
    return { value: r.value, duplicates: r.duplicates.map((p) => `duplicate field ${JSON.stringify(p)}`) };
  } catch (e) {
    if (e instanceof ProtobufError) throw errors.badRequest(e.message);
    if (e instanceof JsonSyntaxError)
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    if (e instanceof DocumentError)
      throw errors.badRequest(`yaml: line ${e.position?.line ?? 0}: ${e.message}`);
    throw e;
  }
}

/** Decodes a body into the strategy's type, with the apiserver's decode errors. */
export function decodeObject(
  body: Buffer,
  format: BodyFormat,
  strategy: ResourceStrategy,
  validation: FieldValidation,
): Decoded {
  let parsed: Parsed;
  try {
    parsed = parseDocument(body, format);
    // A JSON null decodes into the empty object, as Go's decoder leaves its target alone.
    if (parsed.value === null) parsed = { ...parsed, value: {} };
    if (!isObject(parsed.value)) throw notAnObject(parsed.value);
  } catch (e) {
    // Before the kind is known the handler names the type it wanted and the start of the body.
    if (!(e instanceof StatusError) || format === 'protobuf') throw e;
    throw errors.badRequest(
      `the object provided is unrecognized (must be of type ${strategy.info.kind}): ${e.message} (${summarizeData(body, 30)})`,
    );
  }
  return decodeValue(parsed.value, parsed.duplicates, strategy, validation);
}

/** The decoder's error for a document that is no object. */
function notAnObject(value: unknown): StatusError {
  if (value === null) return errors.badRequest(`Object 'Kind' is missing in 'null'`);
  const t = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
  return errors.badRequest(
    `couldn't get version/kind; json parse error: json: cannot unmarshal ${t} into Go value of type ${TYPE_META_STRUCT}`,
  );
}

/** The apiserver's summary of a body it could not decode: text if it looks like JSON, else hex. */
function summarizeData(data: Buffer, maxLength: number): string {
  if (data.length === 0) return '<empty>';
  const more = data.length > maxLength ? ' ...' : '';
  const head = data.subarray(0, maxLength);
  return (data[0] === 0x7b ? head.toString('utf8') : head.toString('hex')) + more;
}

export function decodeValue(
  value: unknown,
  duplicates: string[],
  strategy: ResourceStrategy,
  validation: FieldValidation,
): Decoded {
  const { kind, version } = strategy.info;
  const gv = groupVersion(strategy.info);
  if (!isObject(value)) throw notAnObject(value);
  const bodyKind = typeof value.kind === 'string' ? value.kind : '';
  const bodyVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  const cannotHandle = (why: string): never => {
    throw errors.badRequest(
      `${bodyKind || kind} in version "${bodyVersion ? bodyVersion.split('/').pop() : version}" cannot be handled as a ${kind}: ${why}`,
    );
  };
  if (bodyKind && bodyKind !== kind)
    cannotHandle(
      `no kind "${bodyKind}" is registered for version "${bodyVersion || gv}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
    );
  if (bodyVersion && bodyVersion !== gv)
    throw errors.badRequest(
      `the API version in the data (${bodyVersion}) does not match the expected API version (${gv})`,
    );
  const decoded = decodeAs(value, strategy.info.schemaType);
  if (decoded.typeError) cannotHandle(decoded.typeError);
  // The JSON decoder reports duplicates before the strict pass finds unknown fields.
  const problems = [...duplicates, ...decoded.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`)];
  const warnings: string[] = [];
  if (problems.length && validation === 'Strict')
    cannotHandle(`strict decoding error: ${problems.join(', ')}`);
  // As warnings, YAML's duplicate keys lose the decoder's "yaml: unmarshal errors:" heading.
  if (validation === 'Warn')
    warnings.push(...problems.map((p) => p.replace(/^yaml: unmarshal errors:\n\s*/, '')));
  const object = decoded.object;
  object.kind = kind;
  object.apiVersion = gv;
  // An empty managedFields list asks the field manager to clear them (fieldmanager.go): the
  // decoded Go object holds it, though its encoder would leave it out.
  const meta = object.metadata;
  const clearsManaged = isObject(meta) && Array.isArray(meta.managedFields) && !meta.managedFields.length;
  // What Go's encoder would not write back does not survive the round trip through the Go type.
  dropEmptyFields(object, strategy.info.schemaType);
  dropEmptyByTags(object, strategy.info.schemaType);
  if (clearsManaged && isObject(object.metadata)) object.metadata.managedFields = [];
  strategy.applyDefaults(object);
  return { object, warnings };
}
