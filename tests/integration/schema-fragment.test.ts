import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import { generateDrizzleJson } from "drizzle-kit/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/rows";
import * as portalSchema from "@/lib/db/schema";
import * as hostSchema from "../fakes/host-schema";
import { databaseTargets } from "../helpers/databases";

// The plugin's schema fragment (lib/two-factor/schema.ts) as a host uses it: spread into the host's
// own schema, its drizzle-kit must make the plugin's tables exactly as the portal's migrations made
// them, and the portal's own schema must be what its migrations made (drizzle-kit has nothing to do).

const PLUGIN_TABLES = ["sms_challenges", "backup_codes", "trusted_devices", "sign_in_tickets", "authenticator_apps", "passkeys", "passkey_challenges"];
const HOST_OWN_USER_COLUMNS = ["id", "email", "display_name", "joined_at"];
const HOST_OWN_AUDIT_COLUMNS = ["tenant_note"];

/** The parts of drizzle-kit's snapshot JSON this test reads. */
interface ColumnSnapshot {
  name: string;
  type: string;
  notNull: boolean;
  default?: string | number | boolean;
}
interface TableSnapshot {
  name: string;
  columns: Record<string, ColumnSnapshot>;
  indexes: Record<string, unknown>;
  foreignKeys: Record<string, unknown>;
}
interface Snapshot {
  tables: Record<string, TableSnapshot>;
  enums: Record<string, unknown>;
}

/** What drizzle-kit generate compares a schema with: the last migration's snapshot in drizzle/meta. */
function portalMigrationsSnapshot(): Snapshot {
  const meta = path.join(process.cwd(), "drizzle", "meta");
  const journal = JSON.parse(fs.readFileSync(path.join(meta, "_journal.json"), "utf8")) as { entries: { idx: number }[] };
  const last = journal.entries.at(-1)!;
  return JSON.parse(fs.readFileSync(path.join(meta, `${String(last.idx).padStart(4, "0")}_snapshot.json`), "utf8"));
}

/** drizzle-kit's view of a schema module's exports, as generate writes it (undefined fields dropped). */
function snapshotOf(schema: Record<string, unknown>): Snapshot {
  return JSON.parse(JSON.stringify(generateDrizzleJson(schema)));
}

const fragmentColumnNames = getTableConfig(hostSchema.users)
  .columns.map((c) => c.name)
  .filter((name) => !HOST_OWN_USER_COLUMNS.includes(name));
const auditFragmentColumnNames = getTableConfig(hostSchema.auditLog)
  .columns.map((c) => c.name)
  .filter((name) => !HOST_OWN_AUDIT_COLUMNS.includes(name));

describe("the plugin's schema fragment spread into a host's schema makes the same tables as the portal's migrations", () => {
  const migrated = portalMigrationsSnapshot();
  const host = snapshotOf(hostSchema);

  it("holds the second-factor columns the core reads and writes on users", () => {
    expect(fragmentColumnNames).toEqual([
      "phone_e164",
      "phone_verified_at",
      "two_factor_enabled_at",
      "two_factor_self_enabled",
      "second_factor_failures",
      "second_factor_locked_until",
      "last_second_factor_at",
      "pending_sign_ins_valid_after",
      "preferred_second_factor",
    ]);
  });

  it("holds the columns of the audit events the core records", () => {
    expect(auditFragmentColumnNames).toEqual(["id", "organization_id", "actor_user_id", "subject_user_id", "type", "created_at", "ip", "user_agent", "details"]);
  });

  it("audit_events: each of the plugin's audit columns as the portal's migrations made it, and the portal keeps its own foreign keys and indexes on them", () => {
    const hostAudit = host.tables["public.audit_events"]!;
    const migratedAudit = migrated.tables["public.audit_events"]!;
    for (const name of auditFragmentColumnNames) expect(hostAudit.columns[name], name).toEqual(migratedAudit.columns[name]);
    expect(Object.keys(hostAudit.columns)).toEqual([...auditFragmentColumnNames, ...HOST_OWN_AUDIT_COLUMNS]);
    // the fragment brings no foreign key: organizations and users of the audit are the host's to reference
    expect(hostAudit.foreignKeys).toEqual({});
    expect(Object.keys(migratedAudit.foreignKeys).sort()).toEqual([
      "audit_events_actor_user_id_users_id_fk",
      "audit_events_organization_id_organizations_id_fk",
      "audit_events_subject_user_id_users_id_fk",
    ]);
  });

  it.each(PLUGIN_TABLES)("%s: the same columns, indexes, unique constraints and foreign key to users", (table) => {
    expect(host.tables[`public.${table}`]).toEqual(migrated.tables[`public.${table}`]);
  });

  it("users: each of the plugin's columns as the portal's migrations made it", () => {
    const hostUsers = host.tables["public.users"]!;
    const migratedUsers = migrated.tables["public.users"]!;
    for (const name of fragmentColumnNames) expect(hostUsers.columns[name], name).toEqual(migratedUsers.columns[name]);
  });

  it("the host's schema has exactly its users and audit tables and the plugin's seven: the partial twoFactorUsers and twoFactorAuditEvents are not exported to drizzle-kit", () => {
    expect(Object.keys(host.tables).sort()).toEqual(["public.users", "public.audit_events", ...PLUGIN_TABLES.map((t) => `public.${t}`)].sort());
  });

  it("the portal's schema, with the fragment spread into its users, is what its migrations made: drizzle-kit generate has nothing to do", () => {
    const portal = snapshotOf(portalSchema);
    expect(portal.tables).toEqual(migrated.tables);
    expect(portal.enums).toEqual(migrated.enums);
  });
});

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: "YES" | "NO";
  column_default: string | null;
}

function expectedColumns(table: TableSnapshot, only?: string[]): ColumnRow[] {
  return Object.values(table.columns)
    .filter((c) => !only || only.includes(c.name))
    .map((c) => ({
      table_name: table.name,
      column_name: c.name,
      data_type: c.type,
      is_nullable: c.notNull ? "NO" : "YES",
      column_default: c.default === undefined ? null : String(c.default),
    }));
}

describe.each(databaseTargets())("the portal's migrations on $name make the fragment's tables and columns", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  const host = snapshotOf(hostSchema);

  // PostgreSQL spells a text literal default with its cast ('session'::text); drizzle-kit without it.
  async function columnsIn(table: string): Promise<ColumnRow[]> {
    return rowsOf<ColumnRow>(
      await handle.db.execute(sql`
        select table_name, column_name, data_type, is_nullable, column_default
        from information_schema.columns where table_schema = 'public' and table_name = ${table}`),
    ).map((row) => ({ ...row, column_default: row.column_default?.replace(/^('(?:[^']|'')*')::text$/, "$1") ?? null }));
  }

  async function indexesOf(table: string): Promise<string[]> {
    const rows = rowsOf<{ indexname: string }>(
      await handle.db.execute(sql`select indexname from pg_indexes where schemaname = 'public' and tablename = ${table}`),
    );
    return rows.map((r) => r.indexname);
  }

  async function foreignKeysOf(table: string): Promise<string[]> {
    const rows = rowsOf<{ name: string }>(
      await handle.db.execute(sql`
        select constraint_name as name from information_schema.table_constraints
        where table_schema = 'public' and table_name = ${table} and constraint_type = 'FOREIGN KEY'`),
    );
    return rows.map((r) => r.name).sort();
  }

  it.each(PLUGIN_TABLES)("%s: every column with its type, nullability and default, its indexes and its foreign key", async (name) => {
    const table = host.tables[`public.${name}`]!;
    expect(await columnsIn(name)).toEqual(expect.arrayContaining(expectedColumns(table)));
    expect(await columnsIn(name)).toHaveLength(Object.keys(table.columns).length);
    expect(await indexesOf(name)).toEqual(expect.arrayContaining(Object.keys(table.indexes)));
    expect(await foreignKeysOf(name)).toEqual(Object.keys(table.foreignKeys).sort());
  });

  it("users: every column of twoFactorUserColumns() with its type, nullability and default", async () => {
    const expected = expectedColumns(host.tables["public.users"]!, fragmentColumnNames);
    expect(expected).toHaveLength(fragmentColumnNames.length);
    expect(await columnsIn("users")).toEqual(expect.arrayContaining(expected));
  });

  it("audit_events: every column of twoFactorAuditEventColumns() with its type, nullability and default", async () => {
    const expected = expectedColumns(host.tables["public.audit_events"]!, auditFragmentColumnNames);
    expect(expected).toHaveLength(auditFragmentColumnNames.length);
    expect(await columnsIn("audit_events")).toEqual(expect.arrayContaining(expected));
  });
});
