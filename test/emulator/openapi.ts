// A tiny JSON Schema checker for the subset the trimmed OpenRouter spec uses, and lookups
// of request/response schemas by operation. The spec is vendored in test/fixtures/ (its README says
// where it comes from).
import { readFileSync } from "node:fs";

export interface Schema {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  maxLength?: number;
  format?: string;
  [annotation: string]: unknown;
}

export type Operation = "POST /api/v1/auth/keys/code" | "POST /api/v1/auth/keys" | "GET /api/v1/key";

interface SpecOperation {
  requestBody?: Schema;
  responses: Record<string, { schema?: Schema }>;
}

export const SPEC_PATH = new URL("../fixtures/openrouter-auth.openapi.json", import.meta.url);
const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as { paths: Record<Operation, SpecOperation> };

// Keywords that describe but do not constrain. Any other keyword is refused, so the checker
// can never pass a schema it does not understand.
const ANNOTATIONS = new Set(["description", "example", "deprecated", "title"]);
const KEYWORDS = new Set(["type", "required", "properties", "additionalProperties", "items", "enum", "maxLength", "format"]);
const FORMATS: Record<string, (value: string) => boolean> = {
  uri: (v) => URL.canParse(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  // RFC 3339 date-time: seconds are required.
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v)),
  double: () => true, // a number's storage hint, no constraint
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

export interface CheckOptions {
  /** Report properties the schema does not list (where it lists any). */
  closed?: boolean;
}

/** Every way `value` breaks `schema`, as "path: problem"; empty when it conforms. */
export function check(schema: Schema, value: unknown, options: CheckOptions = {}, path = "$"): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`${path}: unsupported schema keyword "${keyword}"`);
  }
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === "integer" && allowed.includes("number"))) {
      return [`${path}: expected ${allowed.join(" | ")}, got ${actual}`];
    }
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.format !== undefined) {
      const test = FORMATS[schema.format];
      if (!test) throw new Error(`${path}: unsupported format "${schema.format}"`);
      if (!test(value)) problems.push(`${path}: not a ${schema.format}`);
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => problems.push(...check(schema.items as Schema, item, options, `${path}[${i}]`)));
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) problems.push(`${path}.${name}: required`);
    for (const [name, item] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property) problems.push(...check(property, item, options, `${path}.${name}`));
      else if (typeof schema.additionalProperties === "object") problems.push(...check(schema.additionalProperties, item, options, `${path}.${name}`));
      else if (schema.additionalProperties === false || (options.closed && schema.properties)) problems.push(`${path}.${name}: not in the spec`);
    }
  }
  return problems;
}

export function requestSchema(operation: Operation): Schema {
  const schema = spec.paths[operation].requestBody;
  if (!schema) throw new Error(`${operation} has no request body`);
  return schema;
}

// The spec's error responses list the schema of the `error` property only, and GET /key's 401
// has none: every error is `{ error: { code, message, metadata? } }` (see the contract).
const GENERIC_ERROR = spec.paths["POST /api/v1/auth/keys/code"].responses["401"]?.schema?.error as Schema;

export function responseSchema(operation: Operation, status: number): Schema {
  const documented = spec.paths[operation].responses[String(status)]?.schema;
  if (status < 400) {
    if (!documented) throw new Error(`${operation} documents no ${status} response`);
    return documented;
  }
  const error = (documented?.error as Schema | undefined) ?? GENERIC_ERROR;
  return { type: "object", required: ["error"], properties: { error } };
}

/** Whether the spec documents `status` for `operation` at all. */
export function documents(operation: Operation, status: number): boolean {
  return String(status) in spec.paths[operation].responses;
}
