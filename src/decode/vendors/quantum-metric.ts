import { sessionRecorder } from "../session-recorder.ts";

/** Quantum Metric: `cdn.quantummetric.com/qscripts/quantum-SUB.js`, recordings to `SUB.quantummetric.com/horizon/SUB`. */
export const quantumMetric = sessionRecorder(
  { id: "quantum-metric", entity: "Quantum Metric", tracker: "Quantum Metric" },
  {
    hosts: ["quantummetric.com"],
    loader: /\/quantum-[a-z0-9-]+\.js$/i,
    data: /^\/horizon\//,
    project: (url) =>
      url.pathname.match(/^\/horizon\/([a-z0-9-]+)/i)?.[1] ??
      url.pathname.match(/quantum-([a-z0-9-]+)\.js$/i)?.[1],
  },
);
