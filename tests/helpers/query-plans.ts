import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/rows";

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/**
 * A Db that records the SQL and parameters of every drizzle query built on it, exactly as drizzle
 * sends them (`toSQL()` at the moment the query is awaited), and still runs them.
 */
export function capturingDb(db: Db): { db: Db; queries: CapturedQuery[] } {
  const queries: CapturedQuery[] = [];
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== "object" || value instanceof Promise) return value;
    return new Proxy(value, {
      get(target, prop) {
        const member = Reflect.get(target, prop, target) as unknown;
        if (prop === "then" && typeof (target as { toSQL?: unknown }).toSQL === "function") {
          const { sql: text, params } = (target as unknown as { toSQL(): CapturedQuery }).toSQL();
          queries.push({ sql: text, params: [...params] });
        }
        if (typeof member !== "function") return member;
        return (...args: unknown[]) => wrap((member as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  };
  const wrapped = new Proxy(db, {
    get(target, prop) {
      const member = Reflect.get(target, prop, target) as unknown;
      if (typeof member !== "function" || prop === "transaction") {
        return typeof member === "function" ? (member as (...a: unknown[]) => unknown).bind(target) : member;
      }
      return (...args: unknown[]) => wrap((member as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { db: wrapped as Db, queries };
}

/** A parameter as an SQL literal (what a custom plan of the prepared statement sees). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The query's text with its $n parameters written in as literals. */
export function inlineParams(query: CapturedQuery): string {
  return query.sql.replace(/\$(\d+)\b/g, (_, n: string) => literal(query.params[Number(n) - 1]));
}

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Parent Relationship"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface ExplainedQuery {
  root: PlanNode;
  nodes: PlanNode[];
  executionMs: number | null;
}

function flatten(node: PlanNode, into: PlanNode[] = []): PlanNode[] {
  into.push(node);
  for (const child of node.Plans ?? []) flatten(child, into);
  return into;
}

/**
 * EXPLAIN (FORMAT JSON) of a captured query, its parameters bound as in a custom plan.
 * With `analyze`, the query runs and the plan carries actual rows and the execution time.
 */
export async function explain(db: Db, query: CapturedQuery, options: { analyze?: boolean } = {}): Promise<ExplainedQuery> {
  const opts = options.analyze ? "ANALYZE, BUFFERS, FORMAT JSON" : "FORMAT JSON";
  const [row] = rowsOf<Record<string, unknown>>(await db.execute(sql.raw(`EXPLAIN (${opts}) ${inlineParams(query)}`)));
  const raw = row?.["QUERY PLAN"];
  const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode; "Execution Time"?: number }[];
  const root = parsed[0]!.Plan;
  return { root, nodes: flatten(root), executionMs: parsed[0]!["Execution Time"] ?? null };
}

/** "Index Scan using users_email_key on users" etc., one line per scan node. */
export function scanSummary(plan: ExplainedQuery): string[] {
  return plan.nodes
    .filter((n) => n["Relation Name"] || n["Index Name"])
    .map((n) => `${n["Node Type"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}`);
}

/** The whole plan as indented text, for the test log. */
export function planOutline(node: PlanNode, depth = 0): string {
  const self = `${"  ".repeat(depth)}${node["Node Type"]}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}${
    node["Relation Name"] ? ` on ${node["Relation Name"]}` : ""
  }${node["Actual Rows"] !== undefined ? ` (rows=${node["Actual Rows"]} loops=${node["Actual Loops"]})` : ""}`;
  return [self, ...(node.Plans ?? []).map((child) => planOutline(child, depth + 1))].join("\n");
}
