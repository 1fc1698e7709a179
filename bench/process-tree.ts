/**
 * Resource readings of a process and all its descendants (the crawl, its Chromium's many
 * processes), from /proc: benchmark figures, Linux only.
 */
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields resume after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** `root` and every process below it. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Memory of the tree under `root`, in bytes: the sum of each process's proportional set size (PSS),
 * so pages Chromium's processes share are counted once, not once per process as RSS would.
 */
export function treeRss(root: number): number {
  let total = 0;
  for (const pid of descendants(root)) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // The process ended meanwhile (or the kernel has no smaps_rollup: then nothing is counted).
    }
  }
  return total;
}

/** Busy CPU seconds of the whole machine since boot (from /proc/stat). */
export function machineCpuSeconds(): number {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return (total - idle) / 100;
}

/** Samples the tree's RSS every `ms` until stopped; returns the peak. */
export function rssSampler(root: number, ms = 500): { stop(): number; samples: number[] } {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(treeRss(root)), ms);
  return {
    samples,
    stop() {
      clearInterval(timer);
      return samples.length ? Math.max(...samples) : 0;
    },
  };
}
