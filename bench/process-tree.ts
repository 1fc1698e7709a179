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

/** What a process in the tree is: the crawler itself (node), Chromium's browser process, a renderer, or another Chromium helper. */
function kindOf(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const program = cmdline.split("\0")[0] ?? "";
    // An exiting process has an empty command line: keep what it was seen as before.
    if (!program) return "gone";
    // Debian's /usr/bin/chromium is a shell script that starts the browser.
    if (/(^|\/)(ba|da)?sh$/.test(program)) return "shell";
    if (!/chrom/i.test(program)) return "node";
    const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
    if (!type) return "browser";
    if (type === "renderer") return "renderers";
    if (type === "utility" && cmdline.includes("network")) return "network service";
    return `other chromium (${type})`;
  } catch {
    return "gone";
  }
}

/**
 * CPU seconds of the tree under `root` by kind of process, sampled every `ms` (each process's own
 * user+system time, last reading kept): where the crawl's CPU goes. A process that exits between
 * two readings loses at most one interval.
 */
export function cpuByKindSampler(root: number, ms = 250): { stop(): Record<string, number> } {
  const ticks = new Map<number, { kind: string; ticks: number }>();
  const read = () => {
    for (const pid of descendants(root)) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const used = Number(fields[11]) + Number(fields[12]);
        // Classified again each time: a process just forked by node shows node's command line until it execs.
        const kind = kindOf(pid);
        ticks.set(pid, { kind: kind === "gone" ? (ticks.get(pid)?.kind ?? kind) : kind, ticks: used });
      } catch {
        // Ended meanwhile.
      }
    }
  };
  const timer = setInterval(read, ms);
  return {
    stop() {
      clearInterval(timer);
      const byKind: Record<string, number> = {};
      for (const { kind, ticks: t } of ticks.values()) byKind[kind] = (byKind[kind] ?? 0) + t / 100;
      return byKind;
    },
  };
}
