#!/usr/bin/env node
import { runRenkei } from './program.js';

process.exitCode = await runRenkei(process.argv.slice(2));
