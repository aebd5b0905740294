#!/usr/bin/env node
// Entry point of the snapseal CLI (built with `npm run build`).
require('../dist/client.js');
