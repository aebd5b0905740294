// The name and version written into every manifest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string };

export const TOOL_NAME = pkg.name;
export const TOOL_VERSION = pkg.version;
