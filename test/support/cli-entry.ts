// Runs the CLI from source, so CLI tests need no build step.
import { main } from '../../src/cli/main.js';

await main();
