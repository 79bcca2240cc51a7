import "./globals.css";

export const metadata = { title: "Host app" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="mx-auto my-12 max-w-md px-4 text-slate-900">{children}</body>
    </html>
  );
}
