#!/usr/bin/env node
// The `qualys` command. Its code is qualys-ts's (`qualys-ts/cli`); this package brings the packages
// the CLI loads on use — commander, csv-stringify, cli-progress, vega and vega-lite for
// `qualys report`, pg for PostgreSQL, ioredis for --redis — next to qualys-ts, where it finds them.
import { runAsProcess } from "qualys-ts/cli";

await runAsProcess();
