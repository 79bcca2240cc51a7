/** @type {import('next').NextConfig} */
const nextConfig = {
  // The peer is its own project inside the repository: without these, Next.js would take the
  // repository root (which has a lockfile too) for the workspace root.
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
  // As the app's next.config.mjs.
  poweredByHeader: false,
};

export default nextConfig;
