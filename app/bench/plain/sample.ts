/** The fixed member /bench/plain shows (benchmark baseline only). */
export const SAMPLE_VIEWER = {
  user: { id: "bench", email: "bench@example.com", name: "Bench Member", sessionsValidAfter: new Date(0), twoFactorEnrolled: true },
  organization: { id: "bench", name: "Bench Co", requireTwoFactor: true, twoFactorGraceUntil: null },
  role: "member" as const,
};
