import fs from "node:fs";

// What the bench reads of processes from /proc: CPU time, resident memory, parents.

/** utime + stime of a process, in seconds, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // comm may hold spaces and parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Every process: its pid, name and parent (pid (comm) state ppid ... in /proc/<pid>/stat). */
function processes(): { pid: number; comm: string; ppid: number }[] {
  const out: { pid: number; comm: string; ppid: number }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.push({ pid: Number(entry), comm, ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The process that serves: the deepest descendant of `pid` (`next start` may run the server in a child). */
export function serverProcessOf(pid: number): number {
  const all = processes();
  let current = pid;
  for (;;) {
    const child = all.find((p) => p.ppid === current);
    if (!child) return current;
    current = child.pid;
  }
}

/** CPU seconds of every PostgreSQL process on this machine (its backends serve the bench's connections). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const p of processes()) {
    if (p.comm !== "postgres") continue;
    try {
      total += cpuSecondsOf(p.pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Resident memory (bytes) of a process and all its descendants. */
export function treeRss(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processes()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
