import { eq } from "drizzle-orm";
import type { Db } from "../../lib/db/client";
import { organizations } from "../../lib/db/schema";
import { seedDemoData } from "../../lib/db/seed";
import { createOrganization, createUser } from "../helpers/fixtures";

/** Users of the e2e flows, apart from Acme so one flow's organization setting does not leak into another. */
export const E2E_USERS = {
  articleOwner: "article-owner@example.com",
  articleMember: "article-member@example.com",
  selfEnabler: "self@example.com",
  faultMember: "fault-member@example.com",
  faultPeer: "fault-peer@example.com",
  adminCoOwner: "adminco-owner@example.com",
  adminCoAdmin: "adminco-admin@example.com",
  adminCoMember: "adminco-member@example.com",
  phoneChanger: "phone-member@example.com",
  deviceOwner: "devices-member@example.com",
  smsFailure: "sms-failure@example.com",
  verifyRoute: "verify-route@example.com",
  verifyFallbacks: "verify-fallbacks@example.com",
  databaseOutage: "db-outage@example.com",
  parked: "parked@example.com",
  portalOwner: "portal-owner@example.com",
  liftOwner: "lift-owner@example.com",
  liftAdmin: "lift-admin@example.com",
  sessionOwner: "session-owner@example.com",
  sessionMember: "session-member@example.com",
  sessionResetMember: "session-reset@example.com",
  sessionPasswordMember: "session-password@example.com",
  messagesNoSms: "messages-no-sms@example.com",
  messagesLock: "messages-lock@example.com",
  messagesReset: "messages-reset@example.com",
} as const;

export async function seedE2eData(db: Db, password: string) {
  await seedDemoData(db, password);
  const article = await createOrganization(db, "Article Co");
  await createUser(db, { organizationId: article.id, role: "owner", email: E2E_USERS.articleOwner, password, name: "Ann Owner" });
  await createUser(db, { organizationId: article.id, role: "member", email: E2E_USERS.articleMember, password, name: "Art Member" });
  const other = await createOrganization(db, "Self Co");
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.selfEnabler, password, name: "Sam Self" });
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.phoneChanger, password, name: "Pat Phone" });
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.deviceOwner, password, name: "Dev Devices" });
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.smsFailure, password, name: "Sid Failure" });
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.verifyRoute, password, name: "Vera Route" });
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.verifyFallbacks, password, name: "Val Fallback" });
  await createUser(db, { organizationId: other.id, role: "member", email: E2E_USERS.databaseOutage, password, name: "Otto Outage" });
  const adminCo = await createOrganization(db, "Admin Co");
  await createUser(db, { organizationId: adminCo.id, role: "owner", email: E2E_USERS.adminCoOwner, password, name: "Olga Owner" });
  await createUser(db, { organizationId: adminCo.id, role: "admin", email: E2E_USERS.adminCoAdmin, password, name: "Abe Admin" });
  await createUser(db, { organizationId: adminCo.id, role: "member", email: E2E_USERS.adminCoMember, password, name: "Max Member" });
  // Requires 2FA from the start: its member is not enrolled until the pending-sign-in spec enrolls them.
  const parked = await createOrganization(db, "Parked Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, parked.id));
  await createUser(db, { organizationId: parked.id, role: "member", email: E2E_USERS.parked, password, name: "Pam Parked" });
  const faults = await createOrganization(db, "Fault Co");
  await createUser(db, { organizationId: faults.id, role: "member", email: E2E_USERS.faultMember, password, name: "Fay Fault" });
  await createUser(db, { organizationId: faults.id, role: "member", email: E2E_USERS.faultPeer, password, name: "Pete Peer" });
  const portal = await createOrganization(db, "Portal Co");
  await createUser(db, { organizationId: portal.id, role: "owner", email: E2E_USERS.portalOwner, password, name: "Paula Portal" });
  const lift = await createOrganization(db, "Lift Co");
  await createUser(db, { organizationId: lift.id, role: "owner", email: E2E_USERS.liftOwner, password, name: "Lou Owner" });
  await createUser(db, { organizationId: lift.id, role: "admin", email: E2E_USERS.liftAdmin, password, name: "Lia Admin" });
  const sessions = await createOrganization(db, "Session Co");
  await createUser(db, { organizationId: sessions.id, role: "owner", email: E2E_USERS.sessionOwner, password, name: "Sol Owner" });
  await createUser(db, { organizationId: sessions.id, role: "member", email: E2E_USERS.sessionMember, password, name: "Sue Session" });
  await createUser(db, { organizationId: sessions.id, role: "member", email: E2E_USERS.sessionResetMember, password, name: "Rex Reset" });
  await createUser(db, { organizationId: sessions.id, role: "member", email: E2E_USERS.sessionPasswordMember, password, name: "Pam Password" });
  const messages = await createOrganization(db, "Messages Co");
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesNoSms, password, name: "Nora Nosms" });
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesLock, password, name: "Lars Lock" });
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesReset, password, name: "Rita Reset" });
}
