/** The report's sections, in page order; the first is the headline. */
import type { SectionDefinition } from "../section.js";
import { ageing } from "./ageing.js";
import { assetsByOs } from "./assets-by-os.js";
import { assetsCheckIn } from "./assets-check-in.js";
import { bySeverity } from "./by-severity.js";
import { detectionSources } from "./detection-sources.js";
import { mitreTactics } from "./mitre-tactics.js";
import { pcFailedControls } from "./pc-failed-controls.js";
import { pcPassRate } from "./pc-pass-rate.js";
import { summary } from "./summary.js";
import { timeToFix } from "./time-to-fix.js";
import { topHosts } from "./top-hosts.js";
import { topQids } from "./top-qids.js";
import { trend } from "./trend.js";
import { wasBySeverity } from "./was-by-severity.js";
import { wasByWebApp } from "./was-by-webapp.js";

export const SECTIONS: readonly SectionDefinition[] = [
  summary, bySeverity, topQids, ageing, timeToFix, trend, topHosts, mitreTactics, detectionSources, pcPassRate, pcFailedControls, assetsByOs, assetsCheckIn, wasBySeverity, wasByWebApp,
];
