#!/usr/bin/env node
import { runAsProcess } from "../cli.js";

await runAsProcess();
