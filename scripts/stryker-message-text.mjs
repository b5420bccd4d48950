// A StrykerJS ignorer (`ignorers: ["message-text"]` in stryker.config.mjs): string-literal mutants
// of texts written for people are left out of the mutation score, shown as "Ignored" with the
// reason below in the report. Error codes are the API and messages may change (src/core/errors.ts),
// so a test that pins a sentence's wording would only make the score count wording.
//
// Only the literal itself is ignored, and only where it is nothing but text:
// - the message of `new OpenRouterAuthError(code, message)` and `new HttpError(status, message)`,
//   of `new Error(message)` and `new TypeError(message)`, of node.ts's `writeError(res, status,
//   message)`, of `optionError(owner, path, message)` and policy.ts's `fail(path, message)`;
// - an issue's `message` (beside its `path`), an audit event's `detail`;
// - the text of `redact(text, secrets)`;
// - zod's issue texts: `z.custom(check, message)` and what `{ error: (issue) => … }` returns;
// - either branch of a conditional in one of those places.
// A template literal counts only when what it interpolates is inert (names, properties, String(),
// arithmetic on them):
// one that bounds or cuts a value (`.slice(0, 200)`) stays counted. Everything else stays counted:
// the choice between two texts (the condition), codes, statuses, header names, the texts a client
// maps to codes (the exchange route's "Invalid code or code_verifier"), texts whose emptiness
// means "no problem" (checkCallbackUrl's answers), constants.
import { PluginKind, declareValuePlugin } from "@stryker-mutator/api/plugin";

export const REASON = "Message text for people: codes and behaviour are tested, wording is not (README, Mutation testing)";

/** Callee name → index of its text argument. */
const TEXT_ARGUMENT = new Map([
  ["OpenRouterAuthError", 1],
  ["Error", 0],
  ["TypeError", 0],
  ["writeError", 2],
  ["HttpError", 1],
  ["optionError", 2],
  ["fail", 1],
  ["redact", 0],
  ["z.custom", 1],
]);
/** Calls that only format a value into text. */
const FORMATTERS = new Set(["String", "describe", "describeRule", "JSON.stringify", "Math.round", "Math.ceil", "Math.floor"]);

function calleeName(callee) {
  if (callee.type === "Identifier") return callee.name;
  if (callee.type === "MemberExpression" && !callee.computed && callee.object.type === "Identifier" && callee.property.type === "Identifier") {
    return `${callee.object.name}.${callee.property.name}`;
  }
  return undefined;
}

function propertyName(node) {
  if (node.computed) return undefined;
  return node.key.type === "Identifier" ? node.key.name : node.key.type === "StringLiteral" ? node.key.value : undefined;
}

/** An interpolated expression that can only be turned into text: no call that cuts, bounds or picks. */
function isInert(node) {
  switch (node.type) {
    case "Identifier":
    case "NumericLiteral":
      return true;
    case "MemberExpression":
      return isInert(node.object) && (!node.computed || node.property.type === "NumericLiteral");
    case "CallExpression":
      return FORMATTERS.has(calleeName(node.callee)) && node.arguments.every(isInert);
    case "BinaryExpression":
      return /^[-+*/%]$/.test(node.operator) && isInert(node.left) && isInert(node.right);
    default:
      return false;
  }
}

/** Whether the text at `path` (a literal, or a conditional's branch) lands in a text-only place. */
function isTextPosition(path) {
  let current = path;
  // Up through the branches of a conditional: both are texts, the condition is not ignored.
  while (current.parentPath?.isConditionalExpression() && current.key !== "test") current = current.parentPath;
  const parent = current.parentPath;
  if (!parent) return false;
  if ((parent.isCallExpression() || parent.isNewExpression()) && current.listKey === "arguments") {
    return TEXT_ARGUMENT.get(calleeName(parent.node.callee)) === current.key;
  }
  if (parent.isObjectProperty() && current.key === "value") {
    const name = propertyName(parent.node);
    // An issue's message sits beside its path; a snapshot's `message` is an id ("relayed"), not text.
    if (name === "message") return parent.parentPath.node.properties.some((p) => p.type === "ObjectProperty" && propertyName(p) === "path");
    return name === "detail";
  }
  // zod's `{ error: (issue) => text }`.
  if (parent.isArrowFunctionExpression() && current.key === "body") {
    const holder = parent.parentPath;
    return holder?.isObjectProperty() === true && parent.key === "value" && propertyName(holder.node) === "error";
  }
  return false;
}

export const messageTextIgnorer = {
  shouldIgnore(path) {
    const literal = path.isStringLiteral() || (path.isTemplateLiteral() && path.node.expressions.every(isInert));
    if (literal && !path.parentPath?.isTaggedTemplateExpression() && isTextPosition(path)) return REASON;
    return undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, "message-text", messageTextIgnorer)];
