// The bench's table: each figure beside its same-run baseline, the ratio and issue 6's goal.
import type { PeerResult } from "../better-auth";
import type { GateDecisionResult } from "../gate-decision";
import { MEMBER_COUNTS, type MembersResult } from "../members";
import { PASSWORD_HASH_OPTIONS } from "../../lib/auth/password";
import type { VerifyRun } from "../verify";
import { DEFAULT_HEAP_LIMIT_MB, DEFAULT_SEMI_SPACE_MB } from "../../scripts/node-options";
import type { Comparison, LoadResult } from "./load";
import { fmt, ratio, type Row } from "./table";

/**
 * Item 4's transactions are every transaction of the bench's database in the window, not only the
 * verifications' (autovacuum and autoanalyze run there too: a few thousandths per verification), so the
 * figure is judged as printed, two decimals.
 */
const asPrinted = (value: number) => Math.round(value * 100) / 100;

/** Better Auth 1.7's twoFactor plugin on this machine (issue 6): the reference of item 4's goals. */
export const BETTER_AUTH = { verificationsPerSecond: 170, p99Ms: 121, transactionsPerVerification: 5.8, rssMiB: 510 };
const MiB = 1024 * 1024;

export interface Figures {
  /** live challenges in the table during item 4 */
  challenges: number;
  gate: GateDecisionResult;
  verify: VerifyRun;
  rejected: LoadResult;
  transactionsPerVerification: number;
  bareArgon: LoadResult;
  signIns: VerifyRun;
  item1: Comparison;
  /** item 1's method with nothing to find: the same server, the gate on, against itself */
  floor: Comparison;
  /** Better Auth 1.7's twoFactor verify-otp, measured in this run (PostgreSQL only) */
  peer: PeerResult | null;
  item3: Comparison;
  rss: { idleOn: number; idleOff: number; loadOn: number; loadOff: number };
  members: MembersResult;
}

/** The table's rows: each figure beside its same-run baseline, the ratio and issue 6's goal. */
export function figureRows(f: Figures, postgres: boolean): Row[] {
  const out: Row[] = [];
  const met = (ok: boolean) => (ok ? "met" : "missed") as Row["verdict"];
  const ms = (v: number) => `${fmt(v, 1)} ms`;
  const us = (v: number) => `${fmt(v, 0)} µs`;
  const rps = (v: number) => `${fmt(v, 0)}/s`;

  // Three decimals where a goal is a ratio near the measured one, so the verdict and the figure agree.
  const spread = (c: Comparison) => `${ratio(c.a.rps, c.b.rps, 3)} (pairs ${fmt(Math.min(...c.pairRatios), 2)}–${fmt(Math.max(...c.pairRatios), 2)})`;
  const g1 = f.item1;
  out.push(
    { item: "1", what: "protected page /, gate on vs off (one server, switched): req/s", figure: rps(g1.a.rps), baseline: rps(g1.b.rps), ratio: spread(g1), goal: "≥ 0.95×", verdict: met(g1.a.rps / g1.b.rps >= 0.95) },
    { item: "1", what: "  p50 latency", figure: ms(g1.a.p50), baseline: ms(g1.b.p50), ratio: ratio(g1.a.p50, g1.b.p50), goal: "", verdict: "info" },
    { item: "1", what: "  p99 latency", figure: ms(g1.a.p99), baseline: ms(g1.b.p99), ratio: ratio(g1.a.p99, g1.b.p99), goal: "", verdict: "info" },
    { item: "1", what: "  noise floor: the same server and state (gate on) against itself", figure: rps(f.floor.a.rps), baseline: rps(f.floor.b.rps), ratio: spread(f.floor), goal: "(diagnostic)", verdict: "info" },
  );

  const g = f.gate;
  out.push(
    { item: "2", what: "gate decision (decideGateForRequest), signed-in page (µs/decision)", figure: us(g.gate.session), baseline: `${us(g.nodeSessionKeyed)} bare node:crypto`, ratio: ratio(g.gate.session, g.nodeSessionKeyed), goal: "≤ 1.5×", verdict: met(g.gate.session / g.nodeSessionKeyed <= 1.5) },
    { item: "2", what: "  pending sign-in on a two-factor page", figure: us(g.gate.pending), baseline: `${us(g.nodeBare.pending)} bare node:crypto`, ratio: ratio(g.gate.pending, g.nodeBare.pending), goal: "≤ 1.5×", verdict: met(g.gate.pending / g.nodeBare.pending <= 1.5) },
    { item: "2", what: "  both cookies on a signed-in page (only the session is needed)", figure: us(g.gate.both), baseline: `${us(g.nodeSessionKeyed)} bare node:crypto`, ratio: ratio(g.gate.both, g.nodeSessionKeyed), goal: "≤ 1.5×", verdict: met(g.gate.both / g.nodeSessionKeyed <= 1.5) },
    { item: "2", what: "  the whole middleware.ts call (with its NextResponse), signed-in page", figure: us(g.middleware.session), baseline: `${us(g.nodeSessionKeyed)} bare node:crypto`, ratio: ratio(g.middleware.session, g.nodeSessionKeyed), goal: "(diagnostic)", verdict: "info" },
    { item: "2", what: "  the whole middleware.ts call, pending sign-in", figure: us(g.middleware.pending), baseline: `${us(g.nodeBare.pending)} bare node:crypto`, ratio: ratio(g.middleware.pending, g.nodeBare.pending), goal: "(diagnostic)", verdict: "info" },
    { item: "2", what: "  the same decision with WebCrypto (the edge runtime's), signed-in page", figure: us(g.edge.session), baseline: `${us(g.gate.session)} on Node`, ratio: ratio(g.edge.session, g.gate.session), goal: "(diagnostic)", verdict: "info" },
    { item: "2", what: "  the same decision with WebCrypto, both cookies", figure: us(g.edge.both), baseline: `${us(g.core)} on Node`, ratio: ratio(g.edge.both, g.core), goal: "(diagnostic)", verdict: "info" },
    { item: "2", what: "  signed-in page vs the bare WebCrypto (edge runtime), key derived once", figure: us(g.gate.session), baseline: `${us(g.bareSessionKeyed)} bare WebCrypto`, ratio: ratio(g.gate.session, g.bareSessionKeyed), goal: "(diagnostic)", verdict: "info" },
    { item: "2", what: "  what the old gate did: next-auth's auth() wrapper + unseal", figure: us(g.wrapper), baseline: `${us(g.bare.both)} bare WebCrypto, both`, ratio: ratio(g.wrapper, g.bare.both), goal: "(diagnostic)", verdict: "info" },
    { item: "2", what: "  the bare cryptography with node:crypto (not on the edge)", figure: us(g.nodeBare.both), baseline: `${us(g.bare.both)} bare WebCrypto`, ratio: ratio(g.nodeBare.both, g.bare.both), goal: "(diagnostic)", verdict: "info" },
  );

  const g3 = f.item3;
  out.push(
    { item: "3", what: "/ (session decode + DB check) vs /bench/plain: req/s", figure: rps(g3.a.rps), baseline: rps(g3.b.rps), ratio: spread(g3), goal: "≥ 0.85×", verdict: met(g3.a.rps / g3.b.rps >= 0.85) },
    { item: "3", what: "  p50 latency", figure: ms(g3.a.p50), baseline: ms(g3.b.p50), ratio: ratio(g3.a.p50, g3.b.p50), goal: "", verdict: "info" },
    { item: "3", what: "  p99 latency", figure: ms(g3.a.p99), baseline: ms(g3.b.p99), ratio: ratio(g3.a.p99, g3.b.p99), goal: "", verdict: "info" },
  );

  const v = f.verify.result;
  const vps = f.verify.signedIn / v.seconds;
  out.push(
    { item: "4", what: `SMS-code verifications/s (${fmt(f.challenges, 0)} live challenges)`, figure: rps(vps), baseline: `${rps(f.rejected.rps)} bare route`, ratio: ratio(vps, f.rejected.rps), goal: `≥ ${fmt(BETTER_AUTH.verificationsPerSecond * 1.5, 0)}/s`, verdict: met(vps >= BETTER_AUTH.verificationsPerSecond * 1.5) },
    ...(f.peer
      ? [
          { item: "4", what: `  against Better Auth ${f.peer.version} measured in this run (verify-otp, ${fmt(f.peer.challengesSeeded, 0)} challenges)`, figure: rps(vps), baseline: rps(f.peer.verificationsPerSecond), ratio: ratio(vps, f.peer.verificationsPerSecond), goal: "≥ 1.5×", verdict: met(vps / f.peer.verificationsPerSecond >= 1.5) },
          { item: "4", what: "    p99 latency, the same two", figure: ms(v.p99), baseline: ms(f.peer.p99), ratio: ratio(v.p99, f.peer.p99), goal: "", verdict: "info" as const },
        ]
      : [{ item: "4", what: "  against Better Auth 1.7 measured in this run", figure: "n/a on PGlite", baseline: "", ratio: "", goal: "≥ 1.5× (run with BENCH_DATABASE_URL)", verdict: "n/a" as const }]),
    { item: "4", what: "  against Better Auth 1.7 (the issue's figure, another day)", figure: rps(vps), baseline: rps(BETTER_AUTH.verificationsPerSecond), ratio: ratio(vps, BETTER_AUTH.verificationsPerSecond), goal: "≥ 1.5×", verdict: met(vps / BETTER_AUTH.verificationsPerSecond >= 1.5) },
    { item: "4", what: "  p50 latency", figure: ms(v.p50), baseline: `${ms(f.rejected.p50)} bare route`, ratio: ratio(v.p50, f.rejected.p50), goal: "", verdict: "info" },
    { item: "4", what: "  p99 latency", figure: ms(v.p99), baseline: `${ms(f.rejected.p99)} bare route`, ratio: ratio(v.p99, f.rejected.p99), goal: `< 80 ms (BA ${BETTER_AUTH.p99Ms} ms)`, verdict: met(v.p99 < 80) },
    postgres
      ? { item: "4", what: "  DB transactions per verification (pg_stat_database)", figure: fmt(f.transactionsPerVerification, 2), baseline: f.peer ? `${fmt(f.peer.transactionsPerVerification, 2)} Better Auth, this run` : `${fmt(BETTER_AUTH.transactionsPerVerification, 1)} Better Auth`, ratio: ratio(f.transactionsPerVerification, f.peer?.transactionsPerVerification ?? BETTER_AUTH.transactionsPerVerification), goal: "≤ 3", verdict: met(asPrinted(f.transactionsPerVerification) <= 3) }
      : { item: "4", what: "  DB transactions per verification", figure: "n/a on PGlite", baseline: "", ratio: "", goal: "≤ 3 (run with BENCH_DATABASE_URL)", verdict: "n/a" },
    { item: "4", what: `password sign-ins/s (argon2id m=${PASSWORD_HASH_OPTIONS.memoryCost} KiB, t=${PASSWORD_HASH_OPTIONS.timeCost}, p=${PASSWORD_HASH_OPTIONS.parallelism})`, figure: rps(f.signIns.signedIn / f.signIns.result.seconds), baseline: `${rps(f.bareArgon.rps)} bare argon2`, ratio: ratio(f.signIns.signedIn / f.signIns.result.seconds, f.bareArgon.rps), goal: "(stated)", verdict: "info" },
    { item: "4", what: "  p99 latency", figure: ms(f.signIns.result.p99), baseline: `${ms(f.bareArgon.p99)} bare argon2`, ratio: ratio(f.signIns.result.p99, f.bareArgon.p99), goal: "", verdict: "info" },
  );

  if (f.members.status === "waiting") {
    out.push({ item: "5", what: "members page queries", figure: "item 5: waiting for the members page (issue 5)", baseline: "", ratio: "", goal: "flat or logarithmic", verdict: "n/a" });
  } else {
    for (const c of f.members.cases) {
      for (const count of MEMBER_COUNTS.slice(1)) {
        const previous = MEMBER_COUNTS[MEMBER_COUNTS.indexOf(count) - 1]!;
        const growth = c.pages[count]! / c.pages[previous]!;
        out.push({
          item: "5",
          what: `members: ${c.name}, ${fmt(count / 1000, 0)}k vs ${fmt(previous / 1000, 0)}k members`,
          figure: `${fmt(c.pages[count]!, 0)} buffers, ${ms(c.ms[count]!)}`,
          baseline: `${fmt(c.pages[previous]!, 0)} buffers, ${ms(c.ms[previous]!)}`,
          ratio: `${fmt(growth, 2)}× buffers, ${ratio(c.ms[count]!, c.ms[previous]!)} time`,
          goal: "< 2× per 10× members",
          verdict: met(growth < 2),
        });
      }
    }
  }

  out.push(
    { item: "6", what: `RSS of next start as npm start runs it (heap ${DEFAULT_HEAP_LIMIT_MB} MiB, semi-space ${DEFAULT_SEMI_SPACE_MB}), idle: gate on vs off`, figure: `${fmt(f.rss.idleOn / MiB, 0)} MiB`, baseline: `${fmt(f.rss.idleOff / MiB, 0)} MiB`, ratio: ratio(f.rss.idleOn, f.rss.idleOff), goal: "", verdict: "info" },
    { item: "6", what: "RSS under item 1's load, peak (vs the same server idle)", figure: `${fmt(f.rss.loadOn / MiB, 0)} MiB`, baseline: `${fmt(f.rss.idleOn / MiB, 0)} MiB idle`, ratio: ratio(f.rss.loadOn, f.rss.idleOn), goal: `< 400 MiB (peer ${BETTER_AUTH.rssMiB})`, verdict: met(f.rss.loadOn < 400 * MiB) },
    { item: "6", what: "  gate-off server under item 3's load, peak", figure: `${fmt(f.rss.loadOff / MiB, 0)} MiB`, baseline: `${fmt(f.rss.idleOff / MiB, 0)} MiB idle`, ratio: ratio(f.rss.loadOff, f.rss.idleOff), goal: "", verdict: "info" },
    ...(f.peer
      ? [{ item: "6", what: `  Better Auth ${f.peer.version} under its verify-otp load, peak (this run)`, figure: `${fmt(f.peer.rssPeakBytes / MiB, 0)} MiB`, baseline: `${fmt(f.peer.rssIdleBytes / MiB, 0)} MiB idle`, ratio: ratio(f.peer.rssPeakBytes, f.peer.rssIdleBytes), goal: "", verdict: "info" as const }]
      : []),
  );
  return out;
}
