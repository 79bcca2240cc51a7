import { notFound } from "next/navigation";
import { connection } from "next/server";
import { HomeSummary } from "@/components/portal/home-summary";
import { SAMPLE_VIEWER } from "./sample";

/** The portal home's markup for the fixed member (see layout.tsx). */
export default async function PlainPage() {
  await connection();
  if (process.env.BENCH_PAGES !== "1") notFound();
  return <HomeSummary viewer={SAMPLE_VIEWER} />;
}
