import { eq } from "drizzle-orm";
import type { Db } from "../../lib/db/client";
import { organizations, users } from "../../lib/db/schema";
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
  resumeCodes: "resume-codes@example.com",
  resumePhone: "resume-phone@example.com",
  resetOwner: "reset-owner@example.com",
  resetAdmin: "reset-admin@example.com",
  resetMember: "reset-member@example.com",
  resetCoAdmin: "reset-coadmin@example.com",
  /** Paging Co: 26 members and this admin, so "paging-25@example.com" is on the members table's second page. */
  pagingAdmin: "paging-admin@example.com",
  pagingLater: "paging-25@example.com",
  ownOwner: "own-owner@example.com",
  a11yWideOwner: "a11y-wide@example.com",
  a11yNarrowOwner: "a11y-narrow@example.com",
  a11yMember: "a11y-member@example.com",
  a11yFocusOwner: "a11y-focus@example.com",
  messagesNoSms: "messages-no-sms@example.com",
  messagesLock: "messages-lock@example.com",
  messagesConfirmLock: "messages-confirm-lock@example.com",
  messagesReset: "messages-reset@example.com",
  returnPathsConfirmer: "return-paths@example.com",
  /** SSO Co requires 2FA; these two have a phone and sign in with SSO (the fake OpenID provider) or an email link. */
  ssoMember: "sso-member@example.com",
  emailLinkMember: "email-link@example.com",
  /** authenticator-app.spec.ts: SMS set up, then sets up an authenticator app and removes it. */
  authenticatorMember: "authenticator-app@example.com",
  /** method-picker.spec.ts: SMS set up, adds an app, makes SMS preferred, removes the app, and cannot remove SMS. */
  methodPickerMember: "method-picker@example.com",
  /** passkeys.spec.ts: SMS set up, then adds two passkeys, signs in with one and removes one. */
  passkeyMember: "passkeys@example.com",
  /** stronger-factors-journey.spec.ts: no second factor yet, in an organization that requires one. */
  journeyMember: "journey@example.com",
  secureOwner: "secure-owner@example.com",
  secureMember: "secure-member@example.com",
  /** app-sign-in.spec.ts (issue 19): a member of an organization that requires nothing, who signs apps in. */
  appSignInMember: "app-sign-in@example.com",
  /** app-sign-in.spec.ts: an owner who requires 2FA after signing in, then signs an app in again with SMS set up. */
  appSignInOwner: "app-sign-in-owner@example.com",
  /** app-sign-in.spec.ts: a member with SMS in an organization that requires 2FA (the challenge, then a trusted device). */
  appSignInVerifier: "app-sign-in-2fa@example.com",
  /** mobile-app.spec.ts (issue 19): Mobile Co requires nothing at first; its owner turns the requirement on under the app. */
  mobileOwner: "mobile-owner@example.com",
  mobileMember: "mobile-member@example.com",
  /** oauth-rules.spec.ts: a member of an organization that requires nothing, whose browser sign-ins give the codes the rules are tried on. */
  oauthRulesMember: "oauth-rules@example.com",
  /** mobile-app.spec.ts: signs the app out (RFC 7009) and sees it leave the Security page's list. */
  mobileSignOutMember: "mobile-sign-out@example.com",
  /** signed-in-apps.spec.ts: in an organization that requires nothing; signs an app in, then revokes it on the Security page. */
  appsMember: "apps-member@example.com",
} as const;

/**
 * two-instances.spec.ts's users (Instances Co, which requires 2FA): each limit's or guarantee's own,
 * so one test's codes never count toward another's limit. All but `setup` have a phone; the three
 * `perPhone` users share one, and `direct` is in an organization that requires nothing.
 */
export const E2E_INSTANCE_USERS = {
  handOff: { email: "inst-handoff@example.com", phone: "+14155553501" },
  smsOnce: { email: "inst-sms-once@example.com", phone: "+14155553502" },
  tries: { email: "inst-tries@example.com", phone: "+14155553503" },
  lockout: { email: "inst-lockout@example.com", phone: "+14155553504" },
  perPhoneA: { email: "inst-phone-a@example.com", phone: "+14155553505" },
  perPhoneB: { email: "inst-phone-b@example.com", phone: "+14155553505" },
  perPhoneC: { email: "inst-phone-c@example.com", phone: "+14155553505" },
  dailyCap: { email: "inst-daily-cap@example.com", phone: "+14155553506" },
  signInLimit: { email: "inst-sign-in-limit@example.com", phone: "+14155553507" },
  backupOnce: { email: "inst-backup-once@example.com", phone: "+14155553508" },
  setup: { email: "inst-setup@example.com", phone: "+14155553509" },
  direct: { email: "inst-direct@example.com", phone: "" },
  reset: { email: "inst-reset@example.com", phone: "" },
  /** The native app's member (issue 19): signs an app in through the balancer. */
  app: { email: "inst-app@example.com", phone: "+14155553510" },
} as const;

/** Their phones (sign-in-methods.spec.ts reads the codes texted to them). */
export const E2E_SSO_PHONES = { ssoMember: "+14155553401", emailLinkMember: "+14155553402" } as const;

/** The phones of Secure Co's owner and SMS-only member (secure-methods-policy.spec.ts). */
export const E2E_SECURE_PHONES = { owner: "+14155553701", member: "+14155553702" } as const;

/** The phone of `E2E_USERS.authenticatorMember` (authenticator-app.spec.ts reads the codes texted to it). */
export const E2E_AUTHENTICATOR_PHONE = "+14155553601";

/** The phone of `E2E_USERS.methodPickerMember` (method-picker.spec.ts). */
export const E2E_METHOD_PICKER_PHONE = "+14155553602";
/** The phone of `E2E_USERS.passkeyMember` (passkeys.spec.ts reads the codes texted to it). */
export const E2E_PASSKEY_PHONE = "+14155553603";
/** The phones of app-sign-in.spec.ts: the owner sets one up; the verifier has one. */
export const E2E_APP_SIGN_IN_PHONES = { owner: "+14155553801", verifier: "+14155553802" } as const;
/** The phone `E2E_USERS.journeyMember` sets up (stronger-factors-journey.spec.ts). */
export const E2E_JOURNEY_PHONE = "+14155553604";
/** The phone `E2E_USERS.mobileMember` sets up when the app sends them back to the browser (mobile-app.spec.ts). */
export const E2E_MOBILE_PHONE = "+14155553901";

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
  // Issue 14 items 4-6 (ux-flows.spec.ts): resumed actions, the owner's own 2FA, the typo caught at setup.
  const resume = await createOrganization(db, "Resume Co");
  await createUser(db, { organizationId: resume.id, role: "member", email: E2E_USERS.resumeCodes, password, name: "Rae Codes" });
  await createUser(db, { organizationId: resume.id, role: "member", email: E2E_USERS.resumePhone, password, name: "Phil Phone" });
  const reset = await createOrganization(db, "Reset Co");
  await createUser(db, { organizationId: reset.id, role: "owner", email: E2E_USERS.resetOwner, password, name: "Rita Owner" });
  // Another admin with a second factor: an admin is still offered no "Reset 2FA" for them (only the owner may).
  const coAdmin = await createUser(db, { organizationId: reset.id, role: "admin", email: E2E_USERS.resetCoAdmin, password, name: "Cora Admin" });
  await withSecondFactor(db, coAdmin.id, "+14155551498");
  await createUser(db, { organizationId: reset.id, role: "admin", email: E2E_USERS.resetAdmin, password, name: "Ray Admin" });
  await createUser(db, { organizationId: reset.id, role: "member", email: E2E_USERS.resetMember, password, name: "Remy Member" });
  const own = await createOrganization(db, "Own Co");
  await createUser(db, { organizationId: own.id, role: "owner", email: E2E_USERS.ownOwner, password, name: "Oona Owner" });
  // One organization per test of the accessibility spec, each requiring 2FA, with a member not set up.
  const a11yOrganizations = [
    ["A11y Wide Co", E2E_USERS.a11yWideOwner, "Wanda Wide"],
    ["A11y Narrow Co", E2E_USERS.a11yNarrowOwner, "Nora Narrow"],
    ["A11y Focus Co", E2E_USERS.a11yFocusOwner, "Fern Focus"],
  ] as const;
  for (const [name, owner, ownerName] of a11yOrganizations) {
    const a11y = await createOrganization(db, name);
    await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, a11y.id));
    await createUser(db, { organizationId: a11y.id, role: "owner", email: owner, password, name: ownerName });
    await createUser(db, { organizationId: a11y.id, role: "member", email: owner.replace("@", "-member@"), password, name: "Nat Notsetup" });
  }
  const a11yFree = await createOrganization(db, "A11y Free Co");
  await createUser(db, { organizationId: a11yFree.id, role: "member", email: E2E_USERS.a11yMember, password, name: "Mia Member" });
  const messages = await createOrganization(db, "Messages Co");
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesNoSms, password, name: "Nora Nosms" });
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesLock, password, name: "Lars Lock" });
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesConfirmLock, password, name: "Cleo Confirm" });
  await createUser(db, { organizationId: messages.id, role: "member", email: E2E_USERS.messagesReset, password, name: "Rita Reset" });
  const paging = await createOrganization(db, "Paging Co");
  await createUser(db, { organizationId: paging.id, role: "owner", email: E2E_USERS.pagingAdmin, password, name: "Paige Admin" });
  for (let n = 0; n <= 25; n++) {
    const member = await createUser(db, { organizationId: paging.id, role: "member", email: `paging-${String(n).padStart(2, "0")}@example.com`, password, name: `Member ${n}` });
    // The member on the second page has a second factor, so the table offers "Reset 2FA" for them.
    if (n === 25) await withSecondFactor(db, member.id, "+14155551499");
  }
  // return-paths.spec.ts's /confirm test: a member who sets up a second factor (so the page shows its forms).
  const returnCo = await createOrganization(db, "Return Co");
  await createUser(db, { organizationId: returnCo.id, role: "member", email: E2E_USERS.returnPathsConfirmer, password, name: "Remy Return" });
  const sso = await createOrganization(db, "SSO Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, sso.id));
  const ssoMember = await createUser(db, { organizationId: sso.id, role: "member", email: E2E_USERS.ssoMember, password, name: "Sue SSO" });
  await withSecondFactor(db, ssoMember.id, E2E_SSO_PHONES.ssoMember);
  const linkMember = await createUser(db, { organizationId: sso.id, role: "member", email: E2E_USERS.emailLinkMember, password, name: "Lin Link" });
  await withSecondFactor(db, linkMember.id, E2E_SSO_PHONES.emailLinkMember);
  const authenticatorCo = await createOrganization(db, "Authenticator Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, authenticatorCo.id));
  const authenticatorMember = await createUser(db, { organizationId: authenticatorCo.id, role: "member", email: E2E_USERS.authenticatorMember, password, name: "Otto Authenticator" });
  await withSecondFactor(db, authenticatorMember.id, E2E_AUTHENTICATOR_PHONE);
  const pickerMember = await createUser(db, { organizationId: authenticatorCo.id, role: "member", email: E2E_USERS.methodPickerMember, password, name: "Mia Methods" });
  await withSecondFactor(db, pickerMember.id, E2E_METHOD_PICKER_PHONE);
  const passkeyCo = await createOrganization(db, "Passkey Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, passkeyCo.id));
  const passkeyMember = await createUser(db, { organizationId: passkeyCo.id, role: "member", email: E2E_USERS.passkeyMember, password, name: "Pia Passkey" });
  await withSecondFactor(db, passkeyMember.id, E2E_PASSKEY_PHONE);
  await createUser(db, { organizationId: passkeyCo.id, role: "member", email: E2E_USERS.journeyMember, password, name: "Jo Journey" });
  // Issue 18's policy: an owner who switches to secure methods only, and a member with SMS alone.
  const secureCo = await createOrganization(db, "Secure Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, secureCo.id));
  const secureOwner = await createUser(db, { organizationId: secureCo.id, role: "owner", email: E2E_USERS.secureOwner, password, name: "Sol Secure" });
  await withSecondFactor(db, secureOwner.id, E2E_SECURE_PHONES.owner);
  const secureMember = await createUser(db, { organizationId: secureCo.id, role: "member", email: E2E_USERS.secureMember, password, name: "Sim Smsonly" });
  await withSecondFactor(db, secureMember.id, E2E_SECURE_PHONES.member);
  // Issue 19's app sign-in step (app-sign-in.spec.ts): one organization per member, so the owner's
  // switch reaches nobody else.
  const appFree = await createOrganization(db, "App Sign-in Co");
  await createUser(db, { organizationId: appFree.id, role: "member", email: E2E_USERS.appSignInMember, password, name: "Abby Apps" });
  const appOwnerCo = await createOrganization(db, "App Owner Co");
  await createUser(db, { organizationId: appOwnerCo.id, role: "owner", email: E2E_USERS.appSignInOwner, password, name: "Otis Apps" });
  const appTwoStepCo = await createOrganization(db, "App Two-step Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, appTwoStepCo.id));
  const appVerifier = await createUser(db, { organizationId: appTwoStepCo.id, role: "member", email: E2E_USERS.appSignInVerifier, password, name: "Vic Verifier" });
  await withSecondFactor(db, appVerifier.id, E2E_APP_SIGN_IN_PHONES.verifier);
  // Issue 19: the scripted mobile app's member, in an organization that requires nothing until its owner says so.
  const mobile = await createOrganization(db, "Mobile Co");
  await createUser(db, { organizationId: mobile.id, role: "owner", email: E2E_USERS.mobileOwner, password, name: "Mo Owner" });
  await createUser(db, { organizationId: mobile.id, role: "member", email: E2E_USERS.mobileMember, password, name: "Mel Mobile" });
  const oauthRules = await createOrganization(db, "OAuth Rules Co");
  await createUser(db, { organizationId: oauthRules.id, role: "member", email: E2E_USERS.oauthRulesMember, password, name: "Rory Rules" });
  await createUser(db, { organizationId: oauthRules.id, role: "member", email: E2E_USERS.mobileSignOutMember, password, name: "Sid Signout" });
  const apps = await createOrganization(db, "Apps Co");
  await createUser(db, { organizationId: apps.id, role: "member", email: E2E_USERS.appsMember, password, name: "Abby Apps" });
  const instances = await createOrganization(db, "Instances Co");
  await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, instances.id));
  const free = await createOrganization(db, "Instances Free Co");
  for (const [key, { email, phone }] of Object.entries(E2E_INSTANCE_USERS)) {
    const organizationId = key === "direct" || key === "reset" || key === "backupOnce" ? free.id : instances.id;
    const user = await createUser(db, { organizationId, role: "member", email, password, name: `Ivy ${key}` });
    if (phone && key !== "setup" && key !== "backupOnce") await withSecondFactor(db, user.id, phone);
  }
}

/** A seeded user with a verified phone, for a test that needs one to act on but never signs in as them. */
async function withSecondFactor(db: Db, userId: string, phoneE164: string) {
  await db.update(users).set({ phoneE164, phoneVerifiedAt: new Date(), twoFactorEnabledAt: new Date() }).where(eq(users.id, userId));
}
