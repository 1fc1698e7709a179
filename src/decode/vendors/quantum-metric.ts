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
  [
    {
      source: "Quantum Metric's script as a site's tag loads it (the subscription in its name)",
      url: "https://cdn.quantummetric.com/qscripts/quantum-clinic.js",
      expect: { kind: "loader", pixelIds: ["clinic"], events: [] },
    },
    {
      source: "Quantum Metric recording upload to its ingest host",
      url: "https://ingest.quantummetric.com/horizon/clinic",
      method: "POST",
      body: "encoded-recording",
      expect: { pixelIds: ["clinic"], events: ["session_recording"], shared: ["custom_data"] },
    },
  ],
);
