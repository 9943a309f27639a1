#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds dist/ (the `prepare` script).
import { main } from '../dist/cli/main.js';

main().catch((error) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
