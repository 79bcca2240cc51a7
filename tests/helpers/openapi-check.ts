// What the tests hold the API's OpenAPI document to: every $ref resolves, and a real response
// validates against the schema the document gives its path and status (zod's JSON Schema 2020-12
// reader, independent of how the routes build their bodies).
import { z } from "zod";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every `$ref` in the document, with where it is. */
export function refsOf(node: unknown, at = "#"): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => refsOf(item, `${at}/${index}`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => (key === "$ref" && typeof value === "string" ? [{ at, ref: value }] : refsOf(value, `${at}/${key}`)));
}

/** The node a local JSON pointer (#/a/b) names, or undefined. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (!pointer.startsWith("#/")) return undefined;
  return pointer
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, part) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), document);
}

/** Follows $refs until a node that is not one. */
export function deref(document: unknown, node: unknown): Record<string, Json> {
  let current = node as Record<string, Json>;
  for (let hops = 0; typeof current?.$ref === "string"; hops += 1) {
    if (hops > 10) throw new Error("a $ref cycle");
    current = resolvePointer(document, current.$ref) as Record<string, Json>;
  }
  return current;
}

/** The JSON body schema of `path`'s GET answer with `status`, as a validator. */
export function responseValidator(document: unknown, path: string, status: string) {
  const paths = (document as { paths: Record<string, { get: { responses: Record<string, unknown> } }> }).paths;
  const response = deref(document, paths[path]?.get.responses[status]);
  const content = response.content as Record<string, { schema: unknown }> | undefined;
  const schema = deref(document, content?.["application/json"]?.schema);
  if (!schema) throw new Error(`no JSON schema for GET ${path} ${status}`);
  return z.fromJSONSchema(structuredClone(schema) as Parameters<typeof z.fromJSONSchema>[0]);
}

/** The response's documented headers (names lower-cased), resolved. */
export function documentedHeaders(document: unknown, path: string, status: string): Record<string, Record<string, Json>> {
  const paths = (document as { paths: Record<string, { get: { responses: Record<string, unknown> } }> }).paths;
  const response = deref(document, paths[path]?.get.responses[status]);
  const headers = (response.headers ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), deref(document, header)]));
}
